import NeuralKernels

/// A dense Float32 array with a shape, stored contiguously in row-major order.
///
/// Images and feature maps use NHWC order (batch, height, width, channels), so that
/// a convolution is one matrix product over all pixels of a batch.
public struct Tensor: Sendable, Equatable {
    public private(set) var shape: [Int]
    public var storage: [Float]

    /// A tensor of `shape` filled with `value`.
    public init(shape: [Int], repeating value: Float = 0) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(shape)")
        self.shape = shape
        storage = [Float](repeating: value, count: shape.reduce(1, *))
    }

    /// A tensor of `shape` holding `values` in row-major order.
    public init(shape: [Int], _ values: [Float]) {
        precondition(shape.reduce(1, *) == values.count, "shape \(shape) needs \(shape.reduce(1, *)) values, got \(values.count)")
        self.shape = shape
        storage = values
    }

    /// A tensor of `shape` whose every element the caller writes before reading any: the
    /// outputs of layers, which would otherwise be zero-filled only to be overwritten.
    static func uninitialized(shape: [Int]) -> Tensor {
        Tensor(shape: shape, [Float](unsafeUninitializedCapacity: shape.reduce(1, *)) { _, count in count = shape.reduce(1, *) })
    }

    /// Number of elements.
    public var count: Int { storage.count }
    /// The first dimension (the batch size, by convention).
    public var rows: Int { shape.first ?? 1 }
    /// Elements per row: the product of all dimensions but the first.
    public var rowSize: Int { shape.count > 1 ? shape.dropFirst().reduce(1, *) : 1 }

    /// The same data under another shape with the same element count.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        Tensor(shape: newShape, storage)
    }

    /// Element-wise sum with a tensor of the same shape.
    public static func + (a: Tensor, b: Tensor) -> Tensor {
        precondition(a.shape == b.shape, "shape mismatch \(a.shape) vs \(b.shape)")
        // One pass into fresh memory, not a copy of `a` followed by a second pass adding `b`.
        var result = Tensor.uninitialized(shape: a.shape)
        result.storage.withUnsafeMutableBufferPointer { sum in
            a.storage.withUnsafeBufferPointer { a in
                b.storage.withUnsafeBufferPointer { b in
                    nonisolated(unsafe) let sum = sum
                    parallelFor(sum.count, minimumChunk: 1 << 16) { range in
                        for index in range { sum[index] = a[index] + b[index] }
                    }
                }
            }
        }
        return result
    }

    /// Adds `other` (same element count) in place, scaled by `scale`.
    public mutating func add(_ other: Tensor, scale: Float = 1) {
        precondition(count == other.count, "size mismatch \(shape) vs \(other.shape)")
        storage.withUnsafeMutableBufferPointer { a in
            other.storage.withUnsafeBufferPointer { b in
                nonisolated(unsafe) let a = a
                parallelFor(a.count, minimumChunk: 1 << 16) { range in
                    for index in range { a[index] += scale * b[index] }
                }
            }
        }
    }

    /// Multiplies every element by `scale`.
    public mutating func scale(by scale: Float) {
        storage.withUnsafeMutableBufferPointer { for index in 0..<$0.count { $0[index] *= scale } }
    }

    /// Sum of squares of all elements.
    public var squaredNorm: Float {
        storage.withUnsafeBufferPointer { $0.reduce(0) { $0 + $1 * $1 } }
    }
}

extension Tensor {
    /// The rows at `indices`, in that order (a batch drawn from a dataset).
    public func gathering(rows indices: [Int]) -> Tensor {
        let size = rowSize
        var values = [Float]()
        values.reserveCapacity(indices.count * size)
        storage.withUnsafeBufferPointer { source in
            for index in indices { values.append(contentsOf: source[(index * size)..<((index + 1) * size)]) }
        }
        return Tensor(shape: [indices.count] + shape.dropFirst(), values)
    }
}

extension Tensor {
    /// Σ over all rows of the last axis' entries: per-channel totals of an NHWC map or a
    /// batch of feature rows, summed on all cores.
    func channelSums(channels: Int) -> [Float] {
        storage.withUnsafeBufferPointer { values in
            let values = values.baseAddress!
            return parallelSums(count / channels, width: channels, minimumChunk: 2048) { rows, sums in
                ck_channel_sums(values + rows.lowerBound * channels, rows.count, channels, sums)
            }
        }
    }
}
