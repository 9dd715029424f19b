import Datasets
import Foundation
import Randomness
import Reports
import XCTest
@testable import Metrics

/// Factor traversals and sample grids of a factor data set (dSprites here). Set
/// FACTOR_GRID_OUTPUT=folder to also write the grids as PNG files to look at.
final class FactorGridTests: XCTestCase {
    private func writeIfAsked(_ image: PNGImage, _ name: String) throws {
        guard let folder = ProcessInfo.processInfo.environment["FACTOR_GRID_OUTPUT"], !folder.isEmpty else { return }
        try image.write(to: URL(fileURLWithPath: folder).appendingPathComponent(name))
    }

    func testTraversalRowsVaryOneFactorEach() throws {
        let sprites = DSprites()
        let base = [2, 5, 0, 16, 16]
        let grid = try factorTraversalGrid(dataset: sprites, base: base, columns: 8)
        XCTAssertEqual(grid.width, 8 * 64 + 7)
        XCTAssertEqual(grid.height, 5 * 64 + 4)
        // Row 2 (orientation), column 7: the last orientation, 39; column 0: the first.
        for (row, column, factors) in [(2, 7, [2, 5, 39, 16, 16]), (2, 0, [2, 5, 0, 16, 16]), (3, 3, [2, 5, 0, 13, 16]),
                                       (0, 4, [1, 5, 0, 16, 16]), (1, 7, [2, 5, 0, 16, 16])] {
            let expected = DSprites.image(for: factors).map { $0 == 1 ? UInt8(255) : 0 }
            let tile = (0..<64).flatMap { y in
                (0..<64).map { x in grid[row * 65 + y, column * 65 + x] }
            }
            XCTAssertEqual(tile, expected, "row \(row), column \(column)")
        }
        try writeIfAsked(grid, "dsprites-traversal.png")
    }

    func testSampleGridDrawsFromTheSeed() throws {
        var a = SeededGenerator(seed: 3), b = SeededGenerator(seed: 3)
        let first = try factorSampleGrid(dataset: DSprites(), rows: 4, columns: 6, generator: &a)
        XCTAssertEqual(first, try factorSampleGrid(dataset: DSprites(), rows: 4, columns: 6, generator: &b))
        XCTAssertEqual(first.width, 6 * 64 + 5)
        XCTAssertEqual(first.height, 4 * 64 + 3)
        try writeIfAsked(first, "dsprites-samples.png")
        XCTAssertThrowsError(try factorTraversalGrid(dataset: DSprites(), base: [3, 0, 0, 0, 0], columns: 4))
    }
}
