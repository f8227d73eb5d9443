import DataFiles

/// Inverted dropout: in training, zeroes each element with probability `rate` and
/// scales the rest by 1/(1−rate); the identity in inference. Its mask comes from
/// its own seeded generator.
public final class Dropout: Layer {
    public let name: String
    public let rate: Float
    private var random: SplitMix64
    private var mask = [Float]()

    public init(_ name: String, rate: Float, seed: UInt64) {
        precondition((0..<1).contains(rate), "dropout rate must be in [0, 1)")
        self.name = name
        self.rate = rate
        random = SplitMix64(seed: seed)
    }

    public func forward(_ input: Tensor, mode: Mode) -> Tensor {
        guard mode == .training && rate > 0 else {
            mask = []
            return input
        }
        let keep = 1 / (1 - rate)
        mask = (0..<input.count).map { _ in random.nextUnit() < Double(rate) ? 0 : keep }
        var output = input
        for i in 0..<output.count { output.storage[i] *= mask[i] }
        return output
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        guard !mask.isEmpty else { return outputGradient }
        var result = outputGradient
        for i in 0..<result.count { result.storage[i] *= mask[i] }
        return result
    }
}
