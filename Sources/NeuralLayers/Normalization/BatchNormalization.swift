import _Differentiation
import TensorCore

// Batch normalisation (Ioffe & Szegedy 2015) over every axis but the last: `[n, c]` normalises
// each feature over the batch, NHWC `[n, h, w, c]` each channel over the batch and all pixels.
// m is the number of values per channel (n, or n·h·w).

/// Per-channel mean and biased variance (divided by m) over every axis but the last.
///
/// input `[..., c]` → mean `[c]`, variance `[c]`. Sums run in Double: a channel of Table 14's
/// first layer has 78,400 values at batch 100.
public func batchMoments(of input: Tensor) -> (mean: Tensor, variance: Tensor) {
    let c = input.columns, m = input.count / max(c, 1)
    precondition(m > 0, "batchMoments: no values in \(input.shape)")
    let (sums, squares) = input.scalars.withUnsafeBufferPointer { x in
        let sums = ColumnReduction.sums(x.baseAddress!, rows: m, columns: c)
        let means = sums.map { $0 / Double(m) }
        return (sums, ColumnReduction.centredSquareSums(x.baseAddress!, rows: m, columns: c, means: means))
    }
    return (Tensor(shape: [c], scalars: sums.map { Float($0 / Double(m)) }),
            Tensor(shape: [c], scalars: squares.map { Float($0 / Double(m)) }))
}

/// Training-mode batch normalisation with the batch's own statistics:
/// `y = scale · (x − mean) / √(variance + ε) + offset`, mean and biased variance over every
/// axis but the last.
///
/// input `[..., c]`, scale `[c]`, offset `[c]` → `[..., c]`.
@differentiable(reverse, wrt: (input, scale, offset))
public func batchNormalized(_ input: Tensor, scale: Tensor, offset: Tensor, epsilon: Float) -> Tensor {
    batchNormalized(input, scale: scale, offset: offset, epsilon: epsilon,
                    ownMoments: batchMoments(of: withoutDerivative(at: input)))
}

/// `batchNormalized(_:scale:offset:epsilon:)` with the input's moments already computed
/// (`batchMoments(of: input)`): a `BatchNorm` layer needs them for its running statistics,
/// and computing them once saves two passes over the input. The derivative still accounts
/// for the moments' dependence on the input; passing any other moments is a programming
/// error the values would not show, so only the layer calls this.
@differentiable(reverse, wrt: (input, scale, offset))
public func batchNormalized(_ input: Tensor, scale: Tensor, offset: Tensor, epsilon: Float,
                            ownMoments moments: (mean: Tensor, variance: Tensor)) -> Tensor {
    normalizedAffine(input, scale: scale, offset: offset, mean: moments.mean,
                     inverseDeviation: inverseDeviation(moments.variance, epsilon: epsilon))
}

@derivative(of: batchNormalized(_:scale:offset:epsilon:ownMoments:), wrt: (input, scale, offset))
@usableFromInline
func vjpBatchNormalized(_ input: Tensor, scale: Tensor, offset: Tensor, epsilon: Float,
                        ownMoments moments: (mean: Tensor, variance: Tensor))
    -> (value: Tensor, pullback: (Tensor) -> (Tensor, Tensor, Tensor)) {
    trainingValueAndPullback(input, scale: scale, offset: offset, epsilon: epsilon, moments: moments, rectified: false)
}

/// `relu(batchNormalized(input, scale:, offset:, epsilon:, ownMoments:))` as one primitive, the
/// pair after every convolution of Tables 14 and 16 and of V-ABC's judge. Forward, one pass
/// over the activation writes the rectified values (the normalised ones are never stored);
/// backward, the relu's mask is read from the output inside batch norm's two passes instead of
/// being applied in a pass of its own that writes a masked copy of the gradient. The values
/// and gradients are bit-identical to the two composed (tested).
@differentiable(reverse, wrt: (input, scale, offset))
public func batchNormalizedReLU(_ input: Tensor, scale: Tensor, offset: Tensor, epsilon: Float,
                                ownMoments moments: (mean: Tensor, variance: Tensor)) -> Tensor {
    normalizedAffine(input, scale: scale, offset: offset, mean: moments.mean,
                     inverseDeviation: inverseDeviation(moments.variance, epsilon: epsilon), rectified: true)
}

@derivative(of: batchNormalizedReLU(_:scale:offset:epsilon:ownMoments:), wrt: (input, scale, offset))
@usableFromInline
func vjpBatchNormalizedReLU(_ input: Tensor, scale: Tensor, offset: Tensor, epsilon: Float,
                            ownMoments moments: (mean: Tensor, variance: Tensor))
    -> (value: Tensor, pullback: (Tensor) -> (Tensor, Tensor, Tensor)) {
    trainingValueAndPullback(input, scale: scale, offset: offset, epsilon: epsilon, moments: moments, rectified: true)
}

