import XCTest
@testable import Datasets

/// dSprites rendered procedurally: factor layout, binary images, rotation and its symmetries,
/// scale ordering, placement (see `DSprites` for our reading of the original).
final class DSpritesTests: XCTestCase {
    private func whiteCount(_ image: [UInt8]) -> Int { image.filter { $0 == 1 }.count }

    /// Mean column and row of the white pixels, at pixel centres (column + 0.5, row + 0.5).
    private func centreOfMass(_ image: [UInt8]) -> (x: Double, y: Double) {
        var (count, x, y) = (0.0, 0.0, 0.0)
        for (index, value) in image.enumerated() where value == 1 {
            count += 1; x += Double(index % 64) + 0.5; y += Double(index / 64) + 0.5
        }
        return (x / count, y / count)
    }

    func testFactorLayoutAndCombinationCount() {
        let sprites = DSprites()
        XCTAssertEqual(sprites.factorSizes, [3, 6, 40, 32, 32])
        XCTAssertEqual(sprites.combinationCount, 737_280)
        XCTAssertEqual(sprites.latentFactorIndices, [0, 1, 2, 3, 4])
        XCTAssertEqual(sprites.observationShape, [64, 64, 1])
        XCTAssertEqual(DSprites.scale(0), 0.5)
        XCTAssertEqual(DSprites.scale(5), 1)
        XCTAssertEqual(DSprites.orientation(1), 2 * Double.pi / 40)
        XCTAssertEqual(DSprites.position(31), 1)
        XCTAssertEqual(sprites.combinationIndex(of: [2, 5, 39, 31, 31]), 737_279)
    }

    /// Every image is 0/1 with some white, and the protocol's observation is the same image.
    func testImagesAreBinaryAndMatchObservations() {
        let sprites = DSprites()
        for factors in [[0, 0, 0, 0, 0], [1, 3, 17, 9, 30], [2, 5, 39, 31, 31], [2, 0, 5, 16, 2]] {
            let image = DSprites.image(for: factors)
            XCTAssertEqual(image.count, 64 * 64)
            XCTAssertTrue(image.allSatisfy { $0 == 0 || $0 == 1 }, "\(factors)")
            XCTAssertGreaterThan(whiteCount(image), 20, "\(factors)")
            XCTAssertEqual(sprites.observation(for: factors), image.map(Float.init), "\(factors)")
        }
    }

    /// The square at scale 1, orientation 0, position (0, 0): side 16 centred at (12.8, 12.8),
    /// so pixel centres 5.5...20.5 in both directions: exactly 16 × 16 white pixels there.
    func testAxisAlignedSquareIsExact() {
        let image = DSprites.image(for: [0, 5, 0, 0, 0])
        XCTAssertEqual(whiteCount(image), 256)
        for row in 0..<64 {
            for column in 0..<64 {
                let inside = (5...20).contains(row) && (5...20).contains(column)
                XCTAssertEqual(image[row * 64 + column], inside ? 1 : 0, "row \(row), column \(column)")
            }
        }
    }

    func testRotationChangesTheImageExceptBySymmetry() {
        for shape in 0..<3 {
            let upright = DSprites.image(for: [shape, 5, 0, 16, 16])
            XCTAssertNotEqual(DSprites.image(for: [shape, 5, 1, 16, 16]), upright, "shape \(shape) turned by 2π/40")
            XCTAssertNotEqual(DSprites.image(for: [shape, 5, 5, 16, 16]), upright, "shape \(shape) turned by π/4")
        }
        // A quarter turn maps the square onto itself, half a turn the ellipse; not the heart.
        for position in [0, 13, 31] {
            XCTAssertEqual(DSprites.image(for: [0, 4, 10, position, 7]), DSprites.image(for: [0, 4, 0, position, 7]))
            XCTAssertEqual(DSprites.image(for: [0, 4, 13, position, 7]), DSprites.image(for: [0, 4, 3, position, 7]))
            XCTAssertEqual(DSprites.image(for: [1, 4, 20, position, 7]), DSprites.image(for: [1, 4, 0, position, 7]))
        }
        XCTAssertNotEqual(DSprites.image(for: [1, 5, 10, 16, 16]), DSprites.image(for: [1, 5, 0, 16, 16]))
        XCTAssertNotEqual(DSprites.image(for: [2, 5, 20, 16, 16]), DSprites.image(for: [2, 5, 0, 16, 16]))
        // Rotation keeps the area to within the rasterisation's boundary pixels.
        let turned = whiteCount(DSprites.image(for: [2, 5, 7, 16, 16]))
        XCTAssertEqual(Double(turned), Double(whiteCount(DSprites.image(for: [2, 5, 0, 16, 16]))), accuracy: 12)
    }

