import Chess
import ChessModel
import Concepts
import DataFiles
import Foundation
import PositionCollections
import Interpretability

/// One concept-maximisation run: a concept's probe at one (checkpoint, layer) cell,
/// searches from held-out positions with one or more methods, and the files a user
/// reads (`results.jsonl`, `summary.csv`, before/after boards). The `maximise` command,
/// the benchmark and the demo all run through here.
package struct MaximiseRun {
    /// What to run.
    package struct Settings: Codable, Sendable {
        /// The value of each setting when none is given; the command line's defaults too.
        package enum Defaults {
            package static let target = 1.0
            package static let limit = 200
            package static let out = "maximise-output"
            package static let methods: [ConceptSearch.Method] = [.gradient]
            package static let budget = 4
            package static let beam = 1
            package static let proposals = 4
            package static let editCost = 0.0
            package static let probes = "probe-output"
        }

        package var model = RunDefaults.model
        /// Checkpoint step; `nil` for the last.
        package var checkpoint: Int?
        package var concept: String
        /// Probe layer; `nil` for the last residual block.
        package var layer: String?
        /// The probe prediction to reach.
        package var target = Defaults.target
        /// One position to edit, or …
        package var fen: String?
        /// … a collection whose test games give the start positions.
        package var positions: String?
        package var limit = Defaults.limit
        package var out = Defaults.out
        /// The first method's results are drawn; all are summarised.
        package var methods: [ConceptSearch.Method] = Defaults.methods
        package var budget = Defaults.budget
        package var beam = Defaults.beam
        package var proposals = Defaults.proposals
        package var editCost = Defaults.editCost
        /// A `probe` output directory holding saved probes (a missing one is fitted there).
        package var probes = Defaults.probes
        package var seed: UInt64 = RunDefaults.seed

        package init(concept: String) { self.concept = concept }
    }

    /// One method's line of the summary.
    package struct MethodSummary: Codable, Sendable {
        package let method: ConceptSearch.Method
        package let searches: Int
        /// Share of searches whose every visited board is valid (must be 1).
        package let legal: Double
        package let reached: Double
        package let meanEdits: Double
        /// Share of result boards on which the rules' concept has the target value: the probe was not merely fooled.
        package let conceptAgrees: Double
        package let meanEvaluations: Double
        package let searchesPerSecond: Double

        package static let csvHeader = "method,searches,legal,reached_target,mean_edits,concept_agrees,mean_evaluations,searches_per_second"

        package var csvRow: String {
            String(format: "%@,%d,%.3f,%.3f,%.2f,%.3f,%.1f,%.2f", method.rawValue as NSString, searches, legal, reached, meanEdits,
                   conceptAgrees, meanEvaluations, searchesPerSecond)
        }
    }

    package let settings: Settings
    package let concept: Concept
    package let step: Int
    package let layer: String
    private let network: PolicyValueNetwork

    /// Resolves the concept, checkpoint and layer; fails with a message naming the bad setting.
    package init(settings: Settings) throws(RunError) {
        guard (settings.fen == nil) != (settings.positions == nil) else {
            throw RunError.invalidSetting("positions", value: settings.positions ?? "none", requirement: "give exactly one of a FEN and a positions file")
        }
        for (name, value) in [("budget", settings.budget), ("beam", settings.beam), ("proposals", settings.proposals), ("limit", settings.limit)] where value < 1 {
            throw RunError.invalidSetting(name, value: "\(value)", requirement: "must be at least 1")
        }
        guard !settings.methods.isEmpty else { throw RunError.invalidSetting("methods", value: "none", requirement: "name at least one search method") }
        do { concept = try ConceptCatalogue.named(settings.concept) } catch { throw RunError.unreadableSetting("concept", underlying: error) }
        guard concept.kind == .binary || concept.kind == .scalar else {
            throw RunError.invalidSetting("concept", value: concept.name, requirement: "categorical; concept search needs a binary or scalar concept")
        }
        let directory = ModelDirectory(path: settings.model)
        let configuration: ModelDirectory.Configuration
        do { configuration = try directory.readConfiguration() } catch { throw RunError.unreadableFile(settings.model, underlying: error) }
        guard let step = settings.checkpoint ?? directory.savedSteps().last else { throw RunError.missingCheckpoint(model: settings.model, step: nil, saved: []) }
        self.step = step
        do { network = try directory.load(step: step) } catch { throw RunError.unreadableFile(settings.model, underlying: error) }
        layer = settings.layer ?? "block\(configuration.architecture.blocks)"
        self.settings = settings
    }

    /// Runs every method over the start positions, writes the files, and returns the summary.
    /// `progress` gets (method, searches done, searches in all); `onWarning` every skipped input.
    package func run(progress: (ConceptSearch.Method, Int, Int) -> Void = { _, _, _ in },
                    onWarning: (String) -> Void = { _ in }) throws -> [MethodSummary] {
        // The inputs first: a bad FEN or an empty collection is reported before a probe is fitted for nothing.
        let starts = try startPositions(onWarning: onWarning)
        let probe = try loadProbe(onWarning: onWarning)
        try FileManager.default.createDirectory(atPath: settings.out + "/boards", withIntermediateDirectories: true)
        let searchTarget = SearchTarget(kind: probe.kind, value: settings.target)
        var summaries = [MethodSummary](), lines = ""
        for method in settings.methods {
            let search = ConceptSearch(model: ProbedNetwork(network: network, layer: layer, probe: probe), target: searchTarget,
                                       method: method, budget: settings.budget, beam: settings.beam, proposals: settings.proposals,
                                       editCost: settings.editCost, seed: settings.seed)
            var results = [ConceptSearch.Result](), conceptAfter = [Double]()
            for (index, start) in starts.enumerated() {
                let result = search.run(from: start)
                let before = concept.value(result.start), after = concept.value(result.result)
                results.append(result)
                conceptAfter.append(after)
                lines += resultLine(result, method: method, conceptBefore: before, conceptAfter: after) + "\n"
                if method == settings.methods[0] { try drawBoards(result, index: index) }
                progress(method, index + 1, starts.count)
            }
            summaries.append(summary(method: method, results: results, conceptAfter: conceptAfter))
        }
        try AtomicFileWriter.write(Data(lines.utf8), to: settings.out + "/results.jsonl")
        let table = ([MethodSummary.csvHeader] + summaries.map(\.csvRow)).joined(separator: "\n") + "\n"
        try AtomicFileWriter.write(Data(table.utf8), to: settings.out + "/summary.csv")
        let findings = summaries.map { summary in
            String(format: "%@ search: the probe reached %.0f%% of its targets with %.2f edits on average; the rules' %@ holds on %.0f%% of the results.",
                   summary.method.rawValue as NSString, 100 * summary.reached, summary.meanEdits, concept.name as NSString, 100 * summary.conceptAgrees)
        }
        let boards = (0..<min(4, starts.count)).map { String(format: "boards/%03d.svg", $0) }
        try RunManifest(
            command: "maximise", title: "Concept-maximised positions: \(concept.name)",
            summary: "\(starts.count) held-out positions edited, legally, until the probe of \(concept.name) at \(layer) (step \(step)) reads "
                + "\(settings.target), at most \(settings.budget) edits each (\(settings.methods.map(\.rawValue).joined(separator: ", "))). "
                + "concept_agrees is how often the rules' own concept holds on the edited board: where it is low, the probe was fooled.",
            settings: settings, outcome: summaries, findings: findings,
            tables: [.init(path: "summary.csv", caption: "each method's legal, reached and agreeing shares, edits and cost")],
            figures: boards.map { .init(path: $0, caption: "before and after (first method)") },
            files: [.init(path: "results.jsonl", caption: "every search: FENs, edits, probe and concept before and after")]
        ).write(to: settings.out)
        return summaries
    }

    /// The saved probe for the cell, or a fresh fit of that one cell when none is saved.
    private func loadProbe(onWarning: (String) -> Void) throws -> LinearProbe {
        let store = ProbeStore(directory: settings.probes, model: settings.model, data: settings.positions.map { [$0] } ?? RunDefaults.collections,
                               seed: settings.seed)
        return try store.probe(concept: concept.name, step: step, layer: layer, onWarning: onWarning)
    }

    /// The given FEN, or the first positions of the collection's test games (never trained or probed on).
    private func startPositions(onWarning: (String) -> Void) throws -> [Position] {
        if let fen = settings.fen {
            do { return [try Position(fen: fen)] } catch { throw RunError.unreadableSetting("fen", underlying: error) }
        }
        let file = settings.positions!
        let sample = PositionSample.draw(from: [file], count: settings.limit * 10, seed: settings.seed, onError: { onWarning("warning: \($0)") })
        let heldOut = sample.positions(in: .test).map(\.position)
        guard !heldOut.isEmpty else { throw RunError.insufficientData("\(file): no positions in the test games") }
        return Array(heldOut.prefix(settings.limit))
    }

    private func resultLine(_ result: ConceptSearch.Result, method: ConceptSearch.Method, conceptBefore: Double, conceptAfter: Double) -> String {
        "{" + [
            "\"method\":" + TableFormat.jsonString(method.rawValue), "\"fen\":" + TableFormat.jsonString(result.start.fen),
            "\"result_fen\":" + TableFormat.jsonString(result.result.fen),
            "\"edits\":[" + result.edits.map { TableFormat.jsonString($0.description) }.joined(separator: ",") + "]",
            "\"probe_before\":\(result.before)", "\"probe_after\":\(result.after)", "\"reached\":\(result.reached)",
            "\"concept_before\":\(conceptBefore)", "\"concept_after\":\(conceptAfter)", "\"steps\":\(result.edits.count)",
            "\"evaluations\":\(result.evaluations)", String(format: "\"seconds\":%.4f", result.seconds),
        ].joined(separator: ",") + "}"
    }

    private func drawBoards(_ result: ConceptSearch.Result, index: Int) throws {
        let changed = Set(result.edits.flatMap(\.squares))
        let edits = result.edits.map(\.description).joined(separator: " ")
        let pictures = [
            BoardPicture(result.start, highlighted: changed, title: String(format: "before: P=%.2f", result.before)),
            BoardPicture(result.result, highlighted: changed, title: String(format: "after %@: P=%.2f", edits as NSString, result.after)),
        ]
        let name = String(format: "%@/boards/%03d", settings.out, index)
        try BoardPicture.row(pictures).writePNG(to: name + ".png")
        try AtomicFileWriter.write(Data(BoardPicture.rowSVG(pictures).utf8), to: name + ".svg")
    }

    private func summary(method: ConceptSearch.Method, results: [ConceptSearch.Result], conceptAfter: [Double]) -> MethodSummary {
        let count = Double(max(results.count, 1))
        let target = settings.target
        let agrees = conceptAfter.count { value in concept.kind == .binary ? (value >= 0.5) == (target >= 0.5) : abs(value - target) <= 0.5 }
        let seconds = results.reduce(0) { $0 + $1.seconds }
        return MethodSummary(
            method: method, searches: results.count,
            legal: Double(results.count { result in result.visited.allSatisfy(\.issues.isEmpty) }) / count,
            reached: Double(results.count(where: \.reached)) / count,
            meanEdits: Double(results.reduce(0) { $0 + $1.edits.count }) / count,
            conceptAgrees: Double(agrees) / count,
            meanEvaluations: Double(results.reduce(0) { $0 + $1.evaluations }) / count,
            searchesPerSecond: Double(results.count) / max(seconds, 1e-9))
    }
}

