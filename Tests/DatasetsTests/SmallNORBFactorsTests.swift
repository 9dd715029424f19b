import Randomness
import XCTest
@testable import Datasets

/// Small-NORB as a factor data set, on tiny splits written in the real file format.
final class SmallNORBFactorsTests: XCTestCase {
    /// Writes one split holding every combination of the given file values (azimuth as stored:
    /// even degrees/10), in a scrambled order; example i's left image is filled with byte
    /// `i % 200` and its right image with `i % 200 + 50`. Returns the factors in file order.
    private func writeSplit(_ split: SmallNORB.Split, in directory: URL, categories: [Int], instances: [Int],
                            elevations: [Int], azimuths: [Int], lightings: [Int], seed: UInt64) throws -> [[Int]] {
        var rows = [[Int]]()
        for c in categories { for i in instances { for e in elevations { for a in azimuths { for l in lightings {
            rows.append([c, i, e, a, l])
        } } } } }
        var generator = SeededGenerator(seed: seed)
        generator.shuffle(&rows)
        let n = rows.count
        var dat = [UInt8](repeating: 0, count: n * 2 * 9216)
        for i in 0..<n {
            for p in 0..<9216 {
                dat[(i * 2) * 9216 + p] = UInt8(i % 200)
                dat[(i * 2 + 1) * 9216 + p] = UInt8(i % 200 + 50)
            }
        }
        try Fixtures.write(Fixtures.deflate(Fixtures.norbMatrix(bytes: true, dimensions: [n, 2, 96, 96], values: dat)),
                           to: directory.appendingPathComponent(SmallNORB.fileName(split, "dat")))
        try Fixtures.write(Fixtures.deflate(Fixtures.norbMatrix(bytes: false, dimensions: [n], values: rows.flatMap { Fixtures.littleEndian32($0[0]) })),
                           to: directory.appendingPathComponent(SmallNORB.fileName(split, "cat")))
        try Fixtures.write(Fixtures.deflate(Fixtures.norbMatrix(bytes: false, dimensions: [n, 4], values: rows.flatMap { $0[1...].flatMap(Fixtures.littleEndian32) })),
                           to: directory.appendingPathComponent(SmallNORB.fileName(split, "info")))
        return rows
    }

    func testLooksUpStereoPairsByFactors() throws {
        let directory = try Fixtures.temporaryDirectory(self)
        let rows = try writeSplit(.training, in: directory, categories: [0, 3], instances: [4, 6], elevations: [0, 8],
                                  azimuths: [0, 34], lightings: [2], seed: 1)
        let norb = try SmallNORBFactors([SmallNORB.load(.training, directory: directory)])
        XCTAssertEqual(norb.factorSizes, [2, 2, 2, 2, 1])
        XCTAssertEqual(norb.factorValues, [[0, 3], [4, 6], [0, 8], [0, 17], [2]])
        XCTAssertEqual(norb.latentFactorIndices, [0, 2, 3, 4])
        XCTAssertEqual(norb.observationShape, [96, 96, 2])
        XCTAssertEqual(norb.factorNames, ["category", "instance", "elevation", "azimuth", "lighting"])
        // Category 3, instance 4, elevation 8, azimuth 0, lighting 2 → indices [1, 0, 1, 0, 0].
        let index = rows.firstIndex(of: [3, 4, 8, 0, 2])!
        XCTAssertEqual(norb.example(for: [1, 0, 1, 0, 0]).example, index)
        let observation = norb.observation(for: [1, 0, 1, 0, 0])
        XCTAssertEqual(observation.count, 96 * 96 * 2)
        XCTAssertEqual(observation[0], Float(index % 200) / 255, "left camera first")
        XCTAssertEqual(observation[1], Float(index % 200 + 50) / 255, "right camera second")
        XCTAssertEqual(observation[2 * 9215 + 1], Float(index % 200 + 50) / 255)
        // Every combination names a different example.
        var generator = SeededGenerator(seed: 2)
        var seen = Set<Int>()
        for _ in 0..<400 { seen.insert(norb.example(for: norb.randomFactors(using: &generator)).example) }
        XCTAssertEqual(seen.count, 16)
    }

    /// Both splits together: the instances of each add up (official files: 5 + 5 = 10).
    func testSplitsTogetherJoinTheirInstances() throws {
        let directory = try Fixtures.temporaryDirectory(self)
        _ = try writeSplit(.training, in: directory, categories: [1], instances: [4, 6], elevations: [3],
                           azimuths: [2, 4, 6], lightings: [0, 5], seed: 3)
        let testRows = try writeSplit(.testing, in: directory, categories: [1], instances: [0, 5], elevations: [3],
                                      azimuths: [2, 4, 6], lightings: [0, 5], seed: 4)
        let training = try SmallNORB.load(.training, directory: directory)
        let testing = try SmallNORB.load(.testing, directory: directory)
        let norb = try SmallNORBFactors([training, testing])
        XCTAssertEqual(norb.factorSizes, [1, 4, 1, 3, 2])
        XCTAssertEqual(norb.factorValues[1], [0, 4, 5, 6])
        let found = norb.example(for: [0, 2, 0, 1, 1])  // instance 5 (testing), azimuth 4/2 = 2, lighting 5
        XCTAssertEqual(found.split, 1)
        XCTAssertEqual(found.example, testRows.firstIndex(of: [1, 5, 3, 4, 5])!)
        // One split alone lacks the other's instances but is complete in itself.
        XCTAssertEqual(try SmallNORBFactors([training]).factorSizes, [1, 2, 1, 3, 2])
    }

    func testRejectsIncompleteOrDuplicatedGrids() throws {
        let directory = try Fixtures.temporaryDirectory(self)
        _ = try writeSplit(.training, in: directory, categories: [0, 1], instances: [4], elevations: [0],
                           azimuths: [0], lightings: [0, 1], seed: 5)
        let set = try SmallNORB.load(.training, directory: directory)
        let partial = SmallNORB(pixels: Array(set.pixels.dropLast(18432)), factors: Array(set.factors.dropLast()))
        XCTAssertThrowsError(try SmallNORBFactors([partial])) { error in
            XCTAssertTrue("\(error)".contains("3 examples"), "\(error)")
        }
        XCTAssertThrowsError(try SmallNORBFactors([set, set])) { error in
            XCTAssertTrue("\(error)".contains("8 examples"), "\(error)")
        }
        var repeated = set.factors
        repeated[3] = repeated[0]  // four examples, four combinations, one of them twice
        XCTAssertThrowsError(try SmallNORBFactors([SmallNORB(pixels: set.pixels, factors: repeated)])) { error in
            XCTAssertTrue("\(error)".contains("share factors"), "\(error)")
        }
        XCTAssertThrowsError(try SmallNORBFactors([]))
    }
}
