import Randomness
import XCTest
@testable import TensorCore

/// The vectorised per-column sums against the plain loops they replaced: bit-identical (the
/// same additions in the same order per column), whatever the number of columns left over
/// after the vector blocks.
final class ColumnReductionTests: XCTestCase {
    private let shapes = [(rows: 1, columns: 1), (3, 7), (5, 8), (257, 13), (100, 64), (31, 100), (4, 1024)]

    private func values(_ count: Int, seed: UInt64) -> [Float] {
        var generator = SeededGenerator(seed: seed)
        // Spread over 40 binades: more than a Double's 53 bits hold with a Float's 24, so even
        // the Double sums round, and a changed order of additions shows in the last bits.
        return (0..<count).map { _ in
            Float.random(in: -1...1, using: &generator) * Float(sign: .plus, exponent: Int.random(in: -20...20, using: &generator), significand: 1)
        }
    }

    func testDoubleSumsAndCentredSquaresAreBitIdenticalToThePlainLoops() {
        for (rows, c) in shapes {
            let x = values(rows * c, seed: UInt64(rows * 1000 + c))
            var sums = [Double](repeating: 0, count: c), squares = [Double](repeating: 0, count: c)
            for row in 0..<rows { for j in 0..<c { sums[j] += Double(x[row * c + j]) } }
            let means = sums.map { $0 / Double(rows) }
            for row in 0..<rows {
                for j in 0..<c {
                    let centred = Double(x[row * c + j]) - means[j]
                    squares[j] += centred * centred
                }
            }
            x.withUnsafeBufferPointer { p in
                XCTAssertEqual(ColumnReduction.sums(p.baseAddress!, rows: rows, columns: c), sums, "\(rows)×\(c)")
                XCTAssertEqual(ColumnReduction.centredSquareSums(p.baseAddress!, rows: rows, columns: c, means: means),
                               squares, "\(rows)×\(c)")
            }
        }
    }

    func testGradientAndProductSumsAreBitIdenticalToThePlainLoop() {
        for (rows, c) in shapes {
            let g = values(rows * c, seed: 7), x = values(rows * c, seed: 8)
            var sums = [Double](repeating: 0, count: c), products = [Double](repeating: 0, count: c)
            for row in 0..<rows {
                for j in 0..<c {
                    sums[j] += Double(g[row * c + j])
                    products[j] += Double(g[row * c + j]) * Double(x[row * c + j])
                }
            }
            let got = g.withUnsafeBufferPointer { gp in
                x.withUnsafeBufferPointer { xp in
                    ColumnReduction.sumsAndProductSums(gp.baseAddress!, xp.baseAddress!, rows: rows, columns: c)
                }
            }
            XCTAssertEqual(got.sums, sums, "\(rows)×\(c)")
            XCTAssertEqual(got.productSums, products, "\(rows)×\(c)")
        }
    }

    func testMaskedGradientSumsAreBitIdenticalToMaskingFirst() {
        // The fused relu + batch-norm backward: masking inside the kernel must equal masking
        // the gradient first (`mask > 0 ? g : 0`, NaN masks to 0) and then summing.
        for (rows, c) in shapes {
            let g = values(rows * c, seed: 11), x = values(rows * c, seed: 12)
            var mask = values(rows * c, seed: 13)
            mask[mask.count / 2] = .nan
            let maskedFirst = zip(g, mask).map { $1 > 0 ? $0 : 0 }
            var sums = [Double](repeating: 0, count: c), products = [Double](repeating: 0, count: c)
            for row in 0..<rows {
                for j in 0..<c {
                    sums[j] += Double(maskedFirst[row * c + j])
                    products[j] += Double(maskedFirst[row * c + j]) * Double(x[row * c + j])
                }
            }
            let got = g.withUnsafeBufferPointer { gp in
                x.withUnsafeBufferPointer { xp in
                    mask.withUnsafeBufferPointer { mp in
                        ColumnReduction.sumsAndProductSums(gp.baseAddress!, xp.baseAddress!, mask: mp.baseAddress!,
                                                           rows: rows, columns: c)
                    }
                }
            }
            XCTAssertEqual(got.sums, sums, "\(rows)×\(c)")
            XCTAssertEqual(got.productSums, products, "\(rows)×\(c)")
        }
    }

    func testBiasGradientIsBitIdenticalToThePlainFloatLoop() {
        for (rows, c) in shapes + [(2, 16), (3, 17), (6, 33)] {
            let x = values(rows * c, seed: 9)
            var sums = [Float](repeating: 0, count: c)
            for row in 0..<rows { for j in 0..<c { sums[j] += x[row * c + j] } }
            XCTAssertEqual(Tensor(shape: [rows, c], scalars: x).sumOverRows().scalars, sums, "\(rows)×\(c)")
        }
        XCTAssertEqual(Tensor(shape: [0, 3], scalars: []).sumOverRows().scalars, [0, 0, 0], "no rows: zero sums")
    }

    func testAChangedAdditionOrderWouldBeSeen() {
        // The guard on the tests above: in their 257 × 13 data, summing a column's values in
        // another order changes the last bits of some column's sum, in Double and in Float, so
        // their equalities would catch a kernel that reordered the additions.
        let (rows, c) = (257, 13)
        let x = values(rows * c, seed: UInt64(rows * 1000 + c))
        let columns = (0..<c).map { j in (0..<rows).map { x[$0 * c + j] } }
        XCTAssertTrue(columns.contains { $0.reduce(0.0) { $0 + Double($1) } != $0.reversed().reduce(0.0) { $0 + Double($1) } })
        XCTAssertTrue(columns.contains { $0.reduce(Float(0), +) != $0.reversed().reduce(Float(0), +) })
    }
}
