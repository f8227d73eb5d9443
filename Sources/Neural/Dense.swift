import DataFiles

/// A fully connected layer: y = x·Wᵀ + b, with W stored [out, in] as in PyTorch's `Linear`.
public final class Dense: Layer {
    public let name: String
    public let weight: Parameter
    public let bias: Parameter
    private var input = Tensor(shape: [0])

    /// How the weights and biases are first drawn.
    public enum Initialization: Sendable {
        /// Weights U(±√(6 / inputs)) (He et al. 2015, for ReLU), biases U(±1 / √inputs).
        case heUniform
        /// Weights and biases U(±√(6 / (inputs + outputs))) (Glorot & Bengio 2010), as
        /// scikit-learn's MLP draws them.
        case glorotUniform
    }

    public init(_ name: String, inputs: Int, outputs: Int, initialization: Initialization = .heUniform, random: inout SplitMix64) {
        MemoryReuse.configured
        self.name = name
        switch initialization {
        case .heUniform:
            weight = Parameter("\(name).weight", Initializer.heUniform(shape: [outputs, inputs], fanIn: inputs, random: &random))
            bias = Parameter("\(name).bias", Initializer.uniform(shape: [outputs], bound: 1 / Float(inputs).squareRoot(), random: &random))
        case .glorotUniform:
            weight = Parameter("\(name).weight", Initializer.glorotUniform(shape: [outputs, inputs], fanIn: inputs, fanOut: outputs, random: &random))
            bias = Parameter("\(name).bias", Initializer.glorotUniform(shape: [outputs], fanIn: inputs, fanOut: outputs, random: &random))
        }
    }

    public var parameters: [Parameter] { [weight, bias] }
    /// Features read per row.
    public var inputs: Int { weight.value.shape[1] }
    /// Features written per row.
    public var outputs: Int { weight.value.shape[0] }

    public func forward(_ input: Tensor, mode: Mode) -> Tensor {
        self.input = input
        return applied(input, weights: weight.value.storage, bias: bias.value.storage)
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        // ∂W += dyᵀ·x, ∂b += Σ rows of dy, ∂x = dy·W
        outputGradient.storage.withUnsafeBufferPointer { dy in
            input.storage.withUnsafeBufferPointer { x in
                weight.gradient.storage.withUnsafeMutableBufferPointer { dw in
                    BLAS.gemm(dy.baseAddress!, transposeA: true, x.baseAddress!, dw.baseAddress!, m: outputs, n: inputs, k: input.rows, beta: 1)
                }
            }
        }
        bias.gradient.add(Tensor(shape: [outputs], outputGradient.channelSums(channels: outputs)))
        return adjoint(outputGradient, weights: weight.value.storage, inputShape: input.shape)
    }
}

extension Dense: AffineLayer {
    public var biasParameter: Parameter? { bias }

    public func applied(_ input: Tensor, weights: [Float], bias: [Float]?) -> Tensor {
        precondition(input.rowSize == inputs, "\(name) expects \(inputs) features, got shape \(input.shape)")
        let batch = input.rows
        var output = Tensor(shape: [batch, outputs])
        output.storage.withUnsafeMutableBufferPointer { out in
            // Broadcast the bias into every row, then accumulate x·Wᵀ on top of it.
            if let bias {
                for row in 0..<batch { for column in 0..<outputs { out[row * outputs + column] = bias[column] } }
            }
            input.storage.withUnsafeBufferPointer { x in
                weights.withUnsafeBufferPointer { w in
                    BLAS.gemm(x.baseAddress!, w.baseAddress!, transposeB: true, out.baseAddress!,
                              m: batch, n: outputs, k: inputs, beta: bias == nil ? 0 : 1)
                }
            }
        }
        return output
    }

    public func adjoint(_ gradient: Tensor, weights: [Float], inputShape: [Int]) -> Tensor {
        var result = Tensor(shape: inputShape)
        gradient.storage.withUnsafeBufferPointer { dy in
            weights.withUnsafeBufferPointer { w in
                result.storage.withUnsafeMutableBufferPointer { dx in
                    BLAS.gemm(dy.baseAddress!, w.baseAddress!, dx.baseAddress!, m: gradient.rows, n: inputs, k: outputs)
                }
            }
        }
        return result
    }
}
