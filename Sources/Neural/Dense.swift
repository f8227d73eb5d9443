import DataFiles

/// A fully connected layer: y = x·Wᵀ + b, with W stored [out, in] as in PyTorch's `Linear`.
public final class Dense: Layer {
    public let name: String
    public let weight: Parameter
    public let bias: Parameter
    private var input = Tensor(shape: [0])

    public init(_ name: String, inputs: Int, outputs: Int, random: inout SplitMix64) {
        MemoryReuse.configured
        self.name = name
        weight = Parameter("\(name).weight", Initializer.heUniform(shape: [outputs, inputs], fanIn: inputs, random: &random))
        bias = Parameter("\(name).bias", Initializer.uniform(shape: [outputs], bound: 1 / Float(inputs).squareRoot(), random: &random))
    }

    public var parameters: [Parameter] { [weight, bias] }
    /// Features read per row.
    public var inputs: Int { weight.value.shape[1] }
    /// Features written per row.
    public var outputs: Int { weight.value.shape[0] }

    public func forward(_ input: Tensor, mode: Mode) -> Tensor {
        precondition(input.rowSize == inputs, "\(name) expects \(inputs) features, got shape \(input.shape)")
        self.input = input
        let batch = input.rows
        var output = Tensor(shape: [batch, outputs])
        // Broadcast the bias into every row, then accumulate x·Wᵀ on top of it.
        output.storage.withUnsafeMutableBufferPointer { out in
            bias.value.storage.withUnsafeBufferPointer { b in
                for row in 0..<batch { for column in 0..<outputs { out[row * outputs + column] = b[column] } }
            }
            input.storage.withUnsafeBufferPointer { x in
                weight.value.storage.withUnsafeBufferPointer { w in
                    BLAS.gemm(x.baseAddress!, w.baseAddress!, transposeB: true, out.baseAddress!,
                              m: batch, n: outputs, k: inputs, beta: 1)
                }
            }
        }
        return output
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        let batch = input.rows
        var inputGradient = Tensor(shape: input.shape)
        outputGradient.storage.withUnsafeBufferPointer { dy in
            // ∂W += dyᵀ·x ; ∂x = dy·W (and ∂b += Σ rows of dy below)
            input.storage.withUnsafeBufferPointer { x in
                weight.gradient.storage.withUnsafeMutableBufferPointer { dw in
                    BLAS.gemm(dy.baseAddress!, transposeA: true, x.baseAddress!, dw.baseAddress!, m: outputs, n: inputs, k: batch, beta: 1)
                }
            }
            weight.value.storage.withUnsafeBufferPointer { w in
                inputGradient.storage.withUnsafeMutableBufferPointer { dx in
                    BLAS.gemm(dy.baseAddress!, w.baseAddress!, dx.baseAddress!, m: batch, n: inputs, k: outputs)
                }
            }
        }
        bias.gradient.add(Tensor(shape: [outputs], outputGradient.channelSums(channels: outputs)))
        return inputGradient
    }
}
