import _Differentiation
import TensorCore

// The differentiable convolutions. Each forward sits next to its pullback; both are the
// chunked products of `ConvolutionKernels`. A transposed convolution is the adjoint of a
// convolution with the same filter, so the two share one geometry and swap kernels.

/// A 2-D convolution (cross-correlation, as in every framework) described by `geometry`.
///
/// input `[n, H, W, cin]`, filter `[kh, kw, cin, cout]` → output `[n, oH, oW, cout]`.
@differentiable(reverse)
public func convolution(_ input: Tensor, filter: Tensor, geometry: ConvolutionGeometry) -> Tensor {
    checkConvolutionShapes(image: input, filter: filter, geometry, caller: "convolution")
    return ConvolutionKernels.forward(image: input, filter: filter.reshaped(to: [geometry.patchSize, filter.columns]),
                                      geometry)
}

@derivative(of: convolution)
@usableFromInline
func vjpConvolution(_ input: Tensor, filter: Tensor, geometry: ConvolutionGeometry)
    -> (value: Tensor, pullback: (Tensor) -> (Tensor, Tensor)) {
    let filterMatrix = filter.reshaped(to: [geometry.patchSize, filter.columns])
    let value = convolution(input, filter: filter, geometry: geometry)
    return (value, { outputGradient in
        // dx = col2im(dy · Wᵀ); dW = im2col(x)ᵀ · dy
        let inputGradient = ConvolutionKernels.inputGradient(outputGradient: outputGradient, filter: filterMatrix,
                                                             geometry).reshaped(to: input.shape)
        let filterGradient = ConvolutionKernels.filterGradient(image: input, outputGradient: outputGradient,
                                                               geometry).reshaped(to: filter.shape)
        return (inputGradient, filterGradient)
    })
}

/// The filter's gradient alone, which AD picks when the input is a constant (an encoder's
/// first layer reads the images): no `dy · Wᵀ` and no col2im for a gradient nobody reads.
@derivative(of: convolution, wrt: filter)
@usableFromInline
func vjpConvolutionFilter(_ input: Tensor, filter: Tensor, geometry: ConvolutionGeometry)
    -> (value: Tensor, pullback: (Tensor) -> Tensor) {
    let value = convolution(input, filter: filter, geometry: geometry)
    return (value, { outputGradient in
        ConvolutionKernels.filterGradient(image: input, outputGradient: outputGradient, geometry)
            .reshaped(to: filter.shape)
    })
}

/// The adjoint of `convolution(_:filter:geometry:)` with the same filter and geometry: it
/// maps the convolution's output space back onto its input space (a "deconvolution").
///
/// input `[n, oH, oW, filter[3]]`, filter `[kh, kw, cout, cin]` (the convolution's filter, so
/// its third axis is this operation's output channels) → output `[n, H, W, filter[2]]`, where
/// `H, W, cout` are the geometry's input image.
@differentiable(reverse)
public func transposedConvolution(_ input: Tensor, filter: Tensor, geometry: ConvolutionGeometry) -> Tensor {
    checkTransposedShapes(input: input, filter: filter, geometry)
    return ConvolutionKernels.inputGradient(outputGradient: input,
                                            filter: filter.reshaped(to: [geometry.patchSize, filter.columns]),
                                            geometry)
}

@derivative(of: transposedConvolution)
@usableFromInline
func vjpTransposedConvolution(_ input: Tensor, filter: Tensor, geometry: ConvolutionGeometry)
    -> (value: Tensor, pullback: (Tensor) -> (Tensor, Tensor)) {
    let filterMatrix = filter.reshaped(to: [geometry.patchSize, filter.columns])
    let value = transposedConvolution(input, filter: filter, geometry: geometry)
    return (value, { outputGradient in
        // The adjoint's adjoint: dInput = conv(dOut, W); dW = im2col(dOut)ᵀ · input.
        let (inputGradient, filterGradient) = ConvolutionKernels.forwardAndFilterGradient(
            image: outputGradient, filter: filterMatrix, outputGradient: input, geometry)
        return (inputGradient.reshaped(to: input.shape), filterGradient.reshaped(to: filter.shape))
    })
}

