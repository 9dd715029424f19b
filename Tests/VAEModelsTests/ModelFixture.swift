import Foundation
import TensorCore

/// A whole-model golden fixture from tools/golden/make_model_fixtures.py
/// (Tests/VAEModelsTests/Fixtures/<name>.json): float32 tensors in our layouts, by name, and
/// the numbers the fixture was made with.
struct ModelFixture: Decodable {
    struct Entry: Decodable { let shape: [Int]; let values: [Float] }
    let config: [String: Double]
    let tensors: [String: Entry]

    static func load(_ name: String) throws -> ModelFixture {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/\(name).json")
        return try JSONDecoder().decode(ModelFixture.self, from: Data(contentsOf: url))
    }

    func tensor(_ name: String) -> Tensor {
        guard let entry = tensors[name] else { preconditionFailure("fixture has no tensor \(name)") }
        return Tensor(shape: entry.shape, scalars: entry.values)
    }

    /// Entry `index` along the first axis of a stacked tensor (`[steps, ...] → [...]`).
    func tensor(_ name: String, at index: Int) -> Tensor {
        let whole = tensor(name)
        let size = whole.count / whole.shape[0]
        return Tensor(shape: Array(whole.shape.dropFirst()),
                      scalars: Array(whole.scalars[(index * size)..<((index + 1) * size)]))
    }

    func number(_ name: String) -> Float {
        guard let value = config[name] else { preconditionFailure("fixture has no number \(name)") }
        return Float(value)
    }

    func count(_ name: String) -> Int { Int(number(name)) }
}

/// ‖ours − reference‖₂ / ‖reference‖₂, accumulated in Double: one number per tensor that a
/// few float32 roundings in thousands of values cannot blow up, unlike an element-wise ratio.
func relativeDistance(_ ours: Tensor, _ reference: Tensor) -> Double {
    precondition(ours.shape == reference.shape, "relativeDistance: \(ours.shape) vs \(reference.shape)")
    var gap = 0.0, size = 0.0
    for (a, b) in zip(ours.scalars, reference.scalars) {
        let d = Double(a) - Double(b)
        gap += d * d
        size += Double(b) * Double(b)
    }
    return (gap / size).squareRoot()
}

/// ‖t‖₂ in Double.
func euclideanNorm(_ t: Tensor) -> Double {
    t.scalars.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
}
