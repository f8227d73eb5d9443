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
        var result = input
        result.storage.withUnsafeMutableBufferPointer { y in
            switch function {
            case .relu: for i in 0..<y.count { y[i] = max(y[i], 0) }
            case .leakyRelu: for i in 0..<y.count where y[i] < 0 { y[i] *= 0.01 }
            case .tanh: for i in 0..<y.count { y[i] = Foundation.tanh(y[i]) }
            case .sigmoid: for i in 0..<y.count { y[i] = 1 / (1 + exp(-y[i])) }
            }
        }
        output = result
        return result
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        var result = outputGradient
        result.storage.withUnsafeMutableBufferPointer { dx in
            input.storage.withUnsafeBufferPointer { x in
                output.storage.withUnsafeBufferPointer { y in
                    switch function {
                    case .relu: for i in 0..<dx.count where x[i] <= 0 { dx[i] = 0 }
                    case .leakyRelu: for i in 0..<dx.count where x[i] < 0 { dx[i] *= 0.01 }
                    case .tanh: for i in 0..<dx.count { dx[i] *= 1 - y[i] * y[i] }
                    case .sigmoid: for i in 0..<dx.count { dx[i] *= y[i] * (1 - y[i]) }
                    }
                }
            }
        }
        return result
    }
}
