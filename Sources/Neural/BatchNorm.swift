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
    /// Whether the last forward pass used the running statistics (constants for the gradient).
    private var usedRunningStatistics = false

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
        var mean = runningMean.value.storage, variance = runningVariance.value.storage
        usedRunningStatistics = mode != .training
        if mode == .training {
            (mean, variance) = Self.channelStatistics(input.storage, channels: channels)
            for c in 0..<channels {
                // The running variance uses the unbiased estimate, as PyTorch does.
                let unbiased = samples > 1 ? variance[c] * Float(samples) / Float(samples - 1) : variance[c]
                runningMean.value.storage[c] = (1 - momentum) * runningMean.value.storage[c] + momentum * mean[c]
                runningVariance.value.storage[c] = (1 - momentum) * runningVariance.value.storage[c] + momentum * unbiased
            }
        }
        inverseDeviation = variance.map { 1 / ($0 + epsilon).squareRoot() }
        // Per-channel coefficients side by side: mean, 1/σ, γ, β.
        let coefficients = mean + inverseDeviation + scale.value.storage + shift.value.storage
        normalized = Tensor.uninitialized(shape: input.shape)
        var output = Tensor.uninitialized(shape: input.shape)
        input.storage.withUnsafeBufferPointer { x in
            normalized.storage.withUnsafeMutableBufferPointer { xHat in
                output.storage.withUnsafeMutableBufferPointer { y in
                    coefficients.withUnsafeBufferPointer { k in
                        parallelFor(samples, minimumChunk: 4096) { range in
                            for sample in range {
                                for c in 0..<channels {
                                    let index = sample * channels + c
                                    xHat[index] = (x[index] - k[c]) * k[channels + c]
                                    y[index] = k[2 * channels + c] * xHat[index] + k[3 * channels + c]
                                }
                            }
                        }
                    }
                }
            }
        }
        return output
    }

    /// Mean and (biased) variance of every channel over all samples (two passes, for
    /// accuracy when the mean is large against the spread).
    private static func channelStatistics(_ values: [Float], channels: Int) -> (mean: [Float], variance: [Float]) {
        let samples = values.count / channels
        return values.withUnsafeBufferPointer { x in
            let mean = parallelSums(samples, width: channels, minimumChunk: 2048) { range, sums in
                for sample in range { for c in 0..<channels { sums[c] += x[sample * channels + c] } }
            }.map { $0 / Float(samples) }
            let variance = mean.withUnsafeBufferPointer { mean in
                parallelSums(samples, width: channels, minimumChunk: 2048) { range, sums in
                    for sample in range {
                        for c in 0..<channels {
                            let d = x[sample * channels + c] - mean[c]
                            sums[c] += d * d
                        }
                    }
                }
            }
            return (mean, variance.map { $0 / Float(samples) })
        }
    }

    /// The gradient of the last forward pass: in training mode dx = γ/σ · (dy − mean(dy) − x̂·mean(dy·x̂));
    /// in inference mode, where the statistics are constants, dx = γ/σ · dy (what input
    /// attributions and concept searches through a trained network need).
    public func backward(_ outputGradient: Tensor) -> Tensor {
        let channels = channels
        let samples = outputGradient.count / channels
        // Σdy, then Σdy·x̂
        let sums = outputGradient.storage.withUnsafeBufferPointer { dy in
            normalized.storage.withUnsafeBufferPointer { xHat in
                parallelSums(samples, width: 2 * channels, minimumChunk: 2048) { range, sums in
                    for sample in range {
                        for c in 0..<channels {
                            let index = sample * channels + c
                            sums[c] += dy[index]
                            sums[channels + c] += dy[index] * xHat[index]
                        }
                    }
                }
            }
        }
        let count = Float(samples)
        // Per-channel coefficients side by side: γ/σ, mean(dy), mean(dy·x̂).
        var coefficients = [Float](repeating: 0, count: 3 * channels)
        for c in 0..<channels {
            shift.gradient.storage[c] += sums[c]
            scale.gradient.storage[c] += sums[channels + c]
            coefficients[c] = scale.value.storage[c] * inverseDeviation[c]
            coefficients[channels + c] = usedRunningStatistics ? 0 : sums[c] / count
            coefficients[2 * channels + c] = usedRunningStatistics ? 0 : sums[channels + c] / count
        }
        var inputGradient = Tensor.uninitialized(shape: outputGradient.shape)
        outputGradient.storage.withUnsafeBufferPointer { dy in
            normalized.storage.withUnsafeBufferPointer { xHat in
                inputGradient.storage.withUnsafeMutableBufferPointer { dx in
                    coefficients.withUnsafeBufferPointer { k in
                        parallelFor(samples, minimumChunk: 4096) { range in
                            for sample in range {
                                for c in 0..<channels {
                                    let index = sample * channels + c
                                    dx[index] = k[c] * (dy[index] - k[channels + c] - xHat[index] * k[2 * channels + c])
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
