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
        XCTAssertEqual(product.shape, [64, 32])
        _ = matmul(a, b)  // after: not counted in the next measurement either
        XCTAssertEqual(ProductClock.measuring {}.calls, 0)
    }
}
