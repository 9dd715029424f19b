import Foundation
import NeuralLayers
import Randomness
import TensorCore
import VAEModels

/// Table 16 (semisupervised-vae section 4): a training step of the Small-NORB model (96×96×2,
/// batch 32 as betavae-smallnorb trains it, four π heads, RMSprop lr 0.001) and of its 64×64×1 dSprites adaptation (five
/// heads), and the encoder pass of one βVAE point (2×64 observations, inference), which is
/// what the score's cost is made of.
enum FactorStepTimings {
    static let batchSize = 32
    /// Pairs per βVAE point.
    static let scoreBatch = 64

    static func model(imageSize: Int, channels: Int, heads: [Int]) -> FactorConvolutionalVAE {
        var generator = SeededGenerator(seed: 0)
        return FactorConvolutionalVAE(factorHeads: heads.enumerated().map { ("factor \($0.offset)", $0.element) },
                                      imageSize: imageSize, imageChannels: channels, klWeight: 0.25, classWeight: 10,
                                      generator: &generator)
    }

    static func batch(imageSize: Int, channels: Int, heads: [Int]) -> TrainingBatch {
        var generator = SeededGenerator(seed: 1)
        let inputs = Tensor(shape: [batchSize, imageSize, imageSize, channels], unsafeUninitialized: { out in
            for i in out.indices { out[i] = generator.uniformFloat() > 0.5 ? 1 : 0 } })
        let width = heads.reduce(0, +)
        var labels = Tensor.zeros([batchSize, width])
        for row in 0..<batchSize {
            var offset = 0
            for size in heads {
                labels.scalars[row * width + offset + generator.uniformInt(below: size)] = 1
                offset += size
            }
        }
        let mask = Tensor(shape: [batchSize], scalars: (0..<batchSize).map { $0 < batchSize / 2 ? 1 : 0 })
        return TrainingBatch(inputs: inputs, labels: labels, labelMasks: Array(repeating: mask, count: heads.count))
    }

    static func step(imageSize: Int, channels: Int, heads: [Int], steps: Int) throws -> StepTimings.Timing {
        try StepTimings.time(model(imageSize: imageSize, channels: channels, heads: heads),
                             batch: batch(imageSize: imageSize, channels: channels, heads: heads),
                             learningRate: 1e-3, steps: steps, warmUp: 2)
    }

    /// Median milliseconds of encoding 2×64 observations in inference mode (one βVAE point).
    static func scorePoint(imageSize: Int, channels: Int, repetitions: Int) -> Double {
        let trained = model(imageSize: imageSize, channels: channels, heads: [])
        let inputs = Tensor.zeros([2 * scoreBatch, imageSize, imageSize, channels])
        let context = ForwardContext(phase: .inference, generator: SeededGeneratorBox(seed: 0))
        var times: [Double] = []
        for round in 0..<(repetitions + 1) {
            let start = DispatchTime.now().uptimeNanoseconds
            _ = trained.encode(inputs, in: context).mean
            if round > 0 { times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6) }
        }
        return times.sorted()[times.count / 2]
    }
}

extension BenchReport {
    /// The Table 16 figures (also `vae-bench --table16-only`).
    mutating func measureTable16(steps: Int) throws {
        let norb = try FactorStepTimings.step(imageSize: 96, channels: 2, heads: [5, 9, 18, 6], steps: steps)
        record("table16_step_ms", norb.medianMilliseconds, "Table 16 step, 96x96x2, batch 32 (ms, median)")
        let sprites = try FactorStepTimings.step(imageSize: 64, channels: 1, heads: [3, 6, 40, 32, 32], steps: steps)
        record("table16_dsprites_step_ms", sprites.medianMilliseconds, "Table 16 step, 64x64x1, batch 32 (ms, median)")
        record("table16_score_point_ms", FactorStepTimings.scorePoint(imageSize: 96, channels: 2, repetitions: steps),
               "betaVAE point, 128 encodes 96x96x2 (ms, median)")
        record("table16_dsprites_score_point_ms", FactorStepTimings.scorePoint(imageSize: 64, channels: 1, repetitions: steps),
               "betaVAE point, 128 encodes 64x64x1 (ms, median)")
    }
}