/// Training-mode batch normalisation (followed by a relu when `rectified`) and its pullback.
private func trainingValueAndPullback(_ input: Tensor, scale: Tensor, offset: Tensor, epsilon: Float,
                                      moments: (mean: Tensor, variance: Tensor), rectified: Bool)
    -> (value: Tensor, pullback: (Tensor) -> (Tensor, Tensor, Tensor)) {
    let mean = moments.mean
    let invStd = inverseDeviation(moments.variance, epsilon: epsilon)
    let value = normalizedAffine(input, scale: scale, offset: offset, mean: mean, inverseDeviation: invStd,
                                 rectified: rectified)
    return (value, { outputGradient in
        trainingPullback(outputGradient, input: input, scale: scale, mean: mean, inverseDeviation: invStd,
                         reluOutput: rectified ? value : nil)
    })
}

/// The pullback of training-mode batch normalisation (optionally followed by a relu whose
/// output is `reluOutput`: the gradient then counts only where that output is positive).
///
/// x̂ = (x − μ)·s with s = 1/√(σ² + ε);  dOffset = Σ dy;  dScale = Σ dy·x̂;
/// dx = γs · (dy − dOffset/m − x̂·dScale/m)   (the batch statistics' own terms folded in).
private func trainingPullback(_ outputGradient: Tensor, input: Tensor, scale: Tensor, mean: Tensor,
                              inverseDeviation invStd: Tensor, reluOutput: Tensor? = nil)
    -> (Tensor, Tensor, Tensor) {
    let (offsetGradient, scaleGradient) = affineParameterGradients(outputGradient, input, mean: mean,
                                                                  inverseDeviation: invStd, reluOutput: reluOutput)
    let m = Float(input.count / input.columns)
    // Per channel dx = k₁·dy + k₂·x + k₃, one fused pass.
    let k1 = scale.zipMap(invStd, *)
    let k2 = k1.zipMap(invStd) { -$0 * $1 }.zipMap(scaleGradient) { $0 * $1 / m }
    let k3 = k1.zipMap(offsetGradient) { -$0 * $1 / m }.zipMap(k2.zipMap(mean, *), -)
    return (channelAffine(outputGradient, k1, plus: input, k2, plus: k3, reluOutput: reluOutput),
            scaleGradient, offsetGradient)
}

/// Inference-mode batch normalisation with given (running) statistics: an affine map per
/// channel, `y = scale · (x − mean) / √(variance + ε) + offset`.
///
/// input `[..., c]`; scale, offset, mean, variance `[c]` → `[..., c]`.
@differentiable(reverse, wrt: (input, scale, offset))
public func batchNormalized(_ input: Tensor, scale: Tensor, offset: Tensor, mean: Tensor, variance: Tensor,
                            epsilon: Float) -> Tensor {
    normalizedAffine(input, scale: scale, offset: offset, mean: mean,
                     inverseDeviation: inverseDeviation(variance, epsilon: epsilon))
}

@derivative(of: batchNormalized(_:scale:offset:mean:variance:epsilon:), wrt: (input, scale, offset))
@usableFromInline
func vjpBatchNormalizedInference(_ input: Tensor, scale: Tensor, offset: Tensor, mean: Tensor, variance: Tensor,
                                 epsilon: Float)
    -> (value: Tensor, pullback: (Tensor) -> (Tensor, Tensor, Tensor)) {
    let invStd = inverseDeviation(variance, epsilon: epsilon)
    let value = normalizedAffine(input, scale: scale, offset: offset, mean: mean, inverseDeviation: invStd)
    return (value, { outputGradient in
        // The statistics are constants here: dx = γs·dy, dScale = Σ dy·x̂, dOffset = Σ dy.
        let (offsetGradient, scaleGradient) = affineParameterGradients(outputGradient, input, mean: mean,
                                                                      inverseDeviation: invStd)
        let inputGradient = channelAffine(outputGradient, scale.zipMap(invStd, *), plus: input,
                                          .zeros([input.columns]), plus: .zeros([input.columns]))
        return (inputGradient, scaleGradient, offsetGradient)
    })
}

/// dOffset = Σ dy and dScale = Σ dy·x̂ = s·(Σ dy·x − μ·Σ dy) per channel, summed in Double;
/// dy counts only where `reluOutput` (when given) is positive.
///
/// outputGradient, input `[..., c]`; mean, inverseDeviation `[c]` → two `[c]`.
private func affineParameterGradients(_ outputGradient: Tensor, _ input: Tensor, mean: Tensor,
                                      inverseDeviation: Tensor, reluOutput: Tensor? = nil)
    -> (offset: Tensor, scale: Tensor) {
    let c = input.columns, m = input.count / c
    let (gradientSums, productSums) = input.scalars.withUnsafeBufferPointer { x in
        outputGradient.scalars.withUnsafeBufferPointer { dy in
            guard let reluOutput else {
                return ColumnReduction.sumsAndProductSums(dy.baseAddress!, x.baseAddress!, rows: m, columns: c)
            }
            return reluOutput.scalars.withUnsafeBufferPointer { y in
                ColumnReduction.sumsAndProductSums(dy.baseAddress!, x.baseAddress!, mask: y.baseAddress!, rows: m, columns: c)
            }
        }
    }
    let scaleGradient = (0..<c).map { j -> Float in
        let centred: Double = productSums[j] - Double(mean.scalars[j]) * gradientSums[j]
        return Float(centred * Double(inverseDeviation.scalars[j]))
    }
    return (Tensor(shape: [c], scalars: gradientSums.map { Float($0) }), Tensor(shape: [c], scalars: scaleGradient))
}

