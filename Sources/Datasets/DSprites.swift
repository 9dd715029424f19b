#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// dSprites (Matthey, Higgins, Hassabis, Lerchner 2017), rendered on demand: 64×64 binary
/// images of one white shape on black, with the five factors of the original in its order
/// (its sixth, colour, is always white and left out):
///
/// | factor | values | value of index i |
/// |---|---|---|
/// | shape | 3: square, ellipse, heart | |
/// | scale | 6, linear in [0.5, 1] | 0.5 + 0.1·i |
/// | orientation | 40 in [0, 2π) | 2π·i/40 |
/// | position x, y | 32 each, linear in [0, 1] | i/31 |
///
/// 3·6·40·32·32 = 737,280 combinations, each rendered by `image(for:)` (a pure function of the
/// factors) and never stored.
///
/// How we read the original. Its published description gives the factor values but not the
/// drawing; the images show a shape whose largest size fills roughly a quarter of the frame and
/// whose centre stays in a central band so that no shape leaves the image. Our choices, in
/// pixels of the 64×64 frame (x to the right, rows downwards):
/// - Position: the centre is at `64·(0.2 + 0.6·p)` for both axes, so p = 0…1 moves it from
///   12.8 to 51.2 (x: left to right; y: top to bottom, as the original's images are usually
///   shown).
/// - Size: at scale 1 the square's side is `referenceSize` = 16 pixels (scale 0.5: 8); its
///   half-diagonal (11.3 pixels at scale 1) is the farthest any shape reaches from its centre,
///   so every shape stays inside the frame in every orientation, 1.5 pixels from the edge at worst.
/// - Ellipse: semi-axes 0.65 and 0.325 of `referenceSize` (a 2:1 oval, long axis horizontal at
///   orientation 0).
/// - Heart: the filled curve (16 sin³t, 13 cos t − 5 cos 2t − 2 cos 3t − cos 4t), t ∈ [0, 2π),
///   centred on its bounding box and scaled to 1.1 `referenceSize` wide; point down at
///   orientation 0 (drawn as a 256-vertex polygon).
/// - Orientation turns the shape counter-clockwise as the image is viewed.
/// - Rasterisation: a pixel is white when its centre lies inside the rotated, scaled shape (no
///   supersampling), so the image is binary, as the original.
///
/// Deviation: the original's orientations are `linspace(0, 2π, 40)`, which includes both 0 and
/// 2π (its first and last orientation draw the same image); ours are 40 distinct angles 2π·i/40.
/// Quarter turns are exact (index 10 is 90°, computed without rounding), so a square turned by
/// index 10 draws the same pixels as at index 0, and an ellipse turned by index 20 (π) too.
public struct DSprites: FactorDataset, Sendable {
    public enum Shape: Int, CaseIterable, Sendable { case square, ellipse, heart }

    public static let factorSizes = [3, 6, 40, 32, 32]
    public static let factorNames = ["shape", "scale", "orientation", "position x", "position y"]
    public static let imageSize = 64
    /// The square's side at scale 1, in pixels.
    public static let referenceSize = 16.0
    /// The band of centres: p ∈ [0, 1] maps to `imageSize · (positionMargin + (1 − 2·positionMargin)·p)`.
    public static let positionMargin = 0.2

    public init() {}

    public var factorSizes: [Int] { DSprites.factorSizes }
    public var factorNames: [String] { DSprites.factorNames }
    public var latentFactorIndices: [Int] { Array(0..<5) }
    public var observationShape: [Int] { [DSprites.imageSize, DSprites.imageSize, 1] }

    /// Scale of index `i` (0..<6): 0.5 + 0.1·i.
    public static func scale(_ index: Int) -> Double { 0.5 + 0.5 * Double(index) / 5 }
    /// Orientation of index `i` (0..<40) in radians: 2π·i/40.
    public static func orientation(_ index: Int) -> Double { 2 * Double.pi * Double(index) / 40 }
    /// Position of index `i` (0..<32): i/31.
    public static func position(_ index: Int) -> Double { Double(index) / 31 }
    /// The centre in pixels (from the left or top edge) of position index `i`.
    public static func centre(_ index: Int) -> Double {
        Double(imageSize) * (positionMargin + (1 - 2 * positionMargin) * position(index))
    }

    /// (cos, sin) of orientation index `i`, with quarter turns applied exactly: the angle is
    /// split into whole quarter turns (rotating (c, s) to (−s, c) each) and a remainder below 90°.
    static func rotation(_ index: Int) -> (cos: Double, sin: Double) {
        let quarterTurns = index / 10
        let remainder = 2 * Double.pi * Double(index % 10) / 40
        var (c, s) = (cos(remainder), sin(remainder))
        for _ in 0..<quarterTurns { (c, s) = (-s, c) }
        return (c, s)
    }

