/// Where a convolution's kernel lands on its input: the one description shared by `Conv2D`,
/// `ConvTranspose2D` (the same geometry read backwards) and `CausalConv1D` (a 1×T image).
///
/// The image is NHWC `[batch, inputHeight, inputWidth, inputChannels]`. Output position
/// `(oy, ox)` reads, for kernel tap `(ky, kx)`, the input pixel
/// `(oy·strideHeight − padTop + ky·dilationHeight, ox·strideWidth − padLeft + kx·dilationWidth)`;
/// taps that fall outside the image read zero, which is how padding on any side is expressed
/// (only the padding before is stored: the output size fixes how far past the end the kernel
/// may reach).
public struct ConvolutionGeometry: Equatable, Sendable {
    public var inputHeight: Int
    public var inputWidth: Int
    public var inputChannels: Int
    public var kernelHeight: Int
    public var kernelWidth: Int
    public var strideHeight: Int
    public var strideWidth: Int
    public var dilationHeight: Int
    public var dilationWidth: Int
    public var padTop: Int
    public var padLeft: Int
    public var outputHeight: Int
    public var outputWidth: Int

    public init(inputHeight: Int, inputWidth: Int, inputChannels: Int,
                kernelHeight: Int, kernelWidth: Int,
                strideHeight: Int = 1, strideWidth: Int = 1,
                dilationHeight: Int = 1, dilationWidth: Int = 1,
                padTop: Int, padLeft: Int, outputHeight: Int, outputWidth: Int) {
        precondition(inputHeight > 0 && inputWidth > 0 && inputChannels > 0,
                     "ConvolutionGeometry: empty input \(inputHeight)×\(inputWidth)×\(inputChannels)")
        precondition(kernelHeight > 0 && kernelWidth > 0 && strideHeight > 0 && strideWidth > 0
                     && dilationHeight > 0 && dilationWidth > 0,
                     "ConvolutionGeometry: kernel, stride and dilation must be positive")
        precondition(padTop >= 0 && padLeft >= 0 && outputHeight > 0 && outputWidth > 0,
                     "ConvolutionGeometry: padding \(padTop),\(padLeft) / output \(outputHeight)×\(outputWidth) invalid")
        self.inputHeight = inputHeight
        self.inputWidth = inputWidth
        self.inputChannels = inputChannels
        self.kernelHeight = kernelHeight
        self.kernelWidth = kernelWidth
        self.strideHeight = strideHeight
        self.strideWidth = strideWidth
        self.dilationHeight = dilationHeight
        self.dilationWidth = dilationWidth
        self.padTop = padTop
        self.padLeft = padLeft
        self.outputHeight = outputHeight
        self.outputWidth = outputWidth
    }

    /// The output length along one axis when `padding` zeros are added on both sides
    /// (floor, as in PyTorch and the conventions): `⌊(n + 2p − d(k − 1) − 1) / s⌋ + 1`.
    public static func outputLength(input: Int, kernel: Int, stride: Int, padding: Int,
                                    dilation: Int = 1) -> Int {
        (input + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1
    }

    /// A 2-D convolution with the same `padding` on every side.
    public static func symmetric(inputHeight: Int, inputWidth: Int, inputChannels: Int,
                                 kernelHeight: Int, kernelWidth: Int, stride: Int,
                                 padding: Int) -> ConvolutionGeometry {
        ConvolutionGeometry(
            inputHeight: inputHeight, inputWidth: inputWidth, inputChannels: inputChannels,
            kernelHeight: kernelHeight, kernelWidth: kernelWidth,
            strideHeight: stride, strideWidth: stride, padTop: padding, padLeft: padding,
            outputHeight: outputLength(input: inputHeight, kernel: kernelHeight, stride: stride, padding: padding),
            outputWidth: outputLength(input: inputWidth, kernel: kernelWidth, stride: stride, padding: padding))
    }

    /// The convolution whose adjoint is a transposed convolution from `inputHeight×inputWidth`
    /// to `((n − 1)·s − 2p + k + outputPadding)` per axis. The geometry's *input* is the
    /// transposed convolution's output image, its *output* the transposed convolution's input.
    ///
    /// With `padsHeight` false the height axis is left alone (kernel height 1, stride 1, no
    /// padding): a sequence seen as a 1×T image.
    public static func transposed(inputHeight: Int, inputWidth: Int, outputChannels: Int,
                                  kernelHeight: Int, kernelWidth: Int, stride: Int, padding: Int,
                                  outputPadding: Int, padsHeight: Bool = true) -> ConvolutionGeometry {
        precondition(outputPadding >= 0 && outputPadding < stride,
                     "transposed convolution: output padding \(outputPadding) must be in 0..<stride \(stride)")
        let imageWidth = (inputWidth - 1) * stride - 2 * padding + kernelWidth + outputPadding
        precondition(imageWidth > 0, "transposed convolution: an empty output from \(inputWidth) steps")
        guard padsHeight else {
            precondition(kernelHeight == 1, "transposed convolution along the width only needs kernel height 1")
            let geometry = ConvolutionGeometry(
                inputHeight: inputHeight, inputWidth: imageWidth, inputChannels: outputChannels,
                kernelHeight: kernelHeight, kernelWidth: kernelWidth, strideWidth: stride, padTop: 0,
                padLeft: padding, outputHeight: inputHeight,
                outputWidth: outputLength(input: imageWidth, kernel: kernelWidth, stride: stride, padding: padding))
            assert(geometry.outputWidth == inputWidth)
            return geometry
        }
        let imageHeight = (inputHeight - 1) * stride - 2 * padding + kernelHeight + outputPadding
        let geometry = symmetric(inputHeight: imageHeight, inputWidth: imageWidth,
                                 inputChannels: outputChannels, kernelHeight: kernelHeight,
                                 kernelWidth: kernelWidth, stride: stride, padding: padding)
        // With 0 ≤ outputPadding < stride the forward geometry maps the image back onto
        // exactly the transposed convolution's input size.
        assert(geometry.outputHeight == inputHeight && geometry.outputWidth == inputWidth)
        return geometry
    }

    /// A dilated causal 1-D convolution over `length` steps: the sequence is a 1×length image,
    /// padded by `(k − 1)·d` on the left only, so the output has the input's length and step
    /// t sees steps t − (k − 1)·d … t.
    public static func causal(length: Int, inputChannels: Int, kernelSize: Int,
                              dilation: Int) -> ConvolutionGeometry {
        ConvolutionGeometry(
            inputHeight: 1, inputWidth: length, inputChannels: inputChannels,
            kernelHeight: 1, kernelWidth: kernelSize, dilationWidth: dilation,
            padTop: 0, padLeft: (kernelSize - 1) * dilation,
            outputHeight: 1, outputWidth: length)
    }

    /// Values per input image (one sample).
    public var inputImageSize: Int { inputHeight * inputWidth * inputChannels }
    /// Output positions per sample: the rows of the column matrix one sample contributes.
    public var outputPositions: Int { outputHeight * outputWidth }
    /// Length of one column-matrix row, `kh·kw·cin`: the filter viewed as `[patchSize, cout]`.
    public var patchSize: Int { kernelHeight * kernelWidth * inputChannels }

    /// True when the column matrix is the input itself (1×1 kernel, stride 1, no padding), so
    /// the lowering can be skipped.
    var isPointwise: Bool {
        kernelHeight == 1 && kernelWidth == 1 && strideHeight == 1 && strideWidth == 1
            && padTop == 0 && padLeft == 0 && outputHeight == inputHeight && outputWidth == inputWidth
    }
}
