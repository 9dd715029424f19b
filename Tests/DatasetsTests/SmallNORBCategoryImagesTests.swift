import XCTest
@testable import Datasets

/// Small-NORB's categories as 32×32 images (AnoDM Tables 2 and 3), from files in the real format.
final class SmallNORBCategoryImagesTests: XCTestCase {
    func testLeftCameraAveragedOverThreeByThreeBlocksWithCategoryLabels() throws {
        let dir = try Fixtures.temporaryDirectory(self)
        let n = 2
        // Left camera 100 everywhere, right camera 7 (never read); example 0's first block holds
        // 0…8 (mean 4), its second block eight 1s and one 2 (mean 10/9, rounds to 1), and
        // example 1's last block 254 and eight 255s (mean 254.9, rounds to 255).
        var dat = [UInt8](repeating: 0, count: n * 2 * 9216)
        for i in 0..<n { for p in 0..<9216 { dat[(i * 2) * 9216 + p] = 100; dat[(i * 2 + 1) * 9216 + p] = 7 } }
        for dy in 0..<3 { for dx in 0..<3 {
            dat[dy * 96 + dx] = UInt8(dy * 3 + dx)
            dat[dy * 96 + 3 + dx] = dy == 2 && dx == 2 ? 2 : 1
            dat[2 * 9216 + (93 + dy) * 96 + 93 + dx] = dy == 0 && dx == 0 ? 254 : 255
        } }
        try Fixtures.write(Fixtures.deflate(Fixtures.norbMatrix(bytes: true, dimensions: [n, 2, 96, 96], values: dat)),
                           to: dir.appendingPathComponent(SmallNORB.fileName(.testing, "dat")))
        try Fixtures.write(Fixtures.deflate(Fixtures.norbMatrix(bytes: false, dimensions: [n], values: [3, 0].flatMap(Fixtures.littleEndian32))),
                           to: dir.appendingPathComponent(SmallNORB.fileName(.testing, "cat")))
        try Fixtures.write(Fixtures.deflate(Fixtures.norbMatrix(bytes: false, dimensions: [n, 4], values: [[1, 2, 4, 3], [0, 0, 0, 0]].flatMap { $0.flatMap(Fixtures.littleEndian32) })),
                           to: dir.appendingPathComponent(SmallNORB.fileName(.testing, "info")))
        let images = try SmallNORB.load(.testing, directory: dir).categoryImages()
        XCTAssertEqual(images.shape, [32, 32, 1])
        XCTAssertEqual(images.count, 2)
        XCTAssertEqual(images.labels, [3, 0])
        XCTAssertEqual(images.pixels[0], 4)
        XCTAssertEqual(images.pixels[1], 1)
        XCTAssertEqual(images.pixels[2], 100)
        XCTAssertEqual(images.pixels[1024 + 1023], 255)
        XCTAssertEqual(images.pixels[1024 + 1022], 100)
        XCTAssertEqual(Set(images.pixels).subtracting([4, 1, 100, 255]), [], "the right camera (7) is never read")
    }
}