/// A 2-D convolution with the same stride on both axes and `padding` zeros on every side.
///
/// input `[n, H, W, cin]`, filter `[kh, kw, cin, cout]` → `[n, ⌊(H + 2p − kh)/s⌋ + 1,
/// ⌊(W + 2p − kw)/s⌋ + 1, cout]`.
@differentiable(reverse)
@differentiable(reverse, wrt: filter)
public func conv2D(_ input: Tensor, filter: Tensor, stride: Int = 1, padding: Int) -> Tensor {
    let (inputShape, filterShape) = (withoutDerivative(at: input).shape, withoutDerivative(at: filter).shape)
    precondition(inputShape.count == 4 && filterShape.count == 4,
                 "conv2D: input \(inputShape) must be [n, h, w, c] and filter \(filterShape) [kh, kw, in, out]")
    let geometry = ConvolutionGeometry.symmetric(
        inputHeight: inputShape[1], inputWidth: inputShape[2], inputChannels: inputShape[3],
        kernelHeight: filterShape[0], kernelWidth: filterShape[1], stride: stride, padding: padding)
    return convolution(input, filter: filter, geometry: geometry)
}

/// The transposed convolution that is the adjoint of `conv2D` with the same filter, stride
/// and padding; `outputPadding` (0 ≤ it < stride) picks among the output sizes that the
/// convolution maps back onto the input size (stride 2, k 3, p 1, outputPadding 1: 14 → 28).
///
/// input `[n, h, w, filter[3]]`, filter `[kh, kw, out, in]` → `[n, (h − 1)s − 2p + kh +
/// outputPadding, (w − 1)s − 2p + kw + outputPadding, out]`.
@differentiable(reverse)
public func transposedConv2D(_ input: Tensor, filter: Tensor, stride: Int = 1, padding: Int,
                             outputPadding: Int = 0) -> Tensor {
    let (inputShape, filterShape) = (withoutDerivative(at: input).shape, withoutDerivative(at: filter).shape)
    precondition(inputShape.count == 4 && filterShape.count == 4,
                 "transposedConv2D: input \(inputShape) must be [n, h, w, c] and filter \(filterShape) [kh, kw, out, in]")
    let geometry = ConvolutionGeometry.transposed(
        inputHeight: inputShape[1], inputWidth: inputShape[2], outputChannels: filterShape[2],
        kernelHeight: filterShape[0], kernelWidth: filterShape[1], stride: stride, padding: padding,
        outputPadding: outputPadding)
    return transposedConvolution(input, filter: filter, geometry: geometry)
}

/// A dilated causal convolution over time: output step t is
/// `Σ_j Σ_c input[t − (k − 1 − j)·d, c] · filter[j, c, :]`, with steps before 0 reading zero.
///
/// input `[n, T, cin]`, filter `[k, cin, cout]` → `[n, T, cout]`. The sequence is lowered as a
/// 1×T image, so this is the same product as `conv2D`.
@differentiable(reverse)
public func causalConv1D(_ input: Tensor, filter: Tensor, dilation: Int = 1) -> Tensor {
    let (inputShape, filterShape) = (withoutDerivative(at: input).shape, withoutDerivative(at: filter).shape)
    precondition(inputShape.count == 3 && filterShape.count == 3,
                 "causalConv1D: input \(inputShape) must be [n, t, c] and filter \(filterShape) [k, in, out]")
    let (batch, length, outputChannels) = (inputShape[0], inputShape[1], filterShape[2])
    let geometry = ConvolutionGeometry.causal(length: length, inputChannels: inputShape[2],
                                              kernelSize: filterShape[0], dilation: dilation)
    let image = input.reshaped(to: [batch, 1, length, inputShape[2]])
    let imageFilter = filter.reshaped(to: [1] + filterShape)
    return convolution(image, filter: imageFilter, geometry: geometry).reshaped(to: [batch, length, outputChannels])
}

