import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Streams one URL into a file with URLSession, reporting progress; fails on any status but 200.
// @unchecked: its state is touched only on the session's serial delegate queue, and read by the
// caller after `finished` is signalled.
final class Downloader: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    private let destination: URL
    private let progress: ProgressReporter
    private var handle: FileHandle?
    private var received: Int64 = 0
    private var failure: String?
    private let finished = DispatchSemaphore(value: 0)

    private init(destination: URL, progress: ProgressReporter) {
        self.destination = destination
        self.progress = progress
    }

    /// Downloads `url` to `destination` (created or truncated). Throws `downloadFailed`.
    static func fetch(_ url: URL, to destination: URL, label: String, showProgress: Bool, timeout: TimeInterval) throws {
        guard FileManager.default.createFile(atPath: destination.path, contents: nil),
              let handle = FileHandle(forWritingAtPath: destination.path) else {
            throw DatasetError.io(path: destination.path, reason: "cannot create file")
        }
        let downloader = Downloader(destination: destination, progress: ProgressReporter(label: label, enabled: showProgress))
        downloader.handle = handle
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = 6 * 3600
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = 1
        let session = URLSession(configuration: configuration, delegate: downloader, delegateQueue: queue)
        session.dataTask(with: url).resume()
        downloader.finished.wait()
        session.finishTasksAndInvalidate()
        try? handle.close()
        downloader.progress.finish(received: downloader.received, success: downloader.failure == nil)
        if let failure = downloader.failure {
            throw DatasetError.downloadFailed(url: url.absoluteString, reason: failure)
        }
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        if let http = response as? HTTPURLResponse, http.statusCode != 200 {
            failure = "HTTP status \(http.statusCode)"
            completionHandler(.cancel)
            return
        }
        progress.start(expectedBytes: response.expectedContentLength)
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        guard failure == nil else { return }
        handle?.write(data)
        received += Int64(data.count)
        progress.update(received: received)
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        if let error = error, failure == nil { failure = error.localizedDescription }
        finished.signal()
    }
}
