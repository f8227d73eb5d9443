import ChessModel
import Concepts
import DataFiles
import Foundation
import Plotting
import PositionCollections
import Interpretability
@testable import ChessInterpretability
import Testing

/// Runs the tracker on the shipped network and corpus at a small scale.
struct TrackerTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized.path
    /// The shipped model's last checkpoint, whatever its training length.
    static let step = ModelDirectory(path: root + "/models/default").savedSteps().last!
    /// Its channels, the width of every tower layer.
    static let channels = try! ModelDirectory(path: root + "/models/default").readConfiguration().architecture.channels
    static let settings = TrackerSettings(
        model: root + "/models/default", data: [root + "/positions/selfplay.pgn.gz"],
        concepts: ["my_queens", "in_check", "game_phase"], layers: ["input", "block2"], steps: [step],
        // Four penalties: the grid's structure does not depend on the path's length, and a debug
        // build fits the full 15-penalty path to convergence slowly.
        positions: 500, seed: 5, penalties: [10, 1, 0.1, 0.01], resamples: 20)

    static func run(into name: String) throws -> (ProbeTracker.Summary, String) {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("tracker-\(name)-\(getpid())").path
        return (try ProbeTracker(settings: settings).run(out: out), out)
    }

    @Test func gridHoldsEveryCellWithItsBaselinesAndFilesAndASeedReproducesIt() throws {
        let (summary, out) = try Self.run(into: "grid")
        let (again, againOut) = try Self.run(into: "again")
        defer {
            try? FileManager.default.removeItem(atPath: out)
            try? FileManager.default.removeItem(atPath: againOut)
        }
        #expect(again.rows == summary.rows)
        // 3 concepts × 2 steps (0 and the last) × 2 layers, in_check with two metrics.
        #expect(summary.rows.count == 2 * 2 * (1 + 2 + 1))
        for row in summary.rows {
            let input = summary.rows.first { $0.concept == row.concept && $0.metric == row.metric && $0.layer == "input" && $0.step == row.step }!
            let random = summary.rows.first { $0.concept == row.concept && $0.metric == row.metric && $0.layer == row.layer && $0.step == 0 }!
            #expect(row.inputBaseline == input.score)
            #expect(row.randomBaseline == random.score)
            #expect(row.low <= row.score && row.score <= row.high)
        }
        // The input planes do not change with training: one fit serves every step.
        let inputScores = Set(summary.rows.filter { $0.concept == "in_check" && $0.layer == "input" && $0.metric == "roc_auc" }.map(\.score))
        #expect(inputScores.count == 1)
        // A piece count is a sum over one input plane: a linear probe reads much of it even from a few hundred positions.
        let queens = summary.rows.first { $0.concept == "my_queens" && $0.layer == "input" }!
        #expect(queens.score > 0.4)
        // The trained network holds "in check" better than shuffled labels allow.
        let check = summary.rows.first { $0.concept == "in_check" && $0.layer == "block2" && $0.step == Self.step && $0.metric == "roc_auc" }!
        #expect(check.score > 0.65 && check.selectivity > 0.15)

        let header = try String(contentsOfFile: out + "/grid.csv", encoding: .utf8).split(separator: "\n").first
        #expect(header == Substring(GridRow.columns.joined(separator: ",")))
        for concept in ["my_queens", "in_check", "game_phase"] {
            for kind in ["heatmap", "curves"] {
                let image = try RasterImage.decodePNG(Data(contentsOf: URL(fileURLWithPath: "\(out)/\(concept)-\(kind).png")))
                #expect(image.width > 300 && image.height > 200)
                let svg = try String(contentsOfFile: "\(out)/\(concept)-\(kind).svg", encoding: .utf8)
                #expect(svg.contains(">\(concept): "), "the \(kind) of \(concept) is titled in its SVG text")
                #expect(FileManager.default.fileExists(atPath: "\(out)/\(concept)-\(kind).pdf"))
            }
        }
        _ = try RasterImage.decodePNG(Data(contentsOf: URL(fileURLWithPath: out + "/overview.png")))
        let (probe, metadata) = try LinearProbe.read(from: out + "/probes/game_phase/\(ModelDirectory.stepName(Self.step))-block2.safetensors")
        #expect(probe.kind == .multinomial(classes: 3) && probe.features == 8 * 8 * Self.channels)
        #expect(metadata["concept"] == "game_phase" && metadata["layer"] == "block2" && metadata["step"] == String(Self.step))
    }

    @Test func sharedRowsAreUniformAndOnlyARareBinaryConceptSeesItsOwnRows() throws {
        let concepts = try ["in_check", "my_mobility", "game_phase"].map { try ConceptCatalogue.named($0) }
        let sample = ProbeSample(data: Self.settings.data, concepts: concepts, count: 400, seed: 1)
        let pool = PositionSample.draw(from: Self.settings.data, count: 400 * ProbeSample.poolFactor, seed: 1).positions
        let poolRate = Double(ProbeSample.label(pool, with: [concepts[0]]).count { $0[0] == 1 }) / Double(pool.count)
        let shared = DataSplit.allCases.flatMap { sample.shared.labels[$0]! }
        let sharedRate = Double(shared.count { $0[0] == 1 }) / Double(shared.count)
        #expect(sample.count == 400 && poolRate < ProbeSample.rareFloor)
        // The shared rows are a uniform draw: in check about as often as in the pool, not enriched.
        #expect(abs(sharedRate - poolRate) < 0.04)
        // in_check's own rows are all in check, and labelled for no other concept.
        let own = try #require(sample.own[0])
        let ownLabels = DataSplit.allCases.flatMap { own.labels[$0]! }
        #expect(shared.count { $0[0] == 1 } + ownLabels.count == Int((400 * ProbeSample.rareFloor).rounded(.up)))
        #expect(ownLabels.allSatisfy { $0[0] == 1 && $0[1].isNaN && $0[2].isNaN })
        #expect(sample.own.count == 1)
        // A concept's rows: the shared ones, then its own.
        let train = sample.rows(of: 0, in: .train)
        #expect(train.positions.count == sample.shared.positions[.train]!.count + own.positions[.train]!.count)
        #expect(sample.rows(of: 1, in: .train).labels.count == sample.shared.positions[.train]!.count)
    }

    /// A scalar, a binary and a categorical concept, each probed alone, give the same bytes
    /// in `grid.csv` as among four others, two of them rare enough to have rows of their own.
    @Test func aConceptsGridRowsDoNotDependOnTheOtherConceptsOfTheRun() throws {
        var settings = Self.settings
        settings.layers = ["block2"]
        settings.concepts = ["has_checking_move", "my_mobility", "in_check", "game_phase", "has_mate_in_one"]
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("tracker-alone-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        _ = try ProbeTracker(settings: settings).run(out: out + "/joint")
        func lines(of concept: String, in run: String) throws -> [Substring] {
            try String(contentsOfFile: "\(out)/\(run)/grid.csv", encoding: .utf8).split(separator: "\n").filter { $0.hasPrefix(concept + ",") }
        }
        for concept in ["my_mobility", "in_check", "game_phase"] {
            settings.concepts = [concept]
            _ = try ProbeTracker(settings: settings).run(out: "\(out)/\(concept)")
            let alone = try lines(of: concept, in: concept)
            #expect(alone.count == (concept == "in_check" ? 4 : 2))  // steps 0 and last, in_check with two metrics
            #expect(try alone == lines(of: concept, in: "joint"), "\(concept)")
        }
    }

    @Test func badSettingsAreRefusedBeforeAnyWork() {
        var settings = Self.settings
        settings.layers = ["block9"]
        #expect(throws: RunError.self) { try ProbeTracker(settings: settings) }
        settings = Self.settings
        settings.steps = [7]
        #expect(throws: RunError.self) { try ProbeTracker(settings: settings) }
    }
}