/// A strided 1-D convolution with `padding` zeros at both ends of the sequence.
///
/// input `[n, T, cin]`, filter `[k, cin, cout]` → `[n, ⌊(T + 2p − k)/s⌋ + 1, cout]`. The
/// sequence is lowered as a 1×T image, so this is the same product as `conv2D`.
@differentiable(reverse)
public func conv1D(_ input: Tensor, filter: Tensor, stride: Int = 1, padding: Int) -> Tensor {
    let (inputShape, filterShape) = (withoutDerivative(at: input).shape, withoutDerivative(at: filter).shape)
    precondition(inputShape.count == 3 && filterShape.count == 3,
                 "conv1D: input \(inputShape) must be [n, t, c] and filter \(filterShape) [k, in, out]")
    let (batch, length, kernel) = (inputShape[0], inputShape[1], filterShape[0])
    let outputLength = ConvolutionGeometry.outputLength(input: length, kernel: kernel, stride: stride, padding: padding)
    precondition(outputLength > 0, "conv1D: a sequence of \(length) steps is shorter than the kernel \(kernel)")
    let geometry = ConvolutionGeometry(
        inputHeight: 1, inputWidth: length, inputChannels: inputShape[2], kernelHeight: 1, kernelWidth: kernel,
        strideWidth: stride, padTop: 0, padLeft: padding, outputHeight: 1, outputWidth: outputLength)
    let image = input.reshaped(to: [batch, 1, length, inputShape[2]])
    return convolution(image, filter: filter.reshaped(to: [1] + filterShape), geometry: geometry)
        .reshaped(to: [batch, outputLength, filterShape[2]])
}

/// The transposed convolution that is the adjoint of `conv1D` with the same filter, stride and
/// padding; `outputPadding` (0 ≤ it < stride) picks among the lengths the convolution maps back
/// onto the input length (stride 2, k 3, p 1, outputPadding 1: 4 → 8).
///
/// input `[n, t, filter[2]]`, filter `[k, out, in]` → `[n, (t − 1)s − 2p + k + outputPadding, out]`.
@differentiable(reverse)
public func transposedConv1D(_ input: Tensor, filter: Tensor, stride: Int = 1, padding: Int,
                             outputPadding: Int = 0) -> Tensor {
    let (inputShape, filterShape) = (withoutDerivative(at: input).shape, withoutDerivative(at: filter).shape)
    precondition(inputShape.count == 3 && filterShape.count == 3,
                 "transposedConv1D: input \(inputShape) must be [n, t, c] and filter \(filterShape) [k, out, in]")
    let (batch, length) = (inputShape[0], inputShape[1])
    let geometry = ConvolutionGeometry.transposed(
        inputHeight: 1, inputWidth: length, outputChannels: filterShape[1], kernelHeight: 1,
        kernelWidth: filterShape[0], stride: stride, padding: padding, outputPadding: outputPadding,
        padsHeight: false)
    return transposedConvolution(input.reshaped(to: [batch, 1, length, inputShape[2]]),
                                 filter: filter.reshaped(to: [1] + filterShape), geometry: geometry)
        .reshaped(to: [batch, geometry.inputWidth, filterShape[1]])
}

private func checkConvolutionShapes(image: Tensor, filter: Tensor, _ g: ConvolutionGeometry, caller: String) {
    precondition(image.rank == 4 && Array(image.shape.dropFirst()) == [g.inputHeight, g.inputWidth, g.inputChannels],
                 "\(caller): input \(image.shape) does not match the geometry's \(g.inputHeight)×\(g.inputWidth)×\(g.inputChannels)")
    precondition(filter.rank == 4 && Array(filter.shape.prefix(3)) == [g.kernelHeight, g.kernelWidth, g.inputChannels],
                 "\(caller): filter \(filter.shape) does not match kernel \(g.kernelHeight)×\(g.kernelWidth) over \(g.inputChannels) channels")
}

private func checkTransposedShapes(input: Tensor, filter: Tensor, _ g: ConvolutionGeometry) {
    precondition(filter.rank == 4 && Array(filter.shape.prefix(3)) == [g.kernelHeight, g.kernelWidth, g.inputChannels],
                 "transposedConvolution: filter \(filter.shape) does not match kernel \(g.kernelHeight)×\(g.kernelWidth) onto \(g.inputChannels) channels")
    precondition(input.rank == 4 && Array(input.shape.dropFirst()) == [g.outputHeight, g.outputWidth, filter.shape[3]],
                 "transposedConvolution: input \(input.shape) does not match \(g.outputHeight)×\(g.outputWidth)×\(filter.shape[3])")
}
