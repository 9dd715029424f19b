import TensorCore

/// A mini-batch for any `VariationalAutoencoder`. Labels of unlabelled points are ignored.
public struct TrainingBatch {
    /// `[batch, ...]` in the layout the encoder reads; also the reconstruction target.
    public var inputs: Tensor
    /// One-hot `[batch, Σ classes]`: the heads' labels side by side, in the heads' order (rows
    /// of points unlabelled for a head may hold anything in its columns).
    public var labels: Tensor
    /// One `[batch]` mask per head: 1 where the point is labelled for that head (α(y) of eq. 5).
    public var labelMasks: [Tensor]
    /// V-ABC's y (`[batch]`): 1 for a wanted (unlabelled) point, 0 for an unwanted one; nil
    /// means every point is wanted.
    public var wanted: Tensor?

    public init(inputs: Tensor, labels: Tensor, labelMasks: [Tensor], wanted: Tensor? = nil) {
        precondition(labels.rows == inputs.rows && labelMasks.allSatisfy { $0.shape == [inputs.rows] }
                     && (wanted == nil || wanted!.shape == [inputs.rows]),
                     "TrainingBatch: inputs \(inputs.shape), labels \(labels.shape), masks \(labelMasks.map(\.shape)), wanted \(wanted?.shape ?? []) disagree on the batch size")
        self.inputs = inputs
        self.labels = labels
        self.labelMasks = labelMasks
        self.wanted = wanted
    }

    /// A batch for a model with one head (paper 1's π).
    public init(inputs: Tensor, labels: Tensor, labeledMask: Tensor) {
        self.init(inputs: inputs, labels: labels, labelMasks: [labeledMask])
    }

    /// A batch without labels (a plain VAE, or V-ABC with `wanted`).
    public init(unlabeled inputs: Tensor, wanted: Tensor? = nil) {
        self.init(inputs: inputs, labels: Tensor.zeros([inputs.rows, 0]), labelMasks: [], wanted: wanted)
    }

    /// The single head's mask (paper 1's models).
    public var labeledMask: Tensor { labelMasks.first ?? Tensor.zeros([inputs.rows]) }
}
