import DataFiles
import Neural
import Testing

struct LayerGradientTests {
    @Test func dense() {
        var random = SplitMix64(seed: 1)
        GradientCheck.check(Dense("fc", inputs: 5, outputs: 3, random: &random), input: GradientCheck.randomTensor([4, 5], seed: 2))
    }

    @Test(arguments: [(3, 1), (1, 1), (3, 2)])
    func convolution(kernel: Int, stride: Int) {
        var random = SplitMix64(seed: 3)
        let conv = Conv2D("conv", inChannels: 3, outChannels: 4, kernel: kernel, stride: stride, padding: kernel / 2, random: &random)
        GradientCheck.check(conv, input: GradientCheck.randomTensor([2, 5, 5, 3], seed: 4))
    }

    @Test func batchNormInTrainingMode() {
        let norm = BatchNorm("bn", channels: 3)
        norm.scale.value = GradientCheck.randomTensor([3], seed: 5)
        GradientCheck.check(norm, input: GradientCheck.randomTensor([6, 2, 2, 3], seed: 6), tolerance: 3e-2)
    }

    @Test func batchNormInInferenceMode() {
        let norm = BatchNorm("bn", channels: 3)
        norm.scale.value = GradientCheck.randomTensor([3], seed: 5)
        norm.runningMean.value = GradientCheck.randomTensor([3], seed: 15)
        norm.runningVariance.value = Tensor(shape: [3], [0.5, 2, 1.5])
        GradientCheck.check(norm, input: GradientCheck.randomTensor([6, 2, 2, 3], seed: 6), mode: .inference)
    }

    @Test(arguments: [Activation.Function.relu, .leakyRelu, .tanh, .sigmoid])
    func activation(_ function: Activation.Function) {
        GradientCheck.check(Activation("act", function), input: GradientCheck.randomTensor([3, 7], seed: 7))
    }

    @Test func residualBlock() {
        var random = SplitMix64(seed: 8)
        GradientCheck.check(ResidualBlock("block", channels: 4, random: &random), input: GradientCheck.randomTensor([3, 4, 4, 4], seed: 9),
                            tolerance: 5e-2)
    }

    @Test func upsampleReshapeAndSequential() {
        var random = SplitMix64(seed: 10)
        let network = Sequential("net", [
            Conv2D("conv", inChannels: 2, outChannels: 3, kernel: 3, random: &random),
            Upsample("up", factor: 2),
            Reshape("flat", to: [48]),
            Dense("fc", inputs: 48, outputs: 2, random: &random),
        ])
        GradientCheck.check(network, input: GradientCheck.randomTensor([2, 2, 2, 2], seed: 11))
    }

    @Test func backwardFromAnIntermediateLayer() {
        var random = SplitMix64(seed: 12)
        let network = Sequential("net", [
            Dense("fc1", inputs: 4, outputs: 6, random: &random), Activation("relu", .tanh),
            Dense("fc2", inputs: 6, outputs: 2, random: &random),
        ])
        let prefix = Sequential("prefix", [network.layers[0], network.layers[1]])
        let input = GradientCheck.randomTensor([3, 4], seed: 13)
        let upstream = GradientCheck.randomTensor([3, 6], seed: 14)
        let captured = network.forward(input, mode: .inference, capture: ["relu"])
        #expect(captured.activations["relu"] == prefix.forward(input, mode: .inference))
        _ = network.forward(input, mode: .inference, through: "relu")
        let fromMiddle = network.backward(from: "relu", upstream)
        _ = prefix.forward(input, mode: .inference)
        #expect(fromMiddle == prefix.backward(upstream))
    }

    @Test func dropoutMasksAndRescalesInTrainingOnly() {
        let dropout = Dropout("drop", rate: 0.5, seed: 1)
        let input = Tensor(shape: [1, 1000], repeating: 1)
        let output = dropout.forward(input, mode: .training)
        let kept = output.storage.filter { $0 != 0 }
        #expect(kept.allSatisfy { $0 == 2 })
        #expect((400...600).contains(kept.count))
        let gradient = dropout.backward(Tensor(shape: [1, 1000], repeating: 1))
        #expect(gradient == output)
        #expect(dropout.forward(input, mode: .inference) == input)
    }

    @Test func batchNormInferenceUsesRunningStatistics() {
        let norm = BatchNorm("bn", channels: 1, momentum: 1)
        _ = norm.forward(Tensor(shape: [4, 1], [1, 2, 3, 4]), mode: .training)
        #expect(norm.runningMean.value.storage == [2.5])
        // Unbiased variance of 1…4 is 5/3.
        #expect(abs(norm.runningVariance.value.storage[0] - 5.0 / 3.0) < 1e-5)
        let output = norm.forward(Tensor(shape: [1, 1], [2.5]), mode: .inference)
        #expect(abs(output.storage[0]) < 1e-6)
    }
}
