import Foundation

/// Reads a fixture written by tools/golden/make_tsne_fixtures.py (scikit-learn's outputs).
struct Fixture {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    let object: [String: Any]

    init(_ name: String) throws {
        let data = try Data(contentsOf: Fixture.directory.appendingPathComponent("\(name).json"))
        object = try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }

    func int(_ key: String) -> Int { (object[key] as! NSNumber).intValue }
    func double(_ key: String) -> Double { (object[key] as! NSNumber).doubleValue }
    func doubles(_ key: String) -> [Double] { (object[key] as! [NSNumber]).map(\.doubleValue) }
    func ints(_ key: String) -> [Int] { (object[key] as! [NSNumber]).map(\.intValue) }
    /// Values written as decimals and parsed as float32, as numpy's `astype(float32)` of them.
    func floats(_ key: String) -> [Float] { (object[key] as! [NSNumber]).map { Float($0.stringValue)! } }
    func records(_ key: String) -> [[String: Any]] { object[key] as! [[String: Any]] }
}
