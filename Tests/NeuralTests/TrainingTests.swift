import DataFiles
import Foundation
import Neural
import Testing

struct TrainingTests {
    /// Each scheme fills its whole range, U(±b), and no more: He b = √(6 / in) for weights
    /// and 1 / √in for biases; Glorot b = √(6 / (in + out)) for both, as scikit-learn's MLP.
    @Test(arguments: [(Dense.Initialization.heUniform, (6.0 / 48).squareRoot(), 1 / 48.0.squareRoot()),
                      (.glorotUniform, (6.0 / 112).squareRoot(), (6.0 / 112).squareRoot())])
    func denseInitialisationsDrawFromTheirRanges(_ initialization: Dense.Initialization, weightBound: Double, biasBound: Double) {
        var random = SplitMix64(seed: 3)
        let layer = Dense("fc", inputs: 48, outputs: 64, initialization: initialization, random: &random)
        for (values, bound) in [(layer.weight.value.storage, weightBound), (layer.bias.value.storage, biasBound)] {
            let largest = Double(values.map(abs).max()!)
            #expect(largest <= bound && largest > 0.9 * bound, "largest \(largest), bound \(bound)")
        }
    }

    @Test func tinyNetworkLearnsXOR() {
        var random = SplitMix64(seed: 42)
        let network = Sequential("xor", [
            Dense("fc1", inputs: 2, outputs: 8, random: &random), Activation("tanh", .tanh),
            Dense("fc2", inputs: 8, outputs: 1, random: &random),
        ])
        let inputs = Tensor(shape: [4, 2], [0, 0, 0, 1, 1, 0, 1, 1])
        let targets = Tensor(shape: [4, 1], [0, 1, 1, 0])
        let optimizer = Adam(learningRate: 0.05)
        var losses = [Float]()
        for _ in 0..<400 {
            network.zeroGradients()
            let (loss, gradient) = Loss.binaryCrossEntropyWithLogits(logits: network.forward(inputs, mode: .training), targets: targets)
            _ = network.backward(gradient)
            optimizer.step(network.parameters)
            losses.append(loss)
        }
        let predictions = network.forward(inputs, mode: .inference).storage.map { $0 > 0 ? Float(1) : 0 }
        #expect(predictions == targets.storage)
        #expect(losses.last! < 0.05 && losses.last! < losses.first! / 10)
    }

    @Test func linearRegressionRecoversItsCoefficients() {
        var random = SplitMix64(seed: 7)
        let count = 256
        var x = [Float](), y = [Float]()
        for _ in 0..<count {
            let a = Float(random.nextUnit() * 2 - 1), b = Float(random.nextUnit() * 2 - 1)
            x += [a, b]
            y.append(3 * a - 2 * b + 1)
        }
        let layer = Dense("fit", inputs: 2, outputs: 1, random: &random)
        let optimizer = SGD(learningRate: 0.1, momentum: 0.9)
        for _ in 0..<300 {
            layer.zeroGradients()
            let (_, gradient) = Loss.meanSquaredError(predictions: layer.forward(Tensor(shape: [count, 2], x), mode: .training),
                                                      targets: Tensor(shape: [count, 1], y))
            _ = layer.backward(gradient)
            optimizer.step(layer.parameters)
        }
        #expect(abs(layer.weight.value.storage[0] - 3) < 1e-3)
        #expect(abs(layer.weight.value.storage[1] + 2) < 1e-3)
        #expect(abs(layer.bias.value.storage[0] - 1) < 1e-3)
    }

    @Test func adamResumedFromItsStateContinuesIdentically() {
        func makeLayer() -> Dense {
            var random = SplitMix64(seed: 3)
            return Dense("fc", inputs: 3, outputs: 2, random: &random)
        }
        let inputs = GradientCheck.randomTensor([5, 3], seed: 1), targets = GradientCheck.randomTensor([5, 2], seed: 2)
        func train(_ layer: Dense, _ optimizer: Adam, steps: Int) {
            for _ in 0..<steps {
                layer.zeroGradients()
                let (_, gradient) = Loss.meanSquaredError(predictions: layer.forward(inputs, mode: .training), targets: targets)
                _ = layer.backward(gradient)
                optimizer.step(layer.parameters)
            }
        }
        let straight = makeLayer(), straightOptimizer = Adam(learningRate: 0.01)
        train(straight, straightOptimizer, steps: 20)
        let first = makeLayer(), firstOptimizer = Adam(learningRate: 0.01)
        train(first, firstOptimizer, steps: 10)
        let resumed = makeLayer(), resumedOptimizer = Adam(learningRate: 0.01)
        try? resumed.load(first.state)
        resumedOptimizer.restore(firstOptimizer.state(for: first.parameters), for: resumed.parameters, steps: firstOptimizer.steps)
        train(resumed, resumedOptimizer, steps: 10)
        #expect(resumed.state == straight.state)
    }

    @Test func schedulesAndClipping() {
        let cosine = LearningRateSchedule.cosine(total: 100, warmup: 10, floor: 0.1)
        #expect(cosine.rate(at: 0, base: 1) == 0.1)
        #expect(cosine.rate(at: 9, base: 1) == 1)
        #expect(abs(cosine.rate(at: 100, base: 1) - 0.1) < 1e-6)
        #expect(LearningRateSchedule.step(interval: 10, factor: 0.5).rate(at: 25, base: 1) == 0.25)
        let parameter = Parameter("p", Tensor(shape: [2]))
        parameter.gradient = Tensor(shape: [2], [3, 4])
        #expect(clipGradients([parameter], maximumNorm: 1) == 5)
        #expect(abs(parameter.gradient.storage[0] - 0.6) < 1e-6 && abs(parameter.gradient.storage[1] - 0.8) < 1e-6)
    }
}
