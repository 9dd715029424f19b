import _Differentiation
import NeuralLayers
import TensorCore

/// A model the training loop can train: a differentiable loss over a batch of its kind.
public protocol TrainableModel: ParameterCollection {
    associatedtype Batch
    @differentiable(reverse, wrt: self)
    func loss(_ batch: Batch, in context: ForwardContext, terms: LossRecorder?) -> Tensor
}

extension VariationalAutoencoder: TrainableModel {}

/// An endless stream of training batches; epochs are counted by the loop.
public protocol BatchSource {
    associatedtype Batch
    /// Steps that make one epoch.
    var stepsPerEpoch: Int { get }
    mutating func next() -> Batch
}

/// The mean loss terms of one epoch and whatever the epoch's evaluation measured.
public struct EpochLog: Sendable, Equatable {
    public var epoch: Int
    public var trainLoss: Double
    public var trainReconstruction: Double
    public var trainKL: Double
    public var trainClassification: Double
    /// The evaluation's numbers after this epoch (test accuracy, validation loss, ...).
    public var metrics: [String: Double]
}

/// Stops training when a monitored number has not improved for `patience` epochs, and hands
/// back the model of the best epoch (vabc's early stopping; see papers/vabc/deviations.md).
///
/// The best model is kept as a value copy. Batch-normalisation statistics are reference
/// objects shared by the copies, so early stopping is for models without batch norm; the loop
/// refuses the combination rather than restore the wrong statistics.
public struct EarlyStopping: Sendable {
    public var metric: String
    public var patience: Int
    public var lowerIsBetter: Bool

    public init(metric: String, patience: Int, lowerIsBetter: Bool = true) {
        precondition(patience >= 1, "EarlyStopping: patience must be at least 1 epoch, got \(patience)")
        self.metric = metric
        self.patience = patience
        self.lowerIsBetter = lowerIsBetter
    }
}

/// What a run of the loop left: one log per epoch trained, and where early stopping stopped.
public struct TrainingHistory: Sendable {
    public var epochs: [EpochLog]
    /// The epoch whose model was kept (the last one without early stopping).
    public var keptEpoch: Int
    public var stoppedEarly: Bool

    public var last: EpochLog? { epochs.last }
    /// One number of every epoch's log, in order (`"train_loss"` and the evaluation's metrics).
    public func series(_ name: String) -> [Double] {
        epochs.compactMap { log in
            switch name {
            case "train_loss": return log.trainLoss
            case "train_reconstruction": return log.trainReconstruction
            case "train_kl": return log.trainKL
            case "train_classification": return log.trainClassification
            default: return log.metrics[name]
            }
        }
    }
}

/// Why a run could not be trained.
public struct TrainingLoopError: Error, CustomStringConvertible {
    public let description: String
}

/// The one training loop of the three papers, for every model, optimiser and batch source:
///
///     for epoch in 1...epochs:
///         optimiser's learning rate ← learningRate(epoch), if a schedule is given
///         for step in 1...stepsPerEpoch:
///             adjust(&model, step)                       // annealed loss weights (V-ABC)
///             model ← optimiser step on model.loss(batch)  // NaN/inf throws, naming the term
///         population statistics of every batch norm       // Ioffe & Szegedy, Algorithm 2
///         metrics ← evaluate(epoch, model)                // test accuracy, validation loss, ...
///         early stopping on one metric, if asked
///
/// The batch-normalisation statistics are measured before every evaluation for every model
/// that has batch norm (nothing happens for one without): moving averages from a short run
/// have not forgotten their start (docs/DESIGN.md, "The learning phase").
public struct TrainingLoop<Model: TrainableModel> {
    public var epochs: Int
    /// The training context: phase `.training` and the run's noise stream.
    public var context: ForwardContext
    /// Called before every step with the 0-based global step: sets annealed loss weights.
    public var adjust: ((inout Model, Int) -> Void)?
    /// The learning rate of each 1-based epoch, set on the optimiser before the epoch's first
    /// step (nil: the optimiser's own throughout): a step decay (the V-ABC judge).
    public var learningRate: ((Int) -> Float)?
    /// Batches on which batch-normalisation statistics are measured before each evaluation;
    /// a fresh source each time, so every epoch measures on the same batches.
    public var statisticsBatches: (() -> AnyBatchSource<Model.Batch>)?
    public var statisticsBatchCount = PopulationStatistics.trainingBatches
    public var earlyStopping: EarlyStopping?

