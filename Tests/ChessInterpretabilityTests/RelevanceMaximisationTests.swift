import Chess
import ChessModel
import DataFiles
import Foundation
import Interpretability
import Neural
import Testing
@testable import ChessInterpretability

/// RelMax and the explanatory graph on the shipped network and corpus, at a small scale.
struct RelevanceMaximisationTests {
    static func settings(positions: Int) -> RelMaxRun.Settings {
        var settings = RelMaxRun.Settings(data: [TrackerTests.root + "/positions/selfplay.pgn.gz"])
        settings.model = TrackerTests.root + "/models/default"
        settings.channels = .listed([3, 41])
        settings.positions = positions
        settings.top = 4
        settings.label = "in_check"
        return settings
    }

    static func scratch(_ name: String) -> String {
        let path = NSTemporaryDirectory() + "relmax-tests-\(name)-\(ProcessInfo.processInfo.processIdentifier)"
        try? FileManager.default.removeItem(atPath: path)
        return path
    }

    /// Each ranking is best first, one entry per position, and its scores are the channel's
    /// relevance and activation on that position, computed again one position at a time.
    @Test func rankingsHoldEachPositionsOwnScores() throws {
        let out = Self.scratch("scores")
        let outcome = try RelMaxRun(settings: Self.settings(positions: 400)).run(out: out)
        #expect(outcome.read == 400 && outcome.ranking.positionsRead == 400)
        #expect(outcome.ranking.targets.count == TrackerTests.channels)
        let network = try ModelDirectory(path: TrackerTests.root + "/models/default").load(step: TrackerTests.step)
        for target in outcome.shown {
            for ranking in [target.byRelevance, target.byActivation] {
                #expect(ranking.entries.count == 4)
                #expect(zip(ranking.entries, ranking.entries.dropFirst()).allSatisfy { $0.score >= $1.score })
                #expect(Set(ranking.entries.map(\.fen)).count == ranking.entries.count)
            }
            let best = target.byRelevance.entries[0]
            let map = network.relevance(of: try Position(fen: best.fen), explaining: .output, rankedAt: "block6", through: nil, composite: .standard)
            #expect(abs(map.units[target.channel!] - best.relevance) <= 1e-4 * max(1, abs(best.relevance)))
            let activation = network.activations(of: [try Position(fen: best.fen)], layers: ["block6"])["block6"]!
            let summed = (0..<64).reduce(0.0) { $0 + Double(activation.storage[$1 * TrackerTests.channels + target.channel!]) }
            #expect(abs(summed - best.activation) <= 1e-3 * max(1, abs(summed)))
        }
        let csv = try String(contentsOfFile: out + "/references.csv", encoding: .utf8).split(separator: "\n")
        #expect(csv.first == "target,ranking,rank,fen,source,game,ply,relevance,activation,in_check")
        #expect(csv.count == 1 + 2 * 2 * 4)
        for file in ["ranking.json", "run.json", "target-channel-3.png", "target-channel-41.svg"] {
            #expect(FileManager.default.fileExists(atPath: out + "/" + file), "\(file)")
        }
    }

    /// Reading on from a saved ranking ends where one run over all the positions ends: the
    /// same positions in the same order, with scores equal but for the rounding of batches
    /// of other sizes.
    static func same(_ a: RelMaxRun.Ranking, _ b: RelMaxRun.Ranking) -> Bool {
        guard a.positionsRead == b.positionsRead, a.labelTrue == b.labelTrue, a.targets.count == b.targets.count else { return false }
        func close(_ p: RankedPositions, _ q: RankedPositions) -> Bool {
            let scores: [(Double, Double)] = Array(zip(p.entries.map(\.score), q.entries.map(\.score)))
            return p.entries.map(\.fen) == q.entries.map(\.fen) && scores.allSatisfy { abs($0.0 - $0.1) <= 1e-5 * max(1, abs($0.1)) }
        }
        for (x, y) in zip(a.targets, b.targets) where !close(x.byRelevance, y.byRelevance) || !close(x.byActivation, y.byActivation) { return false }
        return true
    }

    @Test func aResumedRunExtendsTheRankingAndAFreshOneStartsAgain() throws {
        let (whole, parts) = (Self.scratch("whole"), Self.scratch("parts"))
        let once = try RelMaxRun(settings: Self.settings(positions: 500)).run(out: whole).ranking
        _ = try RelMaxRun(settings: Self.settings(positions: 200)).run(out: parts)
        let extended = try RelMaxRun(settings: Self.settings(positions: 500)).run(out: parts, resume: true)
        #expect(extended.read == 300)
        #expect(Self.same(extended.ranking, once))
        var other = Self.settings(positions: 600)
        other.top = 5
        #expect { try RelMaxRun(settings: other).run(out: parts, resume: true) } throws: { "\($0)".contains("resume \(parts): holds a ranking made with other settings (top)") }
        #expect { try RelMaxRun(settings: Self.settings(positions: 400)).run(out: parts, resume: true) } throws: { "\($0)".contains("has read 500 already") }
        // Without resume the same directory is ranked again from the first position.
        let again = try RelMaxRun(settings: Self.settings(positions: 200)).run(out: parts)
        #expect(again.read == 200 && again.ranking.positionsRead == 200)
    }

