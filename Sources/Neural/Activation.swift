import Foundation

/// An element-wise non-linearity.
public final class Activation: Layer {
    public enum Function: String, Sendable {
        case relu, leakyRelu, tanh, sigmoid
    }

    public let name: String
    public let function: Function
    private var output = Tensor(shape: [0])
    private var input = Tensor(shape: [0])

    public init(_ name: String, _ function: Function) {
        self.name = name
        self.function = function
    }

    public func forward(_ input: Tensor, mode: Mode) -> Tensor {
        self.input = input
        var result = Tensor.uninitialized(shape: input.shape)
        input.storage.withUnsafeBufferPointer { x in
            result.storage.withUnsafeMutableBufferPointer { y in
                nonisolated(unsafe) let y = y
                parallelFor(y.count, minimumChunk: 1 << 15) { range in
                    switch function {
                    case .relu: for i in range { y[i] = max(x[i], 0) }
                    case .leakyRelu: for i in range { y[i] = x[i] < 0 ? 0.01 * x[i] : x[i] }
                    case .tanh: for i in range { y[i] = Foundation.tanh(x[i]) }
                    case .sigmoid: for i in range { y[i] = 1 / (1 + exp(-x[i])) }
                    }
                }
            }
        }
        output = result
        return result
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        var result = Tensor.uninitialized(shape: outputGradient.shape)
        result.storage.withUnsafeMutableBufferPointer { dx in
            outputGradient.storage.withUnsafeBufferPointer { dy in
                input.storage.withUnsafeBufferPointer { x in
                    output.storage.withUnsafeBufferPointer { y in
                        nonisolated(unsafe) let dx = dx
                        parallelFor(dx.count, minimumChunk: 1 << 15) { range in
                            switch function {
                            case .relu: Self.rectifiedGradient(dy, x, dx, range)
                            case .leakyRelu: for i in range { dx[i] = x[i] < 0 ? 0.01 * dy[i] : dy[i] }
                            case .tanh: for i in range { dx[i] = dy[i] * (1 - y[i] * y[i]) }
                            case .sigmoid: for i in range { dx[i] = dy[i] * y[i] * (1 - y[i]) }
                            }
                        }
                    }
                }
            }
        }
        return result
    }

    /// dx = dy where x > 0, else 0, sixteen lanes at a time: the scalar select does not
    /// vectorise, and this loop runs over every activation of every training step.
    private static func rectifiedGradient(_ dy: UnsafeBufferPointer<Float>, _ x: UnsafeBufferPointer<Float>,
                                          _ dx: UnsafeMutableBufferPointer<Float>, _ range: Range<Int>) {
        let (dyRaw, xRaw, dxRaw) = (UnsafeRawPointer(dy.baseAddress!), UnsafeRawPointer(x.baseAddress!), UnsafeMutableRawPointer(dx.baseAddress!))
        let lanes = SIMD16<Float>.scalarCount
        var i = range.lowerBound
        while i + lanes <= range.upperBound {
            let offset = i * MemoryLayout<Float>.stride
            let gradient = dyRaw.loadUnaligned(fromByteOffset: offset, as: SIMD16<Float>.self)
            let value = xRaw.loadUnaligned(fromByteOffset: offset, as: SIMD16<Float>.self)
            dxRaw.storeBytes(of: gradient.replacing(with: 0, where: value .<= 0), toByteOffset: offset, as: SIMD16<Float>.self)
            i += lanes
        }
        for j in i..<range.upperBound { dx[j] = x[j] > 0 ? dy[j] : 0 }
    }
}
