import Testing
import DataFiles
import Neural
@testable import Interpretability

struct RelevanceCompositeTests {
    @Test func namedCompositesReadBackFromTheirNames() throws {
        for (name, composite) in RelevanceComposite.named {
            #expect(try RelevanceComposite(name) == composite)
            #expect(composite.description == name)
        }
    }

    @Test func pairsSetEachKindAndKeepTheRestEpsilon() throws {
        let composite = try RelevanceComposite("conv=zplus, dense=epsilon:0.01,input=flat")
        #expect(composite.convolution == .zPlus)
        #expect(composite.dense == .epsilon(0.01))
        #expect(composite.sum == .zPlus)
        #expect(try RelevanceComposite("conv=zplus,sum=epsilon").sum == .epsilon(RelevanceRule.stabiliser))
        #expect(try RelevanceComposite("dense=zplus").sum == .epsilon(RelevanceRule.stabiliser))
        #expect(composite.input == .flat)
        #expect(try RelevanceComposite(composite.description) == composite)
        var random = SplitMix64(seed: 1)
        let conv = Conv2D("c", inChannels: 2, outChannels: 2, kernel: 3, random: &random)
        let dense = Dense("d", inputs: 2, outputs: 2, random: &random)
        #expect(composite.rule(for: conv, first: true) == .flat)
        #expect(composite.rule(for: conv, first: false) == .zPlus)
        #expect(composite.rule(for: dense, first: false) == .epsilon(0.01))
        #expect(try RelevanceComposite("conv=gamma").convolution == .gamma(RelevanceRule.defaultGamma))
    }

    @Test func badCompositesAreRefusedNamingWhatIsWrong() {
        #expect(throws: RelevanceCompositeError.unknownName("lrp", known: RelevanceComposite.named.map(\.name))) { try RelevanceComposite("lrp") }
        #expect(throws: RelevanceCompositeError.unknownLayerKind("pool=zplus")) { try RelevanceComposite("pool=zplus") }
        #expect(throws: RelevanceCompositeError.unknownRule("alpha", kind: "conv")) { try RelevanceComposite("conv=alpha") }
        #expect(throws: RelevanceCompositeError.unknownRule("epsilon:-1", kind: "dense")) { try RelevanceComposite("dense=epsilon:-1") }
        #expect(throws: RelevanceCompositeError.ruleNotForSums("flat")) { try RelevanceComposite("sum=flat") }
    }
}
