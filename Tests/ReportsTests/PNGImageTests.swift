import XCTest
@testable import Reports

final class PNGImageTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws { folder = try makeTemporaryFolder() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    func testRoundTripKeepsExactPixels() throws {
        let pixels: [UInt8] = (0..<35).map { (index: Int) -> UInt8 in UInt8((index * 37 + 11) % 256) }
        let image = try PNGImage(width: 7, height: 5, pixels: pixels)
        let file = folder.appendingPathComponent("sub/image.png")
        try image.write(to: file)
        let data = try Data(contentsOf: file)
        XCTAssertEqual(pngSize(data)?.width, 7)
        XCTAssertEqual(pngSize(data)?.height, 5)
        XCTAssertEqual(try PNGImage.read(from: file), image)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: file.deletingLastPathComponent().path),
                       ["image.png"])
    }

    func testFloatValuesMapToRoundedBytes() throws {
        let image = try PNGImage(width: 3, height: 2, values: [0, 1, 0.5, -0.2, 1.7, .nan])
        XCTAssertEqual(image.pixels, [0, 255, 128, 0, 255, 0])
        XCTAssertEqual(PNGImage.byte(0.2), 51)
    }

    func testGridLayout() throws {
        // Two columns of 2×2 tiles, three tiles, separator 1 px of 255: 5×5 image.
        let tiles = try [10, 20, 30].map { try PNGImage(width: 2, height: 2, pixels: [UInt8](repeating: UInt8($0), count: 4)) }
        let grid = try PNGImage.grid(tiles, columns: 2, separator: 1, separatorValue: 255)
        XCTAssertEqual(grid.width, 5)
        XCTAssertEqual(grid.height, 5)
        XCTAssertEqual(grid.pixels, [
            10, 10, 255, 20, 20,
            10, 10, 255, 20, 20,
            255, 255, 255, 255, 255,
            30, 30, 255, 255, 255,
            30, 30, 255, 255, 255,
        ])
        let file = folder.appendingPathComponent("grid.png")
        try grid.write(to: file)
        XCTAssertEqual(try PNGImage.read(from: file), grid)

        let fromValues = try PNGImage.grid(values: [[0, 1], [1, 0]], tileWidth: 1, tileHeight: 2,
                                           columns: 2, separator: 2, separatorValue: 0.5)
        XCTAssertEqual(fromValues.width, 4)
        XCTAssertEqual(fromValues.pixels, [0, 128, 128, 255, 255, 128, 128, 0])
    }

    func testErrors() throws {
        XCTAssertThrowsError(try PNGImage(width: 2, height: 2, pixels: [1, 2, 3])) {
            XCTAssertEqual("\($0)", "invalid image: 3 pixels for a 2×2 image")
        }
        let a = try PNGImage(width: 2, height: 2, pixels: [0, 0, 0, 0])
        let b = try PNGImage(width: 3, height: 2, pixels: [0, 0, 0, 0, 0, 0])
        XCTAssertThrowsError(try PNGImage.grid([a, b], columns: 2)) {
            XCTAssertEqual("\($0)", "invalid image grid: tile 1 is 3×2, tile 0 is 2×2")
        }
        let notPNG = folder.appendingPathComponent("fake.png")
        try Data("definitely not a png".utf8).write(to: notPNG)
        XCTAssertThrowsError(try PNGImage.read(from: notPNG)) { error in
            guard case PNGError.libpng(let operation, let path, let message) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(operation, "read")
            XCTAssertEqual(path, notPNG.path)
            XCTAssertFalse(message.isEmpty)
        }
        XCTAssertThrowsError(try PNGImage.read(from: folder.appendingPathComponent("missing.png")))
    }
}
