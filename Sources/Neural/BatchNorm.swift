import NeuralKernels

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
    // The last forward pass's input and statistics: the backward pass recomputes x̂ from
    // them rather than storing a normalised copy of every activation.
    private var input = Tensor(shape: [0])
    private var mean = [Float]()
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
        self.input = input
        mean = runningMean.value.storage
        var variance = runningVariance.value.storage
        usedRunningStatistics = mode != .training
        if mode == .training {
            (mean, variance) = Self.channelStatistics(input, channels: channels)
            for c in 0..<channels {
                // The running variance uses the unbiased estimate, as PyTorch does.
                let unbiased = samples > 1 ? variance[c] * Float(samples) / Float(samples - 1) : variance[c]
                runningMean.value.storage[c] = (1 - momentum) * runningMean.value.storage[c] + momentum * mean[c]
                runningVariance.value.storage[c] = (1 - momentum) * runningVariance.value.storage[c] + momentum * unbiased
            }
        }
        inverseDeviation = variance.map { 1 / ($0 + epsilon).squareRoot() }
        // y = γ·(x − μ)/σ + β = x·a + b per channel.
        let a = (0..<channels).map { scale.value.storage[$0] * inverseDeviation[$0] }
        let b = (0..<channels).map { shift.value.storage[$0] - mean[$0] * a[$0] }
        var output = Tensor.uninitialized(shape: input.shape)
        input.storage.withUnsafeBufferPointer { x in
            output.storage.withUnsafeMutableBufferPointer { y in
                nonisolated(unsafe) let (x, y) = (x.baseAddress!, y.baseAddress!)
                parallelFor(samples, minimumChunk: 4096) { range in
                    ck_channel_affine(x + range.lowerBound * channels, range.count, channels, a, b, y + range.lowerBound * channels)
                }
            }
        }
        return output
    }

    /// Mean and (biased) variance of every channel over all samples (two passes, for
    /// accuracy when the mean is large against the spread).
    private static func channelStatistics(_ input: Tensor, channels: Int) -> (mean: [Float], variance: [Float]) {
        let samples = input.count / channels
        let mean = input.channelSums(channels: channels).map { $0 / Float(samples) }
        let variance = input.storage.withUnsafeBufferPointer { x in
            let x = x.baseAddress!
            return parallelSums(samples, width: channels, minimumChunk: 2048) { range, sums in
                ck_channel_squared_deviations(x + range.lowerBound * channels, range.count, channels, mean, sums)
            }
        }
        return (mean, variance.map { $0 / Float(samples) })
    }

    /// The gradient of the last forward pass: in training mode dx = γ/σ · (dy − mean(dy) − x̂·mean(dy·x̂));
    /// in inference mode, where the statistics are constants, dx = γ/σ · dy (what input
    /// attributions and concept searches through a trained network need).
    public func backward(_ outputGradient: Tensor) -> Tensor {
        let channels = channels
        let samples = outputGradient.count / channels
        let (mean, inverseDeviation) = (mean, inverseDeviation)
        // Σdy, then Σdy·x̂
        let sums = outputGradient.storage.withUnsafeBufferPointer { dy in
            input.storage.withUnsafeBufferPointer { x in
                nonisolated(unsafe) let (dy, x) = (dy.baseAddress!, x.baseAddress!)
                return parallelSums(samples, width: 2 * channels, minimumChunk: 2048) { range, sums in
                    let offset = range.lowerBound * channels
                    ck_channel_gradient_sums(dy + offset, x + offset, range.count, channels, mean, inverseDeviation, sums)
                }
            }
        }
        for c in 0..<channels {
            shift.gradient.storage[c] += sums[c]
            scale.gradient.storage[c] += sums[channels + c]
        }
        let count = Float(samples)
        let gain = (0..<channels).map { scale.value.storage[$0] * inverseDeviation[$0] }
        let dyMean = usedRunningStatistics ? [Float](repeating: 0, count: channels) : sums[..<channels].map { $0 / count }
        let dyXHatMean = usedRunningStatistics ? [Float](repeating: 0, count: channels) : sums[channels...].map { $0 / count }
        var inputGradient = Tensor.uninitialized(shape: outputGradient.shape)
        outputGradient.storage.withUnsafeBufferPointer { dy in
            input.storage.withUnsafeBufferPointer { x in
                inputGradient.storage.withUnsafeMutableBufferPointer { dx in
                    nonisolated(unsafe) let (dy, x, dx) = (dy.baseAddress!, x.baseAddress!, dx.baseAddress!)
                    parallelFor(samples, minimumChunk: 4096) { range in
                        let offset = range.lowerBound * channels
                        ck_batchnorm_input_gradient(dy + offset, x + offset, range.count, channels, mean, inverseDeviation,
                                                    gain, dyMean, dyXHatMean, dx + offset)
                    }
                }
            }
        }
        return inputGradient
    }
}