    /// The 64×64 image of `factors` ([shape, scale, orientation, x, y] indices), row-major,
    /// 1 for white and 0 for black.
    public static func image(for factors: [Int]) -> [UInt8] {
        var pixels = [UInt8](repeating: 0, count: imageSize * imageSize)
        pixels.withUnsafeMutableBufferPointer { buffer in
            render(factors) { row, column in buffer[row * imageSize + column] = 1 }
        }
        return pixels
    }

    public func writeObservation(for factors: [Int], into buffer: UnsafeMutableBufferPointer<Float>) {
        let size = DSprites.imageSize
        precondition(buffer.count >= size * size, "dSprites: buffer of \(buffer.count) values, an image needs \(size * size)")
        for index in 0..<(size * size) { buffer[index] = 0 }
        DSprites.render(factors) { row, column in buffer[row * size + column] = 1 }
    }

    /// Calls `paint(row, column)` for every pixel whose centre lies inside the shape.
    static func render(_ factors: [Int], paint: (Int, Int) -> Void) {
        precondition(factors.count == 5 && zip(factors, factorSizes).allSatisfy { (0..<$1).contains($0) },
                     "dSprites: factor vector \(factors) is outside sizes \(factorSizes)")
        guard let shape = Shape(rawValue: factors[0]) else { return }
        let size = scale(factors[1]) * referenceSize
        let (c, s) = rotation(factors[2])
        let centreX = centre(factors[3]), centreY = centre(factors[4])
        // Every shape lies within 0.75·size of its centre (the square's half-diagonal is 0.71).
        let reach = 0.75 * size + 1
        let firstRow = max(0, Int((centreY - reach).rounded(.down))), lastRow = min(imageSize - 1, Int((centreY + reach).rounded(.up)))
        let firstColumn = max(0, Int((centreX - reach).rounded(.down))), lastColumn = min(imageSize - 1, Int((centreX + reach).rounded(.up)))
        guard firstRow <= lastRow, firstColumn <= lastColumn else { return }
        for row in firstRow...lastRow {
            let dy = centreY - (Double(row) + 0.5)  // y up in shape coordinates
            for column in firstColumn...lastColumn {
                let dx = Double(column) + 0.5 - centreX
                // Undo the rotation, then the scale: (u, v) in the unit shape's coordinates.
                let u = (c * dx + s * dy) / size
                let v = (-s * dx + c * dy) / size
                if contains(shape, u, v) { paint(row, column) }
            }
        }
    }

    /// Whether (u, v) lies inside the unit shape (square of side 1 centred at the origin).
    static func contains(_ shape: Shape, _ u: Double, _ v: Double) -> Bool {
        switch shape {
        case .square:
            return abs(u) <= 0.5 && abs(v) <= 0.5
        case .ellipse:
            let a = u / 0.65, b = v / 0.325
            return a * a + b * b <= 1
        case .heart:
            return HeartOutline.contains(u, v)
        }
    }
}

/// The heart's outline as a polygon in unit-shape coordinates, and the even–odd point test.
enum HeartOutline {
    static let vertexCount = 256

    /// (x, y) vertices of the curve (16 sin³t, 13 cos t − 5 cos 2t − 2 cos 3t − cos 4t), shifted
    /// so its bounding box is centred on the origin and scaled to 1.1 wide.
    static let vertices: [(x: Double, y: Double)] = {
        let raw = (0..<vertexCount).map { k -> (x: Double, y: Double) in
            let t = 2 * Double.pi * Double(k) / Double(vertexCount)
            let sine = sin(t)
            return (16 * sine * sine * sine, 13 * cos(t) - 5 * cos(2 * t) - 2 * cos(3 * t) - cos(4 * t))
        }
        let minX = raw.map(\.x).min()!, maxX = raw.map(\.x).max()!
        let minY = raw.map(\.y).min()!, maxY = raw.map(\.y).max()!
        let factor = 1.1 / (maxX - minX)
        return raw.map { ((($0.x - (minX + maxX) / 2)) * factor, ($0.y - (minY + maxY) / 2) * factor) }
    }()

    /// Even–odd rule: count the edges a ray from (u, v) towards +x crosses.
    static func contains(_ u: Double, _ v: Double) -> Bool {
        let points = vertices
        var inside = false
        var previous = points[points.count - 1]
        for point in points {
            if (point.y > v) != (previous.y > v) {
                let crossing = previous.x + (v - previous.y) * (point.x - previous.x) / (point.y - previous.y)
                if u < crossing { inside.toggle() }
            }
            previous = point
        }
        return inside
    }
}
