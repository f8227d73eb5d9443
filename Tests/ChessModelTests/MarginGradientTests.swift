import Chess
import Foundation
import Neural
import Testing
@testable import ChessModel

struct MarginGradientTests {
    /// log(p/(1 − p)) of `target` under a softmax over the logits `mask` allows, and p.
    static func margin(_ logits: [Float], target: Int, mask: [Float]?) -> (margin: Double, p: Double) {
        let allowed = logits.indices.filter { mask == nil || mask![$0] > 0 }
        let top = allowed.map { Double(logits[$0]) }.max()!
        let total = allowed.reduce(0) { $0 + exp(Double(logits[$1]) - top) }
        let p = exp(Double(logits[target]) - top) / total
        return (log(p / (1 - p)), p)
    }

    static func margins(_ network: PolicyValueNetwork, _ example: TrainingExample) -> [(margin: Double, p: Double)] {
        let batch = TrainingBatch([example])
        let (policy, value) = network.forward(batch.planes, mode: .inference)
        return [margin(policy.storage, target: batch.moves[0], mask: batch.masks.storage), margin(value.storage, target: batch.outcomes[0], mask: nil)]
    }

    /// The move and result margins' parameter gradients agree with central differences, and
    /// their weights are 1 − p.
    @Test func marginGradientsMatchFiniteDifferences() throws {
        let network = PolicyValueNetwork(.init(blocks: 2, channels: 8), seed: 7)
        let position = try Position(fen: "r1bqkb1r/pppp1ppp/2n2n2/4p3/2B1P3/5N2/PPPP1PPP/RNBQK2R w KQkq - 4 4")
        let example = TrainingExample(position: position, move: try position.move(uci: "f3g5"), outcome: 2)
        let parameters = network.parameters
        let results = network.marginGradients(example, parameters: parameters)
        let reference = Self.margins(network, example)
        for head in 0..<2 { #expect(abs(Double(results[head].weight) - (1 - reference[head].p)) < 1e-5) }
        var offset = 0
        var checked = 0
        for parameter in parameters {
            defer { offset += parameter.value.count }
            guard ["stem.conv.weight", "block1.conv2.weight", "block2.bn1.weight", "policy.logits.bias", "value.fc.weight"].contains(parameter.name) else { continue }
            for index in stride(from: 3, to: parameter.value.count, by: max(1, parameter.value.count / 4)) {
                let original = parameter.value.storage[index]
                let h: Float = 1e-3
                parameter.value.storage[index] = original + h
                let plus = Self.margins(network, example)
                parameter.value.storage[index] = original - h
                let minus = Self.margins(network, example)
                parameter.value.storage[index] = original
                for head in 0..<2 {
                    let numeric = (plus[head].margin - minus[head].margin) / (2 * Double(h))
                    let analytic = Double(results[head].gradient[offset + index])
                    #expect(abs(analytic - numeric) <= 2e-2 * max(abs(numeric), 1e-2), "\(parameter.name)[\(index)] head \(head): \(analytic) vs \(numeric)")
                }
                checked += 1
            }
        }
        #expect(checked >= 15)
    }
}
