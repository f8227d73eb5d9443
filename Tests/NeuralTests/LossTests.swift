import Foundation
import Neural
import Testing

struct LossTests {
    @Test func softmaxCrossEntropyWithAndWithoutMask() {
        let logits = GradientCheck.randomTensor([3, 5], seed: 1, scale: 2)
        GradientCheck.checkLoss(logits) { Loss.softmaxCrossEntropy(logits: $0, targets: [0, 3, 4]) }
        let mask = Tensor(shape: [3, 5], [1, 1, 0, 0, 1, 0, 1, 0, 1, 1, 1, 0, 0, 0, 1])
        GradientCheck.checkLoss(logits) { Loss.softmaxCrossEntropy(logits: $0, targets: [0, 3, 4], mask: mask) }
        let masked = Loss.softmaxCrossEntropy(logits: logits, targets: [0, 3, 4], mask: mask)
        #expect(masked.gradient.storage[2] == 0 && masked.gradient.storage[3] == 0)
        // Uniform logits over k allowed classes cost log k.
        let uniform = Loss.softmaxCrossEntropy(logits: Tensor(shape: [1, 4]), targets: [1], mask: Tensor(shape: [1, 4], [1, 1, 0, 0]))
        #expect(abs(uniform.loss - log(2)) < 1e-6)
    }

    @Test func meanSquaredError() {
        let targets = GradientCheck.randomTensor([4, 2], seed: 2)
        GradientCheck.checkLoss(GradientCheck.randomTensor([4, 2], seed: 3)) { Loss.meanSquaredError(predictions: $0, targets: targets) }
        #expect(Loss.meanSquaredError(predictions: Tensor(shape: [2], [1, 3]), targets: Tensor(shape: [2], [0, 0])).loss == 5)
    }

    @Test func binaryCrossEntropyWithLogits() {
        let targets = Tensor(shape: [2, 3], [1, 0, 1, 0, 0, 1])
        GradientCheck.checkLoss(GradientCheck.randomTensor([2, 3], seed: 4, scale: 3)) {
            Loss.binaryCrossEntropyWithLogits(logits: $0, targets: targets)
        }
        // Stable for large logits: a confident right answer costs almost nothing.
        let confident = Loss.binaryCrossEntropyWithLogits(logits: Tensor(shape: [1], [100]), targets: Tensor(shape: [1], [1]))
        #expect(confident.loss.isFinite && confident.loss < 1e-6)
    }

    @Test func penaltiesAddTheirGradients() {
        let parameter = Parameter("w", Tensor(shape: [2], [0.5, -2]))
        let penalty = Loss.addPenalty(to: [parameter], l1: 0.1, l2: 0.01)
        #expect(abs(penalty - (0.1 * 2.5 + 0.01 * 4.25)) < 1e-6)
        #expect(abs(parameter.gradient.storage[0] - (0.1 + 0.01)) < 1e-6)
        #expect(abs(parameter.gradient.storage[1] - (-0.1 - 0.04)) < 1e-6)
    }
}
