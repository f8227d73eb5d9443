import ArgumentParser
import Chess
import ChessInterpretability
import Foundation
import NNUE
import PositionCollections

extension DemoCommand {
    /// The runs of the NNUE step, for the report.
    static let nnueParts = ["nnue/probe", "nnue/tcav", "nnue/relevance"] + ["in_check", "material_advantage"].map { "nnue/maximise/\($0)" }

    /// Step 11: Stockfish 15.1's own network through the same analyses (probe grid, TCAV,
    /// relevance of the evaluation, concept search), after checking its
    /// evaluation against Stockfish's `eval` on held-out positions. Skipped, with a notice,
    /// when no Stockfish is installed.
    func stockfishNetwork() throws {
        print("\n11. Stockfish 15.1's NNUE through the same analyses -> \(outputDirectory)/nnue")
        let export: StockfishNetworkExport, path: String
        do {
            export = try StockfishNetworkExport()
            path = try export.networkPath()
        } catch {
            print("   skipped: \(error)")
            return
        }
        let network = try StockfishNetwork(contentsOf: path)
        let engine = try UCIEngine(path: export.engine)
        let positions = PositionSample.draw(from: [collection], count: quick ? 100 : 400, seed: seeding.seed).positions.map(\.position)
            .filter { !$0.isCheck }.prefix(quick ? 50 : 200)
        var agreeing = 0
        for position in positions where try StockfishEvalTable.read(position, from: engine) == StockfishEvalTable(network.trace(position)) { agreeing += 1 }
        print("   \(path): evaluation and all 8 buckets equal Stockfish's `eval` on \(agreeing) of \(positions.count) positions")
        if agreeing != positions.count {
            printError("error: the NNUE evaluation disagrees with Stockfish's on \(positions.count - agreeing) positions")
            throw ExitCode(1)
        }

        let out = outputDirectory + "/nnue"
        let settings = TrackerSettings(model: "stockfish", data: [collection], concepts: TrackerSettings.defaultConcepts,
                                       positions: quick ? 300 : 2_000, seed: seeding.seed)
        let line = ProgressLine(unit: "cells")
        let summary = try ProbeTracker(settings: settings).run(out: out + "/probe", formats: figures.formats, onError: { printError("warning: \($0)") }) { progress in
            line.update(count: progress.cellsDone, detail: "of \(progress.cells): \(progress.detail)")
        }
        line.clear()
        print("   probe grid (step 0: the weights shuffled within each layer):")
        print(ConceptEmergence.table(ConceptEmergence.read(summary.rows)).split(separator: "\n").map { "   " + $0 }.joined(separator: "\n"))

        var tcav = TCAVRun.Settings(concepts: TCAVRun.Settings.defaultConcepts, layer: "accumulator")
        tcav.model = "stockfish"
        tcav.positions = [collection]
        tcav.randomSets = quick ? 4 : 20
        tcav.examples = quick ? 40 : 100
        tcav.seed = seeding.seed
        for row in try TCAVRun(settings: tcav).run(out: out + "/tcav", formats: figures.formats, onError: { printError("warning: \($0)") }) {
            print("   TCAV of the evaluation, " + row.concept.padding(toLength: 20, withPad: " ", startingAt: 0)
                  + String(format: "%.2f (random %.2f), p = %.2g", row.result.mean, row.result.randomMean, row.result.test.p))
        }

        var relevance = RelevanceRun.Settings(concept: "value", fen: Self.relevancePosition)
        relevance.model = "stockfish"
        relevance.layer = "accumulator"
        relevance.probes = out + "/probe"
        relevance.data = [collection]
        relevance.seed = seeding.seed
        let map = try RelevanceRun(settings: relevance).run(out: out + "/relevance", formats: figures.formats, onWarning: printError)
        print(String(format: "   relevance of the evaluation (%.2f pawns) on %@: %@", map.prediction, Self.relevancePosition as NSString,
                     map.strongestSquares(4).map { String(format: "%@ %+.2f", "\($0.square)", $0.relevance) }.joined(separator: ", ") as NSString))

        for concept in ["in_check", "material_advantage"] {
            var search = MaximiseRun.Settings(concept: concept)
            search.model = "stockfish"
            search.layer = "accumulator"
            search.positions = collection
            search.limit = quick ? 4 : 20
            search.probes = out + "/probe"
            search.methods = [.gradient]
            search.out = "\(out)/maximise/\(concept)"
            search.formats = figures.formats
            search.seed = seeding.seed
            for summary in try MaximiseRun(settings: search).run(onWarning: printError).summaries {
                print("   maximised " + concept.padding(toLength: 20, withPad: " ", startingAt: 0)
                      + String(format: "concept true after %3.0f%%, probe reached %3.0f%%, %.2f edits, fooled %3.0f%%",
                               100 * summary.conceptTrue, 100 * summary.probeReached, summary.meanSteps, 100 * summary.fooled))
            }
        }
    }
}
