import _Differentiation

extension Tensor {
    /// The same values under a new shape (`Flatten` and `Reshape` of the model tables).
    @differentiable(reverse)
    public func reshaped(to newShape: [Int]) -> Tensor {
        precondition(newShape.reduce(1, *) == count,
                     "reshaped: cannot view \(shape) (\(count) values) as \(newShape)")
        return Tensor(shape: newShape, scalars: scalars)
    }

    @derivative(of: reshaped)
    @usableFromInline
    func vjpReshaped(to newShape: [Int]) -> (value: Tensor, pullback: (Tensor) -> Tensor) {
        let shape = self.shape
        return (reshaped(to: newShape), { g in g.reshaped(to: shape) })
    }

    /// The last two axes swapped, `[..., r, c]` → `[..., c, r]`: a matrix, or each matrix of a
    /// stack, transposed. An operand laid out for a product that reads it as stored (OpenBLAS
    /// runs some products read transposed at well below their rate).
    public func transposedLastTwoAxes() -> Tensor {
        precondition(rank >= 2, "transposedLastTwoAxes: \(shape) has fewer than two axes")
        let (r, c) = (shape[rank - 2], shape[rank - 1])
        var swapped = shape
        swapped.swapAt(rank - 2, rank - 1)
        return Tensor(shape: swapped, unsafeUninitialized: { out in
            scalars.withUnsafeBufferPointer { x in
                for base in stride(from: 0, to: x.count, by: max(r * c, 1)) {
                    for i in 0..<r {
                        for j in 0..<c { out[base + j * r + i] = x[base + i * c + j] }
                    }
                }
            }
        })
    }

    /// Flattens everything after the batch axis: `[n, ...] -> [n, rest]`.
    @differentiable(reverse)
    public func flattenedBatch() -> Tensor {
        let shape = withoutDerivative(at: self).shape
        let rowSize = shape.dropFirst().reduce(1, *)
        return reshaped(to: [shape.first ?? 1, rowSize])
    }

    /// Columns `range` of the last axis: `[..., c] -> [..., range.count]`.
    @differentiable(reverse)
    public func slicingLastAxis(_ range: Range<Int>) -> Tensor {
        let c = columns, width = range.count
        precondition(range.lowerBound >= 0 && range.upperBound <= c,
                     "slicingLastAxis: \(range) is outside 0..<\(c)")
        var outShape = shape
        outShape[outShape.count - 1] = width
        let rowCount = count / max(c, 1)
        return Tensor(shape: outShape, unsafeUninitialized: { out in
            scalars.withUnsafeBufferPointer { x in
                for r in 0..<rowCount {
                    for j in 0..<width { out[r * width + j] = x[r * c + range.lowerBound + j] }
                }
            }
        })
    }

    @derivative(of: slicingLastAxis)
    @usableFromInline
    func vjpSlicingLastAxis(_ range: Range<Int>) -> (value: Tensor, pullback: (Tensor) -> Tensor) {
        let shape = self.shape, c = columns, width = range.count
        return (slicingLastAxis(range), { g in
            var grad = Tensor.zeros(shape)
            grad.scalars.withUnsafeMutableBufferPointer { out in
                g.scalars.withUnsafeBufferPointer { gr in
                    for r in 0..<(gr.count / max(width, 1)) {
                        for j in 0..<width { out[r * c + range.lowerBound + j] = gr[r * width + j] }
                    }
                }
            }
            return grad
        })
    }

    /// Rows `range` of the first axis (for example the labeled half of a batch).
    @differentiable(reverse)
    public func slicingRows(_ range: Range<Int>) -> Tensor {
        precondition(range.lowerBound >= 0 && range.upperBound <= rows,
                     "slicingRows: \(range) is outside 0..<\(rows)")
        let rowSize = count / max(rows, 1)
        var outShape = shape
        outShape[0] = range.count
        return Tensor(shape: outShape,
                      scalars: Array(scalars[(range.lowerBound * rowSize)..<(range.upperBound * rowSize)]))
    }

    @derivative(of: slicingRows)
    @usableFromInline
    func vjpSlicingRows(_ range: Range<Int>) -> (value: Tensor, pullback: (Tensor) -> Tensor) {
        let shape = self.shape, rowSize = count / max(rows, 1)
        return (slicingRows(range), { g in
            var grad = Tensor.zeros(shape)
            grad.scalars.replaceSubrange((range.lowerBound * rowSize)..<(range.upperBound * rowSize),
                                         with: g.scalars)
            return grad
        })
    }
}

/// Joins tensors along the last axis: `[..., a] ⊕ [..., b] -> [..., a + b]`
/// (the decoder input `z ⊕ π` of the semi-supervised VAE, eq. 2).
@differentiable(reverse)
public func concatenateLastAxis(_ lhs: Tensor, _ rhs: Tensor) -> Tensor {
    precondition(lhs.shape.dropLast() == rhs.shape.dropLast(),
                 "concatenateLastAxis: leading shapes of \(lhs.shape) and \(rhs.shape) differ")
    let a = lhs.columns, b = rhs.columns, width = a + b
    var outShape = lhs.shape
    outShape[outShape.count - 1] = width
    let rowCount = lhs.count / max(a, 1)
    return Tensor(shape: outShape, unsafeUninitialized: { out in
        lhs.scalars.withUnsafeBufferPointer { l in
            rhs.scalars.withUnsafeBufferPointer { r in
                for row in 0..<rowCount {
                    for j in 0..<a { out[row * width + j] = l[row * a + j] }
                    for j in 0..<b { out[row * width + a + j] = r[row * b + j] }
                }
            }
        }
    })
}

@derivative(of: concatenateLastAxis)
@usableFromInline
func vjpConcatenateLastAxis(_ lhs: Tensor, _ rhs: Tensor)
    -> (value: Tensor, pullback: (Tensor) -> (Tensor, Tensor)) {
    let a = lhs.columns, b = rhs.columns
    return (concatenateLastAxis(lhs, rhs), { g in
        (g.slicingLastAxis(0..<a), g.slicingLastAxis(a..<(a + b)))
    })
}
