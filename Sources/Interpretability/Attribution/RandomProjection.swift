import DataFiles
import Neural

/// A random Johnson–Lindenstrauss projection from `inputDimension` to `outputDimension`
/// with independent entries ±1/√k (Rademacher), as TRAK projects per-example gradients.
///
/// The d×k matrix of a network's gradients would not fit in memory, so it is never
/// stored: each block of rows is regenerated from the seed and the row index when
/// needed, 64 signs to a random word, and the same seed always gives the same matrix.
public struct RandomProjection: Sendable {
    public let inputDimension: Int
    public let outputDimension: Int
    public let seed: UInt64
    /// Rows of the matrix generated and applied at a time.
    static let blockRows = 512

    public init(inputDimension: Int, outputDimension: Int, seed: UInt64) {
        precondition(inputDimension > 0 && outputDimension > 0)
        self.inputDimension = inputDimension
        self.outputDimension = outputDimension
        self.seed = seed
    }

    /// Projects `count` vectors stored one after another (row-major `count` × `inputDimension`)
    /// to `count` × `outputDimension`, row-major.
    public func project(_ vectors: [Float], count: Int) -> [Float] {
        precondition(vectors.count == inputDimension * count, "expected \(inputDimension) × \(count) values")
        let k = outputDimension
        let blocks = (inputDimension + Self.blockRows - 1) / Self.blockRows
        let workers = min(blocks, 2)
        // Each worker sums its blocks' products into its own buffer; the buffers are added at the end.
        var partial = [[Float]](repeating: [Float](repeating: 0, count: count * k), count: workers)
        partial.withUnsafeMutableBufferPointer { buffers in
            nonisolated(unsafe) let buffers = buffers
            parallelFor(workers, minimumChunk: 1) { range in
                var block = [Float](repeating: 0, count: Self.blockRows * k)
                for worker in range {
                    for blockIndex in stride(from: worker, to: blocks, by: workers) {
                        let first = blockIndex * Self.blockRows, rows = min(Self.blockRows, inputDimension - first)
                        fill(&block, rows: first..<(first + rows))
                        vectors.withUnsafeBufferPointer { g in
                            block.withUnsafeBufferPointer { p in
                                buffers[worker].withUnsafeMutableBufferPointer { out in
                                    // out (count × k) += G[:, block] (count × rows) · P (rows × k)
                                    BLAS.gemm(g.baseAddress! + first, p.baseAddress!, out.baseAddress!,
                                              m: count, n: k, k: rows, beta: 1, parallel: false, rowStrideA: inputDimension)
                                }
                            }
                        }
                    }
                }
            }
        }
        var result = partial[0]
        for other in partial.dropFirst() { for index in result.indices { result[index] += other[index] } }
        return result
    }

    /// Projects one vector.
    public func project(_ vector: [Float]) -> [Float] { project(vector, count: 1) }

    /// Writes rows `rows` of the matrix into `block` (row-major, `outputDimension` wide).
    private func fill(_ block: inout [Float], rows: Range<Int>) {
        let k = outputDimension
        let magnitude = 1 / Float(k).squareRoot()
        block.withUnsafeMutableBufferPointer { p in
            for (offset, row) in rows.enumerated() {
                var random = SplitMix64(seed: SplitMix64.mix(seed &+ UInt64(row) &* 0x9E37_79B9_7F4A_7C15))
                // Each bit of a random word becomes the sign bit of one entry.
                let magnitudeBits = magnitude.bitPattern
                for wordStart in stride(from: 0, to: k, by: 64) {
                    let word = random.next()
                    for bit in 0..<min(64, k - wordStart) {
                        p[offset * k + wordStart + bit] = Float(bitPattern: magnitudeBits | UInt32(truncatingIfNeeded: word >> UInt64(bit)) << 31)
                    }
                }
            }
        }
    }
}
