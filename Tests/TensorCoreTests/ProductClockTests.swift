import XCTest
@testable import TensorCore

/// `ProductClock` counts the products inside its measurement and only those.
final class ProductClockTests: XCTestCase {
    func testCountsTheProductsOfAMeasurementOnly() {
        let a = Tensor(shape: [64, 128], scalars: (0..<(64 * 128)).map { Float($0 % 7) })
        let b = Tensor(shape: [128, 32], scalars: (0..<(128 * 32)).map { Float($0 % 5) })
        _ = matmul(a, b)  // outside: not counted
        var product = Tensor.zeros([1])
        let measured = ProductClock.measuring {
            product = matmul(a, b)
            _ = matmul(product, Tensor.zeros([32, 8]))
        }
        XCTAssertEqual(measured.calls, 2)
        XCTAssertGreaterThan(measured.milliseconds, 0)
        // By shape: each product once, under the shape it was called with, its time within the total.
        let first = ProductShape(m: 64, n: 32, k: 128), second = ProductShape(m: 64, n: 8, k: 32)
        XCTAssertEqual(Set(measured.byShape.keys), [first, second])
        XCTAssertEqual(measured.byShape[first]?.calls, 1)
        XCTAssertEqual(measured.byShape[second]?.calls, 1)
        XCTAssertEqual(measured.byShape.values.reduce(0) { $0 + $1.nanoseconds }, measured.nanoseconds)
        XCTAssertEqual(first.floatingPointOperations, 2 * 64 * 32 * 128)
        XCTAssertEqual(product.shape, [64, 32])
        _ = matmul(a, b)  // after: not counted in the next measurement either
        XCTAssertEqual(ProductClock.measuring {}.calls, 0)
    }

    func testAShapeNamesItsOperandsAsStored() {
        // The weight gradient of a dense layer 1024 → 10 at batch 100: inputᵀ · outputGradient.
        XCTAssertEqual(ProductShape(transposeA: true, m: 1024, n: 10, k: 100).description, "[100, 1024]ᵀ·[100, 10]")
        // Its input gradient: outputGradient · weightᵀ.
        XCTAssertEqual(ProductShape(transposeB: true, m: 100, n: 1024, k: 10).description, "[100, 10]·[1024, 10]ᵀ")
        XCTAssertEqual(ProductShape(m: 100, n: 10, k: 1024).description, "[100, 1024]·[1024, 10]")
    }
}
