import ArgumentParser
import BoardPictures
import Chess
import ChessModel
import Concepts
import ConceptSearch
import DataFiles
import Foundation
import PositionCollections
import Probing
import ProbeTracker

struct MaximiseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "maximise",
        abstract: "Edit real positions, legally, until a concept probe reaches its target (concept backpropagation).",
        discussion: """
            Edits put, remove, move or change pieces; every board visited is a valid position (one king a side, \
            no pawn on the back ranks, the side not to move not in check, possible checks, piece counts that \
            promotions can explain), castling rights and en passant made consistent. Uses the probe saved by \
            'chess-concepts probe' in --probes, or fits one there first. Writes OUT/results.jsonl, \
            OUT/summary.csv and a before/after picture per position (OUT/boards/NNN.png and .svg).
            """)

    @Option(help: "The model directory.")
    var model = "models/default"

    @Option(help: "Checkpoint step (default: the last).")
    var checkpoint: Int?

    @Option(help: "The concept (binary or scalar).")
    var concept: String

    @Option(help: "The probe layer (default: the last residual block).")
    var layer: String?

    @Option(help: "The probe prediction to reach: 1 or 0 for a binary concept, a value for a scalar one.")
    var target = 1.0

    @Option(help: "One position to edit.")
    var fen: String?

    @Option(help: "A collection to take held-out positions (test games) from.")
    var positions: String?

    @Option(help: "Positions to take from --positions.")
    var limit = 200

    @Option(help: "Output directory.")
    var out = "maximise-output"

    @Option(help: "gradient, relaxed, greedy or random.")
    var method: ConceptSearch.Method = .gradient

    @Flag(help: "Also run the random and greedy searches on the same positions, for the summary.")
    var baselines = false

    @Option(help: "Edits allowed per position.")
    var budget = 4

    @Option(help: "Boards kept per step.")
    var beam = 1

    @Option(help: "First-order candidates evaluated exactly per board (gradient method).")
    var proposals = 4

    @Option(help: "λ₂: the fall of (P − target)² an edit must buy to be made.")
    var editCost = 0.0

    @Option(help: "A 'probe' output directory holding saved probes (fitted there when missing).")
    var probes = "probe-output"

    @Option(help: "Seed of the position sample, the probe fit and random choices.")
    var seed: UInt64 = 1

    func validate() throws {
        guard (fen == nil) != (positions == nil) else { throw ValidationError("give exactly one of --fen and --positions") }
        guard budget >= 1, beam >= 1, proposals >= 1, limit >= 1 else { throw ValidationError("--budget, --beam, --proposals and --limit must be at least 1") }
    }

    func run() throws {
        let concept: Concept
        do { concept = try ConceptCatalogue.named(self.concept) } catch { throw ValidationError(error.description) }
        guard concept.kind == .binary || concept.kind == .scalar else {
            throw ValidationError("\(concept.name) is categorical; concept search needs a binary or scalar concept")
        }
        let directory = ModelDirectory(path: model)
        let configuration = try directory.readConfiguration()
        guard let step = checkpoint ?? directory.savedSteps().last else { throw ValidationError("\(model) holds no checkpoint") }
        let network = try directory.load(step: step)
        let layer = self.layer ?? "block\(configuration.architecture.blocks)"
        let probe = try loadProbe(concept: concept, step: step, layer: layer)
        let starts = try startPositions()
        try FileManager.default.createDirectory(atPath: out + "/boards", withIntermediateDirectories: true)
        let searchTarget = SearchTarget(kind: probe.kind, value: target)
        var summaries = [String]()
        let methods = [method] + (baselines ? [ConceptSearch.Method.random, .greedy].filter { $0 != method } : [])
        var lines = ""
        for method in methods {
            let model = ProbedNetwork(network: network, layer: layer, probe: probe)
            let search = ConceptSearch(model: model, target: searchTarget, method: method, budget: budget, beam: beam,
                                       proposals: proposals, editCost: editCost, seed: seed)
            let line = ProgressLine(unit: "positions")
            var results = [ConceptSearch.Result](), conceptAfter = [Double]()
            for (index, start) in starts.enumerated() {
                let result = search.run(from: start)
                results.append(result)
                line.update(count: index + 1, detail: "\(method.rawValue) search of \(starts.count)")
                let before = concept.value(result.start), after = concept.value(result.result)
                conceptAfter.append(after)
                lines += "{" + [
                    "\"method\":" + TableFormat.jsonString(method.rawValue), "\"fen\":" + TableFormat.jsonString(result.start.fen),
                    "\"result_fen\":" + TableFormat.jsonString(result.result.fen),
                    "\"edits\":[" + result.edits.map { TableFormat.jsonString($0.description) }.joined(separator: ",") + "]",
                    "\"probe_before\":\(result.before)", "\"probe_after\":\(result.after)", "\"reached\":\(result.reached)",
                    "\"concept_before\":\(before)", "\"concept_after\":\(after)", "\"steps\":\(result.edits.count)",
                    "\"evaluations\":\(result.evaluations)", String(format: "\"seconds\":%.4f", result.seconds),
                ].joined(separator: ",") + "}\n"
                if method == self.method { try drawBoards(result, index: index, concept: concept) }
            }
            line.clear()
            summaries.append(summaryRow(method: method, results: results, conceptAfter: conceptAfter, concept: concept))
        }
        try AtomicFileWriter.write(Data(lines.utf8), to: out + "/results.jsonl")
        let header = "method,searches,legal,reached_target,mean_edits,concept_agrees,mean_evaluations,searches_per_second\n"
        try AtomicFileWriter.write(Data((header + summaries.joined()).utf8), to: out + "/summary.csv")
        print("\(concept.name) at \(layer), step \(step), target \(target), budget \(budget), \(starts.count) positions")
        print(header + summaries.joined(), terminator: "")
        print("Wrote \(out)/results.jsonl, \(out)/summary.csv and \(out)/boards/")
    }

    /// The saved probe for the cell, or a fresh fit of that one cell when none is saved.
    private func loadProbe(concept: Concept, step: Int, layer: String) throws -> LinearProbe {
        let path = "\(probes)/probes/\(concept.name)/\(ModelDirectory.stepName(step))-\(layer).safetensors"
        if !FileManager.default.fileExists(atPath: path) {
            printError("no saved probe at \(path); fitting one")
            let data = positions.map { [$0] } ?? ["positions/selfplay.pgn.gz"]
            let settings = TrackerSettings(model: model, data: data, concepts: [concept.name], layers: [layer], steps: [step], seed: seed)
            do {
                _ = try ProbeTracker(settings: settings).run(out: probes, onError: { printError("warning: \($0)") })
            } catch let error as TrackerError {
                throw ValidationError(error.description)
            }
        }
        return try LinearProbe.read(from: path).probe
    }

    private func startPositions() throws -> [Position] {
        if let fen {
            do { return [try Position(fen: fen)] } catch { throw ValidationError(error.description) }
        }
        let sample = PositionSample.draw(from: [positions!], count: limit * 10, seed: seed, onError: { printError("warning: \($0)") })
        let heldOut = sample.positions(in: .test).map(\.position)
        guard !heldOut.isEmpty else { throw ValidationError("\(positions!): no positions in the test games") }
        return Array(heldOut.prefix(limit))
    }

    private func drawBoards(_ result: ConceptSearch.Result, index: Int, concept: Concept) throws {
        let changed = Set(result.edits.flatMap(\.squares))
        let pictures = [
            BoardPicture(result.start, highlighted: changed, title: String(format: "before: P=%.2f", result.before)),
            BoardPicture(result.result, highlighted: changed,
                         title: String(format: "after %@: P=%.2f", result.edits.map(\.description).joined(separator: " ") as NSString, result.after)),
        ]
        let name = String(format: "%@/boards/%03d", out, index)
        try BoardPicture.row(pictures).writePNG(to: name + ".png")
        try AtomicFileWriter.write(Data(BoardPicture.rowSVG(pictures).utf8), to: name + ".svg")
    }

    private func summaryRow(method: ConceptSearch.Method, results: [ConceptSearch.Result], conceptAfter: [Double], concept: Concept) -> String {
        let count = Double(max(results.count, 1))
        let legal = Double(results.count { result in result.visited.allSatisfy(\.issues.isEmpty) }) / count
        let reached = Double(results.count(where: \.reached)) / count
        let edits = Double(results.reduce(0) { $0 + $1.edits.count }) / count
        // The rules' concept agrees with the probe's target: the probe was not merely fooled.
        let agrees = Double(conceptAfter.count { value in
            concept.kind == .binary ? (value >= 0.5) == (target >= 0.5) : abs(value - target) <= 0.5
        }) / count
        let evaluations = Double(results.reduce(0) { $0 + $1.evaluations }) / count
        let seconds = results.reduce(0) { $0 + $1.seconds }
        return String(format: "%@,%d,%.3f,%.3f,%.2f,%.3f,%.1f,%.2f\n", method.rawValue as NSString, results.count, legal, reached, edits,
                      agrees, evaluations, Double(results.count) / max(seconds, 1e-9))
    }
}

extension ConceptSearch.Method: ExpressibleByArgument {}
