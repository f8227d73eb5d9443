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

    static let composites = RelevanceComposite.named.map(\.composite)
        + [try! RelevanceComposite("conv=gamma:0.5,dense=zplus,sum=zplus,input=flat")]

    /// The folded propagation computes the same layer outputs as the network: the relevance
    /// started with is the read-out of the network's own activations.
    @Test(arguments: ["stem", "block2", "value", "policy"])
    func startingRelevanceIsTheReadoutOfTheNetworksActivations(layer: String) throws {
        let network = Self.network(biasFree: false)
        let planes = BoardEncoder.encode(try Self.fens.map { try Position(fen: $0) })
        let activations = network.activations(planes, layers: [layer])[layer]!
        let readout = Self.readout(activations.rowSize)
        let expected = activations.storage.enumerated().reduce(0.0) { $0 + Double($1.element * readout[$1.offset % readout.count]) }
        for composite in Self.composites {
            let result = LayerwiseRelevance(layers: network.layers(through: layer), composite: composite).explain(planes, readout: readout)
            #expect(abs(result.total - expected) <= 1e-4 * max(1, abs(expected)), "\(layer) \(composite): \(result.total) vs \(expected)")
        }
    }

    /// Folding batch norm is undone: every weight is bit-identical afterwards.
    @Test func foldingBatchNormLeavesTheNetworkAsItWas() throws {
        let network = Self.network(biasFree: false)
        let before = network.state
        let planes = BoardEncoder.encode([try Position(fen: Self.fens[0])])
        let value = network.forward(planes, mode: .inference).value
        _ = LayerwiseRelevance(layers: network.layers(through: "value"), composite: .standard).explain(planes, readout: network.valueReadout)
        for (name, tensor) in network.state { #expect(tensor.storage == before[name]!.storage, "\(name) changed") }
        #expect(network.forward(planes, mode: .inference).value.storage == value.storage)
    }

    /// While folded, the network computes what it did.
    @Test func foldedNetworkComputesTheSameOutputs() throws {
        let network = Self.network(biasFree: false)
        let planes = BoardEncoder.encode(try Self.fens.map { try Position(fen: $0) })
        let expected = network.forward(planes, mode: .inference).value
        let blocks = network.trunk.layers.compactMap { $0 as? ResidualBlock }
        let folding = BatchNormFolding([(network.trunk.layers[0] as! Conv2D, network.trunk.layers[1] as! BatchNorm)]
                                       + blocks.flatMap { [($0.conv1, $0.norm1), ($0.conv2, $0.norm2)] })
        let folded = network.forward(planes, mode: .inference).value
        folding.undo()
        for (a, b) in zip(folded.storage, expected.storage) { #expect(abs(a - b) <= 1e-4 * max(1, abs(b))) }
        #expect(network.layers(through: "stem").contains { $0 is BatchNorm })
    }

    /// Conservation: with no biases, the input relevance sums to the read-out under every
    /// composite, layer after layer through convolutions, batch norm, residual sums and the value head.
    @Test(arguments: ["block2", "value"])
    func relevanceIsConservedWithoutBiases(layer: String) throws {
        let network = Self.network(biasFree: true)
        let planes = BoardEncoder.encode([try Position(fen: Self.fens[1])])
        let readout = layer == "value" ? network.valueReadout : Self.readout(network.activations(planes, layers: [layer])[layer]!.rowSize)
        for composite in Self.composites {
            let result = LayerwiseRelevance(layers: network.layers(through: layer), composite: composite).explain(planes, readout: readout)
            #expect(abs(result.total) > 1e-3)
            // The stabilisers (10⁻⁶) take a little where sums are small.
            #expect(abs(result.inputSum - result.total) <= 5e-4 * abs(result.total), "\(layer) \(composite): \(result.inputSum) vs \(result.total)")
        }
    }

    /// A residual sum passes its relevance on once: without biases, a block's input holds
    /// exactly what its output held, under both sum rules — no doubling through the skip.
    @Test(arguments: ["epsilon", "zplus", "conv=zplus,sum=zplus"])
    func residualSumsConserveRelevance(rules: String) throws {
        let network = Self.network(biasFree: true)
        let planes = BoardEncoder.encode([try Position(fen: Self.fens[0])])
        let readout = Self.readout(network.activations(planes, layers: ["block2"])["block2"]!.rowSize)
        let result = LayerwiseRelevance(layers: network.layers(through: "block2"), composite: try RelevanceComposite(rules)).explain(planes, readout: readout)
        let (output, input) = (result.layers["block2"]!.sum, result.layers["block1"]!.sum)
        #expect(abs(output) > 1e-3)
        #expect(abs(input - output) <= 1e-5 * abs(output), "\(rules): block1 \(input) vs block2 \(output)")
    }

    /// LRP-ε with ε → 0 equals gradient × input on a ReLU network, biases or none.
    @Test(arguments: [true, false])
    func epsilonRuleEqualsGradientTimesInput(biasFree: Bool) throws {
        let network = Self.network(biasFree: biasFree)
        let planes = BoardEncoder.encode([try Position(fen: Self.fens[0])])
        let activations = network.trunk.forward(planes, mode: .inference, through: "block1")
        let readout = Self.readout(activations.rowSize)
        let gradient = network.trunk.backward(from: "block1", Tensor(shape: activations.shape, (0..<activations.count).map { readout[$0 % readout.count] }))
        let result = LayerwiseRelevance(layers: network.layers(through: "block1"), composite: .uniform(.epsilon(1e-9))).explain(planes, readout: readout)
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
        let lrp = LayerwiseRelevance(layers: network.layers(through: "block2"), composite: .uniform(.zPlus))
        let readout = Self.readout(network.activations(planes, layers: ["block2"])["block2"]!.rowSize)
        let whole = lrp.explain(planes, readout: readout)
        let parts = (0..<8).map { lrp.explain(planes, readout: readout, conditions: [.init(layer: "block1", channels: [$0])]) }
        var summed = Tensor(shape: planes.shape)
        for part in parts { summed.add(part.input) }
        let scale = whole.input.storage.map { abs($0) }.max()!
        for index in 0..<planes.count { #expect(abs(summed.storage[index] - whole.input.storage[index]) <= 1e-4 * scale) }
        let channelTotals = whole.layers["block1"]!.storage.enumerated().reduce(into: [Double](repeating: 0, count: 8)) { $0[$1.offset % 8] += Double($1.element) }
        for (channel, part) in parts.enumerated() { #expect(abs(part.total - channelTotals[channel]) <= 1e-6 + 1e-5 * abs(whole.total)) }
    }

    /// Chained conditions: the flows from one upper channel into every lower channel add up
    /// to the upper channel's relevance at the lower layer.
    @Test func chainedConditionsSplitAnUpperChannelsRelevance() throws {
        let network = Self.network(biasFree: true)
        let planes = BoardEncoder.encode([try Position(fen: Self.fens[1])])
        let lrp = LayerwiseRelevance(layers: network.layers(through: "block2"), composite: .uniform(.epsilon(1e-9)))
        let trace = lrp.trace(planes)
        let start = trace.relevance(readout: Self.readout(trace.output.rowSize))
        let upper = trace.propagate(start, to: "block1", conditions: [.init(layer: "block2", channels: [3])]).relevance
        var flows = 0.0
        for lower in 0..<8 {
            flows += trace.propagate(start, conditions: [.init(layer: "block2", channels: [3]), .init(layer: "block1", channels: [lower])]).relevance.sum
        }
        let throughUpper = trace.propagate(start, conditions: [.init(layer: "block2", channels: [3])]).relevance.sum
        #expect(abs(upper.sum) > 1e-4)
        #expect(abs(flows - throughUpper) <= 1e-5 * abs(upper.sum))
    }

    /// A direction's condition keeps (v·a)(v·g)/(v·v) of the relevance, g = R ⊘ a; a
    /// one-hot direction on every square of a channel keeps that channel's relevance.
    @Test func directionConditionKeepsTheDirectionsRelevance() throws {
        let network = Self.network(biasFree: true)
        let planes = BoardEncoder.encode([try Position(fen: Self.fens[0])])
        let lrp = LayerwiseRelevance(layers: network.layers(through: "block2"), composite: .standard)
        let trace = lrp.trace(planes)
        let start = trace.relevance(readout: Self.readout(trace.output.rowSize))
        let atBlock1 = trace.propagate(start, to: "block1").relevance
        let activations = trace.activations(at: "block1")
        let direction = (0..<activations.rowSize).map { Float(cos(Double($0) * 0.37)) }
        var va = 0.0, vg = 0.0, vv = 0.0
        for i in 0..<activations.rowSize {
            va += Double(direction[i] * activations.storage[i])
            if activations.storage[i] != 0 { vg += Double(direction[i]) * Double(atBlock1.storage[i] / activations.storage[i]) }
            vv += Double(direction[i] * direction[i])
        }
        let kept = lrp.explain(planes, readout: Self.readout(trace.output.rowSize), conditions: [.init(layer: "block1", selection: .direction(direction))])
        #expect(abs(kept.total - va * vg / vv) <= 1e-4 * max(1e-3, abs(kept.total)))
        #expect(abs(kept.inputSum - kept.total) <= 1e-3 * abs(kept.total) + 1e-6)
    }
}