    /// The heart's point is at the bottom at orientation 0: more white in its upper half.
    func testHeartIsUpright() {
        let image = DSprites.image(for: [2, 5, 0, 16, 16])
        let centre = centreOfMass(image)
        XCTAssertLessThan(centre.y, DSprites.centre(16), "mass sits in the lobes, above the centre")
        XCTAssertEqual(centre.x, DSprites.centre(16), accuracy: 0.1, "left-right symmetric")
    }

    /// Pixel count increases with scale, for every shape and a few orientations; areas follow
    /// the shapes: square 256·s², ellipse π·0.65·0.325·256·s² ≈ 170·s² (within 6 %).
    func testScaleOrdering() {
        for shape in 0..<3 {
            for orientation in [0, 7, 23] {
                let counts = (0..<6).map { whiteCount(DSprites.image(for: [shape, $0, orientation, 16, 16])) }
                XCTAssertEqual(counts, counts.sorted(), "shape \(shape), orientation \(orientation): \(counts)")
                XCTAssertEqual(Set(counts).count, 6, "shape \(shape), orientation \(orientation): \(counts)")
            }
        }
        let ellipse = Double(whiteCount(DSprites.image(for: [1, 5, 0, 16, 16])))
        XCTAssertEqual(ellipse, Double.pi * 0.65 * 0.325 * 256, accuracy: 0.06 * 170)
        XCTAssertEqual(whiteCount(DSprites.image(for: [0, 0, 0, 16, 16])), 64, "side 8 at scale 0.5")
    }

    /// x factor 0 → 31 moves the centre of mass from 12.8 to 51.2 (span 38.4 pixels) left to
    /// right, y top to bottom; the other coordinate stays put. Whole pixels move each end by up
    /// to half a pixel, so the span is 38.4 ± 1.
    func testPositionsCoverTheFrame() {
        for shape in 0..<2 {  // centrally symmetric shapes: centre of mass = centre
            let left = centreOfMass(DSprites.image(for: [shape, 3, 0, 0, 16]))
            let right = centreOfMass(DSprites.image(for: [shape, 3, 0, 31, 16]))
            XCTAssertEqual(left.x, 12.8, accuracy: 0.5)
            XCTAssertEqual(right.x, 51.2, accuracy: 0.5)
            XCTAssertEqual(right.x - left.x, 38.4, accuracy: 1)
            XCTAssertEqual(left.y, right.y)
            let top = centreOfMass(DSprites.image(for: [shape, 3, 0, 16, 0]))
            let bottom = centreOfMass(DSprites.image(for: [shape, 3, 0, 16, 31]))
            XCTAssertEqual(bottom.y - top.y, 38.4, accuracy: 1)
            XCTAssertEqual(top.x, bottom.x)
        }
        let steps = (0..<32).map { centreOfMass(DSprites.image(for: [0, 5, 0, $0, 0])).x }
        XCTAssertEqual(steps, steps.sorted())
        XCTAssertEqual(Set(steps).count, 32, "every x position draws a different image")
    }

    /// At the largest scale and the extreme positions no shape touches the border in any orientation.
    func testShapesStayInsideTheFrame() {
        for shape in 0..<3 {
            for orientation in 0..<40 {
                for (x, y) in [(0, 0), (31, 31), (0, 31), (31, 0)] {
                    let image = DSprites.image(for: [shape, 5, orientation, x, y])
                    var borderWhite = 0
                    for i in 0..<64 {
                        let top = Int(image[i]), bottom = Int(image[63 * 64 + i])
                        let left = Int(image[i * 64]), right = Int(image[i * 64 + 63])
                        borderWhite += top + bottom + left + right
                    }
                    XCTAssertEqual(borderWhite, 0, "shape \(shape), orientation \(orientation), position (\(x), \(y))")
                }
            }
        }
    }
}
