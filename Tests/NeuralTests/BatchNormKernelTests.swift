import DataFiles
@testable import Neural
import Testing

/// Batch normalisation's channel kernels against the formulas in double precision, for
/// channel counts below, at and across the kernels' 16-lane vectors and 64-channel blocks.
struct BatchNormKernelTests {
    @Test(arguments: [2, 5, 64, 80, 130])
    func matchesTheFormulas(channels: Int) {
        let samples = 300
        let norm = BatchNorm("bn", channels: channels)
        norm.scale.value = GradientCheck.randomTensor([channels], seed: 31)
        norm.shift.value = GradientCheck.randomTensor([channels], seed: 32)
        // An offset per channel, so that the variance is not the mean square.
        var input = GradientCheck.randomTensor([samples, channels], seed: 33)
        for index in 0..<input.count { input.storage[index] += Float(index % channels) * 0.5 }
        let upstream = GradientCheck.randomTensor([samples, channels], seed: 34)
        let output = norm.forward(input, mode: .training)
        norm.zeroGradients()
        let inputGradient = norm.backward(upstream)

        var worst = 0.0
        for c in 0..<channels {
            let x = (0..<samples).map { Double(input.storage[$0 * channels + c]) }
            let dy = (0..<samples).map { Double(upstream.storage[$0 * channels + c]) }
            let mean = x.reduce(0, +) / Double(samples)
            let variance = x.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(samples)
            let inverse = 1 / (variance + Double(norm.epsilon)).squareRoot()
            let (gamma, beta) = (Double(norm.scale.value.storage[c]), Double(norm.shift.value.storage[c]))
            let xHat = x.map { ($0 - mean) * inverse }
            let dyMean = dy.reduce(0, +) / Double(samples)
            let dyXHatMean = zip(dy, xHat).map { $0 * $1 }.reduce(0, +) / Double(samples)
            for s in 0..<samples {
                worst = max(worst, abs(Double(output.storage[s * channels + c]) - (gamma * xHat[s] + beta)))
                let dx = gamma * inverse * (dy[s] - dyMean - xHat[s] * dyXHatMean)
                worst = max(worst, abs(Double(inputGradient.storage[s * channels + c]) - dx) / max(1, abs(dx)))
            }
            worst = max(worst, abs(Double(norm.shift.gradient.storage[c]) - dy.reduce(0, +)) / Double(samples))
            worst = max(worst, abs(Double(norm.scale.gradient.storage[c]) - zip(dy, xHat).map { $0 * $1 }.reduce(0, +)) / Double(samples))
        }
        #expect(worst < 1e-4)
    }
}
