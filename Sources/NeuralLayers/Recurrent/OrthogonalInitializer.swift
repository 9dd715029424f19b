import Randomness
import TensorCore

extension Initializer {
    /// A random (semi-)orthogonal matrix `[rows, columns]`, as Keras's `Orthogonal`
    /// initialiser (Saxe et al. 2014), the default for an LSTM's recurrent weight.
    ///
    /// Draws a Gaussian matrix of shape `[max(rows, columns), min(rows, columns)]`, takes the Q
    /// of its QR decomposition with R's diagonal positive (Gram–Schmidt yields exactly that,
    /// which makes Q uniformly distributed over orthogonal matrices), transposes Q when the
    /// result is wide, and scales by `gain`. The result has orthonormal columns when
    /// `rows ≥ columns` (WᵀW = I) and orthonormal rows when `rows ≤ columns` (WWᵀ = I).
    public static func orthogonal(rows: Int, columns: Int, gain: Float = 1,
                                  using generator: inout SeededGenerator) -> Tensor {
        precondition(rows > 0 && columns > 0, "orthogonal: empty shape [\(rows), \(columns)]")
        let long = max(rows, columns), short = min(rows, columns)
        // The short side's vectors, each of length `long`, drawn in the row-major order of
        // the [long, short] Gaussian matrix so the stream matches its shape.
        var vectors = [[Double]](repeating: [Double](repeating: 0, count: long), count: short)
        for i in 0..<long {
            for j in 0..<short { vectors[j][i] = Double(generator.normal()) }
        }
        orthonormalize(&vectors)
        let wide = rows < columns
        return Tensor(shape: [rows, columns], unsafeUninitialized: { out in
            for i in 0..<long {
                for j in 0..<short {
                    let value = gain * Float(vectors[j][i])
                    // Q is [long, short]; a wide result stores its transpose.
                    if wide { out[j * columns + i] = value } else { out[i * columns + j] = value }
                }
            }
        })
    }

    /// Modified Gram–Schmidt, applied twice so the result is orthonormal to double precision
    /// even for nearly dependent draws.
    private static func orthonormalize(_ vectors: inout [[Double]]) {
        for j in vectors.indices {
            for _ in 0..<2 {
                for k in 0..<j {
                    var projection = 0.0
                    for i in vectors[j].indices { projection += vectors[k][i] * vectors[j][i] }
                    for i in vectors[j].indices { vectors[j][i] -= projection * vectors[k][i] }
                }
            }
            var norm = 0.0
            for value in vectors[j] { norm += value * value }
            norm = norm.squareRoot()
            precondition(norm > 0, "orthogonal: a Gaussian draw was linearly dependent")
            for i in vectors[j].indices { vectors[j][i] /= norm }
        }
    }
}
