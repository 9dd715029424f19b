import TensorCore

/// A NaN or an infinity found in a named quantity of a training step.
///
/// The description names the quantity and where it was found, so a diverging run reports
/// "KL (step 1200, cell 3)" rather than a bare NaN loss. The training loop adds its own
/// position with `adding(context:)`.
public struct NonFiniteValueError: Error, CustomStringConvertible, Equatable {
    /// What was checked, for example "loss", "kl", "gradient encoder.dense1.weight".
    public let quantity: String
    /// Where it was checked, outermost last (for example "step 1200", "cell 3").
    public var context: [String]
    public let shape: [Int]
    public let nanCount: Int
    public let infinityCount: Int
    /// The flat index of the first non-finite value.
    public let firstIndex: Int

    public init(quantity: String, context: [String] = [], shape: [Int], nanCount: Int,
                infinityCount: Int, firstIndex: Int) {
        self.quantity = quantity
        self.context = context
        self.shape = shape
        self.nanCount = nanCount
        self.infinityCount = infinityCount
        self.firstIndex = firstIndex
    }

    /// The same error with one more level of position, e.g. `"step 1200"`.
    public func adding(context position: String) -> NonFiniteValueError {
        var copy = self
        copy.context.append(position)
        return copy
    }

    public var description: String {
        let place = context.isEmpty ? "" : " (\(context.joined(separator: ", ")))"
        return "non-finite value in \(quantity)\(place): \(nanCount) NaN and \(infinityCount) infinite of "
            + "\(shape.reduce(1, *)) values in shape \(shape), first at flat index \(firstIndex)"
    }
}

/// Throws `NonFiniteValueError` naming `quantity` when `tensor` holds a NaN or an infinity.
///
/// The common, finite case costs one vectorised pass (`Tensor.isFinite`); only a failure pays
/// for counting.
public func checkFinite(_ tensor: Tensor, _ quantity: String) throws {
    if tensor.isFinite { return }
    var nanCount = 0, infinityCount = 0, firstIndex = -1
    for (index, value) in tensor.scalars.enumerated() where !value.isFinite {
        if value.isNaN { nanCount += 1 } else { infinityCount += 1 }
        if firstIndex < 0 { firstIndex = index }
    }
    throw NonFiniteValueError(quantity: quantity, shape: tensor.shape, nanCount: nanCount,
                              infinityCount: infinityCount, firstIndex: firstIndex)
}