    public init(epochs: Int, context: ForwardContext) {
        precondition(epochs >= 1, "TrainingLoop: needs at least one epoch, got \(epochs)")
        self.epochs = epochs
        self.context = context
    }

    /// Trains `model` in place. `evaluate` runs after every epoch (after the batch-norm
    /// statistics) and returns the epoch's metrics; `epochFinished` sees each epoch's log.
    @discardableResult
    public func run<Opt: Optimizer, Source: BatchSource>(
        _ model: inout Model, optimizer: inout Opt, batches: inout Source,
        evaluate: (Int, Model) throws -> [String: Double] = { _, _ in [:] },
        epochFinished: (EpochLog) -> Void = { _ in }
    ) throws -> TrainingHistory where Opt.Model == Model, Source.Batch == Model.Batch {
        if earlyStopping != nil && !PopulationStatistics.runningStatistics(in: model).isEmpty {
            throw TrainingLoopError(description: "early stopping keeps the best model as a copy, which would share the batch-normalisation statistics of the last epoch; train a model with batch norm without early stopping")
        }
        let recorder = LossRecorder()
        var logs: [EpochLog] = []
        var best: (model: Model, value: Double, epoch: Int)?
        var step = 0
        for epoch in 1...epochs {
            if let schedule = learningRate { optimizer.learningRate = schedule(epoch) }
            var totals = (loss: 0.0, reconstruction: 0.0, kl: 0.0, classification: 0.0)
            for stepInEpoch in 1...batches.stepsPerEpoch {
                adjust?(&model, step)
                let batch = batches.next()
                do {
                    let context = self.context
                    let loss = try trainingStep(&model, optimizer: &optimizer, terms: recorder) {
                        $0.loss(batch, in: context, terms: recorder)
                    }
                    totals.loss += Double(loss)
                    totals.reconstruction += Double(recorder.terms.reconstruction)
                    totals.kl += Double(recorder.terms.kl)
                    totals.classification += Double(recorder.terms.classification)
                } catch let error as NonFiniteValueError {
                    throw error.adding(context: "epoch \(epoch), step \(stepInEpoch)")
                }
                step += 1
            }
            if let makeSource = statisticsBatches {
                var source = makeSource()
                PopulationStatistics.estimate(in: model, batches: statisticsBatchCount, context: context) { _, phase in
                    _ = model.loss(source.next(), in: phase, terms: nil)
                }
            }
            let steps = Double(batches.stepsPerEpoch)
            let log = EpochLog(epoch: epoch, trainLoss: totals.loss / steps, trainReconstruction: totals.reconstruction / steps,
                               trainKL: totals.kl / steps, trainClassification: totals.classification / steps,
                               metrics: try evaluate(epoch, model))
            logs.append(log)
            epochFinished(log)
            if let stopping = earlyStopping {
                guard let value = log.metrics[stopping.metric], value.isFinite else {
                    throw TrainingLoopError(description: "early stopping monitors '\(stopping.metric)', which epoch \(epoch)'s evaluation did not give as a finite number (it gave \(log.metrics.keys.sorted()))")
                }
                if best == nil || (stopping.lowerIsBetter ? value < best!.value : value > best!.value) {
                    best = (model, value, epoch)
                } else if epoch - best!.epoch >= stopping.patience {
                    model = best!.model
                    return TrainingHistory(epochs: logs, keptEpoch: best!.epoch, stoppedEarly: true)
                }
            }
        }
        if let best, best.epoch != epochs {
            model = best.model
            return TrainingHistory(epochs: logs, keptEpoch: best.epoch, stoppedEarly: false)
        }
        return TrainingHistory(epochs: logs, keptEpoch: epochs, stoppedEarly: false)
    }
}

/// A type-erased batch source (the statistics batches of any loop).
public struct AnyBatchSource<Batch>: BatchSource {
    public let stepsPerEpoch: Int
    private let nextBatch: () -> Batch

    public init<Source: BatchSource>(_ source: Source) where Source.Batch == Batch {
        var source = source
        stepsPerEpoch = source.stepsPerEpoch
        nextBatch = { source.next() }
    }

    public mutating func next() -> Batch { nextBatch() }
}