    @Test func badSettingsAreRefusedByName() throws {
        var settings = Self.settings(positions: 10)
        settings.channels = .listed([64])
        #expect { try RelMaxRun(settings: settings) } throws: { "\($0)".contains("channels 64") }
        settings.channels = .carryingConcept
        #expect { try RelMaxRun(settings: settings) } throws: { "\($0)".contains("channels none") }
        settings.channels = .all
        settings.layer = "input"
        #expect { try RelMaxRun(settings: settings) } throws: { "\($0)".contains("layer input") }
    }

    /// With no biases, each node's flows into the layer below add up to its relevance, and
    /// the relevance reaching a node is what its parents pass on.
    @Test func theGraphConservesRelevanceWithoutBiases() throws {
        let network = PolicyValueNetwork(.init(blocks: 2, channels: 8), seed: 5)
        var random = SplitMix64(seed: 9)
        for parameter in network.trunk.buffers + network.valueHead.buffers + network.trunk.parameters + network.valueHead.parameters {
            for i in 0..<parameter.value.count {
                if parameter.name.hasSuffix("running_var") { parameter.value.storage[i] = 0.5 + Float(random.next() % 1000) / 1000 }
                else if parameter.name.hasSuffix("running_mean") || parameter.name.hasSuffix(".bias") { parameter.value.storage[i] = 0 }
            }
        }
        let position = try Position(fen: "r3k2r/pp3ppp/2n1b3/3qp3/8/2P2N2/P4PPP/R2QR1K1 b kq - 1 14")
        for composite in [RelevanceComposite.uniform(.epsilon(1e-9)), try RelevanceComposite("epsilon-plus")] {
            let builder = ExplanatoryGraphBuilder(network: network, layers: ["block2", "block1", "stem"], composite: composite, top: 3, threshold: 0)
            let (graph, heatmaps) = builder.graph(of: position, explaining: .output, name: "value")
            #expect(graph.nodes.count == 9)
            for node in graph.nodes where node.outflow != nil {
                #expect(abs(node.relevance - node.outflow!) <= 1e-4 * abs(node.relevance), "\(composite) \(node.id.name)")
            }
            for layer in ["block1", "stem"] {
                for node in graph.nodes where node.id.layer == layer {
                    let inflow = graph.edges.filter { $0.to == node.id }.reduce(0) { $0 + $1.flow }
                    #expect(abs(inflow - node.relevance) <= 1e-4 * abs(node.relevance), "\(composite) \(node.id.name): \(inflow) in, \(node.relevance)")
                }
            }
            for node in graph.nodes {
                #expect(abs(heatmaps[node.id]!.reduce(0, +) - node.relevance) <= 1e-4 * abs(node.relevance), "\(composite) \(node.id.name) heatmap")
            }
        }
    }

    /// The run writes the graph in its three forms, and the DOT and SVG name every node.
    @Test func graphRunWritesJSONDotAndSVG() throws {
        var settings = ExplanatoryGraphRun.Settings()
        settings.model = TrackerTests.root + "/models/default"
        settings.data = [TrackerTests.root + "/positions/selfplay.pgn.gz"]
        settings.fen = "r1bqkbnr/pppp1ppp/2n5/4p3/4P3/5N2/PPPP1PPP/RNBQKB1R w KQkq - 2 3"
        settings.references = 100
        settings.layer = "block3"
        let out = Self.scratch("graph")
        let outcome = try ExplanatoryGraphRun(settings: settings).run(out: out)
        #expect(outcome.graph.layers == ["block3", "block2", "block1", "stem"])
        #expect(outcome.graph.nodes.filter { $0.id.layer == "block3" }.count == 3)
        let read = try JSONFile.read(ExplanatoryGraph.self, from: out + "/graph.json")
        #expect(read == outcome.graph)
        let dot = try String(contentsOfFile: out + "/graph.dot", encoding: .utf8)
        let svg = try String(contentsOfFile: out + "/graph.svg", encoding: .utf8)
        for node in outcome.graph.nodes {
            #expect(dot.contains("\"\(node.id.name)\""))
            #expect(svg.contains(">#\(node.id.channel)</text>"))
            #expect(node.references.count == 3)
        }
        #expect(FileManager.default.fileExists(atPath: out + "/nodes.png"))
    }
}
