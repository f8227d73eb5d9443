/// Batch normalisation over the last axis (channels of NHWC maps, or features).
///
/// Training mode normalises with the batch's statistics and updates running
/// averages; inference mode uses the running averages.
public final class BatchNorm: Layer {
    public let name: String
    public let scale: Parameter
    public let shift: Parameter
    public let runningMean: Parameter
    public let runningVariance: Parameter
    public let momentum: Float
    public let epsilon: Float
    private var normalized = Tensor(shape: [0])
    private var inverseDeviation = [Float]()

    public init(_ name: String, channels: Int, momentum: Float = 0.1, epsilon: Float = 1e-5) {
        self.name = name
        self.momentum = momentum
        self.epsilon = epsilon
        scale = Parameter("\(name).weight", Tensor(shape: [channels], repeating: 1))
        shift = Parameter("\(name).bias", Tensor(shape: [channels]))
        runningMean = Parameter("\(name).running_mean", Tensor(shape: [channels]))
        runningVariance = Parameter("\(name).running_var", Tensor(shape: [channels], repeating: 1))
    }

    public var parameters: [Parameter] { [scale, shift] }
    public var buffers: [Parameter] { [runningMean, runningVariance] }
    var channels: Int { scale.value.count }

    public func forward(_ input: Tensor, mode: Mode) -> Tensor {
        let channels = channels
        precondition(input.shape.last == channels, "\(name) expects \(channels) channels, got \(input.shape)")
        let samples = input.count / channels
        var mean = [Float](repeating: 0, count: channels), variance = [Float](repeating: 0, count: channels)
        if mode == .training {
            input.storage.withUnsafeBufferPointer { x in
                mean.withUnsafeMutableBufferPointer { mean in
                    variance.withUnsafeMutableBufferPointer { variance in
                        for sample in 0..<samples { for c in 0..<channels { mean[c] += x[sample * channels + c] } }
                        for c in 0..<channels { mean[c] /= Float(samples) }
                        for sample in 0..<samples {
                            for c in 0..<channels {
                                let d = x[sample * channels + c] - mean[c]
                                variance[c] += d * d
                            }
                        }
                    }
                }
            }
            for c in 0..<channels {
                variance[c] /= Float(samples)
                // Running variance uses the unbiased estimate, as PyTorch does.
                let unbiased = samples > 1 ? variance[c] * Float(samples) / Float(samples - 1) : variance[c]
                runningMean.value.storage[c] = (1 - momentum) * runningMean.value.storage[c] + momentum * mean[c]
                runningVariance.value.storage[c] = (1 - momentum) * runningVariance.value.storage[c] + momentum * unbiased
            }
        } else {
            mean = runningMean.value.storage
            variance = runningVariance.value.storage
        }
        inverseDeviation = variance.map { 1 / ($0 + epsilon).squareRoot() }
        normalized = Tensor(shape: input.shape)
        var output = Tensor(shape: input.shape)
        input.storage.withUnsafeBufferPointer { x in
            normalized.storage.withUnsafeMutableBufferPointer { xHat in
                output.storage.withUnsafeMutableBufferPointer { y in
                  scale.value.storage.withUnsafeBufferPointer { gamma in
                   shift.value.storage.withUnsafeBufferPointer { beta in
                    inverseDeviation.withUnsafeBufferPointer { inverse in
                     mean.withUnsafeBufferPointer { mean in
                    for sample in 0..<samples {
                        for c in 0..<channels {
                            let index = sample * channels + c
                            xHat[index] = (x[index] - mean[c]) * inverse[c]
                            y[index] = gamma[c] * xHat[index] + beta[c]
                        }
                    }
                     }
                    }
                   }
                  }
                }
            }
        }
        return output
    }

    /// The training-mode gradient: dx = γ/σ · (dy − mean(dy) − x̂·mean(dy·x̂)).
    public func backward(_ outputGradient: Tensor) -> Tensor {
        let channels = channels
        let samples = outputGradient.count / channels
        var sumGradient = [Float](repeating: 0, count: channels), sumProduct = [Float](repeating: 0, count: channels)
        outputGradient.storage.withUnsafeBufferPointer { dy in
            normalized.storage.withUnsafeBufferPointer { xHat in
                sumGradient.withUnsafeMutableBufferPointer { sumGradient in
                    sumProduct.withUnsafeMutableBufferPointer { sumProduct in
                        for sample in 0..<samples {
                            for c in 0..<channels {
                                let index = sample * channels + c
                                sumGradient[c] += dy[index]
                                sumProduct[c] += dy[index] * xHat[index]
                            }
                        }
                    }
                }
            }
        }
        for c in 0..<channels {
            shift.gradient.storage[c] += sumGradient[c]
            scale.gradient.storage[c] += sumProduct[c]
        }
        var inputGradient = Tensor(shape: outputGradient.shape)
        let count = Float(samples)
        // Per-channel coefficients, so the per-element loop is one fused multiply-add chain.
        var a = [Float](repeating: 0, count: channels), b = [Float](repeating: 0, count: channels), d = [Float](repeating: 0, count: channels)
        for c in 0..<channels {
            a[c] = scale.value.storage[c] * inverseDeviation[c]
            b[c] = sumGradient[c] / count
            d[c] = sumProduct[c] / count
        }
        outputGradient.storage.withUnsafeBufferPointer { dy in
            normalized.storage.withUnsafeBufferPointer { xHat in
                inputGradient.storage.withUnsafeMutableBufferPointer { dx in
                  a.withUnsafeBufferPointer { a in
                   b.withUnsafeBufferPointer { b in
                    d.withUnsafeBufferPointer { d in
                    for sample in 0..<samples {
                        for c in 0..<channels {
                            let index = sample * channels + c
                            dx[index] = a[c] * (dy[index] - b[c] - xHat[index] * d[c])
                        }
                    }
                    }
                   }
                  }
                }
            }
        }
        return inputGradient
    }
}
