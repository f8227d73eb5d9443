import Chess
import DataFiles
import Foundation
import Neural
import Testing
@testable import ChessModel
import Interpretability

struct RelevanceTests {
    static let fens = [
        "r1bqkbnr/pppp1ppp/2n5/4p3/4P3/5N2/PPPP1PPP/RNBQKB1R w KQkq - 2 3",
        "r3k2r/pp3ppp/2n1b3/3qp3/8/2P2N2/P4PPP/R2QR1K1 b kq - 1 14",
    ]

    /// A network with batch-norm statistics far from their initial values, as after training;
    /// with `biasFree`, every shift and bias is zero so that nothing can absorb relevance.
    static func network(biasFree: Bool) -> PolicyValueNetwork {
        let network = PolicyValueNetwork(.init(blocks: 2, channels: 8), seed: 11)
        var random = SplitMix64(seed: 3)
        func uniform(_ low: Float, _ high: Float) -> Float { low + (high - low) * Float(random.next() % 10_000) / 10_000 }
        for parameter in network.trunk.buffers + network.valueHead.buffers + network.policyHead.buffers {
            let isVariance = parameter.name.hasSuffix("running_var")
            for i in 0..<parameter.value.count {
                parameter.value.storage[i] = isVariance ? uniform(0.3, 3) : biasFree ? 0 : uniform(-0.5, 0.5)
            }
        }
        for parameter in network.parameters where parameter.name.hasSuffix(".weight") && parameter.value.shape.count == 1 {
            for i in 0..<parameter.value.count { parameter.value.storage[i] = uniform(0.5, 1.5) }  // batch-norm scales
        }
        for parameter in network.parameters where parameter.name.hasSuffix(".bias") {
            for i in 0..<parameter.value.count { parameter.value.storage[i] = biasFree ? 0 : uniform(-0.3, 0.3) }
        }
        return network
    }

    static func readout(_ count: Int) -> [Float] { (0..<count).map { Float(sin(Double($0) * 0.91)) } }

    /// The folded propagation computes the same layer outputs as the network: the relevance
    /// started with is the read-out of the network's own activations.
    @Test(arguments: ["stem", "block2", "value", "policy"])
    func startingRelevanceIsTheReadoutOfTheNetworksActivations(layer: String) throws {
        let network = Self.network(biasFree: false)
        let planes = BoardEncoder.encode(try Self.fens.map { try Position(fen: $0) })
        let activations = network.activations(planes, layers: [layer])[layer]!
        let readout = Self.readout(activations.rowSize)
        let expected = activations.storage.enumerated().reduce(0.0) { $0 + Double($1.element * readout[$1.offset % readout.count]) }
        for rule in LayerwiseRelevance.Rule.allCases {
            let result = LayerwiseRelevance(layers: network.layers(through: layer), rule: rule).explain(planes, readout: readout)
            #expect(abs(result.total - expected) <= 1e-4 * max(1, abs(expected)), "\(layer) \(rule): \(result.total) vs \(expected)")
        }
    }

    /// Conservation: with no biases, the input relevance sums to the read-out, layer after
    /// layer through convolutions, batch norm, residual sums and the value head.
    @Test(arguments: ["block2", "value"])
    func relevanceIsConservedWithoutBiases(layer: String) throws {
        let network = Self.network(biasFree: true)
        let planes = BoardEncoder.encode([try Position(fen: Self.fens[1])])
        let readout = layer == "value" ? network.valueReadout : Self.readout(network.activations(planes, layers: [layer])[layer]!.rowSize)
        for rule in LayerwiseRelevance.Rule.allCases {
            let result = LayerwiseRelevance(layers: network.layers(through: layer), rule: rule, epsilon: 1e-9).explain(planes, readout: readout)
            #expect(abs(result.total) > 1e-3)
            #expect(abs(result.inputSum - result.total) <= 1e-3 * abs(result.total), "\(layer) \(rule): \(result.inputSum) vs \(result.total)")
        }
    }

    /// With no biases and ε → 0, LRP-ε equals gradient × input for a ReLU network.
    @Test func epsilonRuleEqualsGradientTimesInputWithoutBiases() throws {
        let network = Self.network(biasFree: true)
        let planes = BoardEncoder.encode([try Position(fen: Self.fens[0])])
        let activations = network.trunk.forward(planes, mode: .inference, through: "block1")
        let readout = Self.readout(activations.rowSize)
        let gradient = network.trunk.backward(from: "block1", Tensor(shape: activations.shape, (0..<activations.count).map { readout[$0 % readout.count] }))
        let result = LayerwiseRelevance(layers: network.layers(through: "block1"), rule: .epsilon, epsilon: 1e-9).explain(planes, readout: readout)
        let scale = result.input.storage.map { abs($0) }.max()!
        for index in 0..<planes.count {
            let expected = planes.storage[index] * gradient.storage[index]
            #expect(abs(result.input.storage[index] - expected) <= 1e-3 * scale, "element \(index)")
        }
    }

    /// Conditioning on every channel changes nothing; on a few, it keeps their share.
    @Test func conditionalRelevanceSplitsByChannel() throws {
        let network = Self.network(biasFree: true)
        let planes = BoardEncoder.encode([try Position(fen: Self.fens[0])])
        let lrp = LayerwiseRelevance(layers: network.layers(through: "block2"), rule: .zPlus)
        let readout = Self.readout(network.activations(planes, layers: ["block2"])["block2"]!.rowSize)
        let whole = lrp.explain(planes, readout: readout)
        let parts = (0..<8).map { lrp.explain(planes, readout: readout, condition: .init(layer: "block1", channels: [$0])) }
        var summed = Tensor(shape: planes.shape)
        for part in parts { summed.add(part.input) }
        let scale = whole.input.storage.map { abs($0) }.max()!
        for index in 0..<planes.count { #expect(abs(summed.storage[index] - whole.input.storage[index]) <= 1e-4 * scale) }
        let channelTotals = whole.layers["block1"]!.storage.enumerated().reduce(into: [Double](repeating: 0, count: 8)) { $0[$1.offset % 8] += Double($1.element) }
        for (channel, part) in parts.enumerated() { #expect(abs(part.total - channelTotals[channel]) <= 1e-6 + 1e-5 * abs(whole.total)) }
    }
}