/// a ⊙ u + b ⊙ v + d per channel: u, v `[..., c]`; a, b, d `[c]`. With `reluOutput`, u counts
/// only where it is positive (u is then the gradient arriving at a relu).
///
/// Sixteen channels per vector, each lane computing the scalar expression in the same order
/// (bit-identical to the scalar loop, which is the tail): with the relu's select in it, the
/// compiler left the plain loop scalar, and `perf` put it at 6 % of the convolutional step.
private func channelAffine(_ u: Tensor, _ a: Tensor, plus v: Tensor, _ b: Tensor, plus d: Tensor,
                           reluOutput: Tensor? = nil) -> Tensor {
    let c = u.columns
    return Tensor(shape: u.shape, unsafeUninitialized: { out in
        guard out.count > 0 else { return }
        u.scalars.withUnsafeBufferPointer { u in
            v.scalars.withUnsafeBufferPointer { v in
                a.scalars.withUnsafeBufferPointer { a in
                    b.scalars.withUnsafeBufferPointer { b in
                        d.scalars.withUnsafeBufferPointer { d in
                            let total = out.count
                            let (out, u, v, a, b, d) = (out.baseAddress!, u.baseAddress!, v.baseAddress!,
                                                        a.baseAddress!, b.baseAddress!, d.baseAddress!)
                            @inline(__always)
                            func sweep(mask y: UnsafePointer<Float>?) {
                                let vectorColumns = c - c % 16
                                var base = 0
                                while base < total {
                                    var j = 0
                                    while j < vectorColumns {
                                        var uv = lanes(u + base + j)
                                        if let y { uv = SIMD16(repeating: 0).replacing(with: uv, where: lanes(y + base + j) .> 0) }
                                        let value = lanes(a + j) * uv + lanes(b + j) * lanes(v + base + j) + lanes(d + j)
                                        UnsafeMutableRawPointer(out + base + j).storeBytes(of: value, as: SIMD16<Float>.self)
                                        j += 16
                                    }
                                    while j < c {
                                        let ui = y.map { $0[base + j] > 0 ? u[base + j] : 0 } ?? u[base + j]
                                        out[base + j] = a[j] * ui + b[j] * v[base + j] + d[j]
                                        j += 1
                                    }
                                    base += c
                                }
                            }
                            guard let reluOutput else { return sweep(mask: nil) }
                            reluOutput.scalars.withUnsafeBufferPointer { sweep(mask: $0.baseAddress!) }
                        }
                    }
                }
            }
        }
    })
}

/// Sixteen Floats from `p`.
@inline(__always)
private func lanes(_ p: UnsafePointer<Float>) -> SIMD16<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
}

/// 1/√(variance + ε) per channel.
private func inverseDeviation(_ variance: Tensor, epsilon: Float) -> Tensor {
    variance.map { 1 / ($0 + epsilon).squareRoot() }
}

/// y = x·a + b per channel with a = γ·σ⁻¹ and b = β − μ·a (`rectified`: max(x·a + b, 0), the
/// relu in the same pass). input `[..., c]`, the rest `[c]`.
private func normalizedAffine(_ input: Tensor, scale: Tensor, offset: Tensor, mean: Tensor,
                              inverseDeviation: Tensor, rectified: Bool = false) -> Tensor {
    let c = input.columns
    precondition(scale.shape == [c] && offset.shape == [c] && mean.shape == [c] && inverseDeviation.shape == [c],
                 "batchNormalized: parameters \(scale.shape), \(offset.shape), \(mean.shape) do not fit input \(input.shape)")
    let multiplier = scale.zipMap(inverseDeviation, *)
    let shift = offset.zipMap(mean.zipMap(multiplier, *), -)
    return Tensor(shape: input.shape, unsafeUninitialized: { out in
        input.scalars.withUnsafeBufferPointer { x in
            multiplier.scalars.withUnsafeBufferPointer { a in
                shift.scalars.withUnsafeBufferPointer { b in
                    var base = 0
                    if rectified {
                        while base < out.count {
                            for j in 0..<c { out[base + j] = max(x[base + j] * a[j] + b[j], 0) }
                            base += c
                        }
                    } else {
                        while base < out.count {
                            for j in 0..<c { out[base + j] = x[base + j] * a[j] + b[j] }
                            base += c
                        }
                    }
                }
            }
        }
    })
}
