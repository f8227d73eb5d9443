import Chess
import ChessModel
import Concepts
import DataFiles
import Foundation
import Interpretability
import Neural
import Plotting
import PositionCollections

/// One concept-maximisation run: a concept's probe at one (checkpoint, layer) cell,
/// searches from held-out positions where the concept does not hold yet, with one or
/// more methods, and the files a user reads (`results.jsonl`, `summary.csv`, `fooled.jsonl`,
/// before/after boards). The concept function judges every result: "concept true after"
/// leads, "probe reached" follows, and every board where the probe reached its target
/// while the concept stayed false is kept as a finding about the network. The `maximise`
/// command, the benchmark and the demo all run through here.
package struct MaximiseRun {
    /// What to run.
    package struct Settings: Codable, Sendable {
        /// The value of each setting when none is given; the command line's defaults too.
        package enum Defaults {
            package static let target = 1.0
            package static let limit = 200
            package static let out = "maximise-output"
            package static let methods: [ConceptSearch.Method] = [.gradient]
            package static let edits = BoardEdit.Kind.allCases
            package static let budget = 4
            package static let beam = 1
            package static let proposals = 4
            package static let editCost = 0.0
            package static let probes = "probe-output"
            /// The share of held-out positions with the concept whose probe output the target threshold lies under.
            package static let positiveCoverage = 0.9
            /// Positions drawn at least, for the start positions and the threshold's positives.
            package static let thresholdSample = 6_000
        }

        package var model = RunDefaults.model
        /// Checkpoint step; `nil` for the last.
        package var checkpoint: Int?
        package var concept: String
        /// Probe layer; `nil` for the last residual block.
        package var layer: String?
        /// The concept value to produce: 1 or 0 for a binary concept; for a scalar one, a value to reach or pass.
        package var target = Defaults.target
        /// The probe prediction that counts as reached; `nil` for the one that 90% of the
        /// held-out positions where the concept has its target value pass.
        package var probeThreshold: Double?
        /// One position to edit, or …
        package var fen: String?
        /// … a collection whose test games give the start positions.
        package var positions: String?
        /// Start from every held-out position, not only those where the concept does not hold yet.
        package var allStarts = false
        package var limit = Defaults.limit
        package var out = Defaults.out
        /// The formats every picture is written in.
        package var formats = RunDefaults.figureFormats
        /// The first method's results are drawn; all are summarised.
        package var methods: [ConceptSearch.Method] = Defaults.methods
        /// The placement edits allowed (ignored in play).
        package var edits: [BoardEdit.Kind] = Defaults.edits
        /// Play legal moves instead of editing: at most this many plies.
        package var plies: Int?
        /// Edits allowed (in play, `plies`).
        package var budget = Defaults.budget
        package var beam = Defaults.beam
        package var proposals = Defaults.proposals
        package var editCost = Defaults.editCost
        /// Edit costs to sweep, each a full run of the gradient and greedy searches among
        /// `methods`, the ones that weigh an edit's cost (`sweep.csv`, `sweep.png`/`.svg`/`.pdf`).
        package var sweep: [Double]?
        /// A `probe` output directory holding saved probes (a missing one is fitted there).
        package var probes = Defaults.probes
        package var seed: UInt64 = RunDefaults.seed

        package init(concept: String) { self.concept = concept }

        /// The steps the searches take.
        package var neighbourhood: Neighbourhood { plies == nil ? .edits(Set(edits)) : .play }
        /// Steps allowed per search.
        package var steps: Int { plies ?? budget }
    }

    /// One method's line of the summary, judged by the concept function first.
    package struct MethodSummary: Codable, Sendable {
        package let method: ConceptSearch.Method
        package let editCost: Double
        package let searches: Int
        /// Share of results on which the concept function has the target value.
        package let conceptTrue: Double
        /// Share of results whose probe prediction passed the threshold.
        package let probeReached: Double
        package let meanSteps: Double
        /// Mean rise of the probe's prediction (a fall when the target is below it).
        package let probeGain: Double
        /// Share of searches that made no step (the probe read the target at the start already).
        package let zeroStep: Double
        /// Share of results where the probe reached its target but the concept is false: the probe was fooled.
        package let fooled: Double
        /// Share of searches whose every visited board is valid (must be 1).
        package let legal: Double
        package let meanEvaluations: Double
        package let searchesPerSecond: Double

        package static let csvHeader = "method,edit_cost,searches,concept_true_after,probe_reached,mean_steps,probe_gain,zero_step,fooled,legal,mean_evaluations,searches_per_second"

        package var csvRow: String {
            String(format: "%@,%g,%d,%.3f,%.3f,%.2f,%.3f,%.3f,%.3f,%.3f,%.1f,%.2f", method.rawValue as NSString, editCost, searches, conceptTrue,
                   probeReached, meanSteps, probeGain, zeroStep, fooled, legal, meanEvaluations, searchesPerSecond)
        }

        /// The summary of `results`, judged by `holds` (the concept function with its target value).
        /// `wallSeconds` is the time all the searches took together (several run at once);
        /// without it, the sum of their times.
        package init(method: ConceptSearch.Method, editCost: Double, results: [ConceptSearch.Result], target: SearchTarget,
                     holds: (Position) -> Bool, wallSeconds: Double? = nil) {
            let count = Double(max(results.count, 1))
            func share(_ predicate: (ConceptSearch.Result) -> Bool) -> Double { Double(results.count(where: predicate)) / count }
            let sign = target.isMaximising ? 1.0 : -1.0
            self.method = method
            self.editCost = editCost
            searches = results.count
            conceptTrue = share { holds($0.result) }
            probeReached = share(\.reached)
            meanSteps = Double(results.reduce(0) { $0 + $1.steps.count }) / count
            probeGain = results.reduce(0) { $0 + sign * ($1.after - $1.before) } / count
            zeroStep = share { $0.steps.isEmpty }
            fooled = share { $0.reached && !holds($0.result) }
            legal = share { $0.visited.allSatisfy(\.issues.isEmpty) }
            meanEvaluations = Double(results.reduce(0) { $0 + $1.evaluations }) / count
            searchesPerSecond = Double(results.count) / max(wallSeconds ?? results.reduce(0) { $0 + $1.seconds }, 1e-9)
        }
    }

    /// What a run measured: a summary per method (and per swept edit cost), and the threshold used.
    package struct Outcome: Codable, Sendable {
        package let starts: Int
        package let probeThreshold: Double
        /// How the threshold was chosen.
        package let thresholdSource: String
        package let summaries: [MethodSummary]
        package let sweep: [MethodSummary]
    }

    package let settings: Settings
    package let concept: Concept
    package let step: Int
    package let layer: String
    private let network: any ChessNetwork

    /// Resolves the concept, checkpoint and layer; fails with a message naming the bad setting.
    package init(settings: Settings) throws(RunError) {
        guard (settings.fen == nil) != (settings.positions == nil) else {
            throw RunError.invalidSetting("positions", value: settings.positions ?? "none", requirement: "give exactly one of a FEN and a positions file")
        }
        for (name, value) in [("budget", settings.budget), ("beam", settings.beam), ("proposals", settings.proposals), ("limit", settings.limit),
                              ("plies", settings.plies ?? 1)] where value < 1 {
            throw RunError.invalidSetting(name, value: "\(value)", requirement: "must be at least 1")
        }
        guard !settings.methods.isEmpty else { throw RunError.invalidSetting("methods", value: "none", requirement: "name at least one search method") }
        guard settings.plies != nil || !settings.edits.isEmpty else { throw RunError.invalidSetting("edits", value: "none", requirement: "allow at least one edit kind") }
        if settings.methods.contains(.relaxed) {
            guard settings.plies == nil else { throw RunError.invalidSetting("methods", value: "relaxed", requirement: "the relaxed search edits placements; it cannot play") }
            guard !Set(settings.edits).isDisjoint(with: [.put, .remove, .change]) else {
                throw RunError.invalidSetting("edits", value: settings.edits.map(\.rawValue).joined(separator: ","),
                                              requirement: "the relaxed search puts, removes or changes pieces; allow one of those")
            }
        }
        if let threshold = settings.probeThreshold, !threshold.isFinite {
            throw RunError.invalidSetting("probeThreshold", value: "\(threshold)", requirement: "must be a finite number")
        }
        do { concept = try ConceptCatalogue.named(settings.concept) } catch { throw RunError.unreadableSetting("concept", underlying: error) }
        guard concept.kind == .binary || concept.kind == .scalar else {
            throw RunError.invalidSetting("concept", value: concept.name, requirement: "categorical; concept search needs a binary or scalar concept")
        }
        (step, network) = try NetworkModel(settings.model).network(checkpoint: settings.checkpoint, seed: settings.seed)
        layer = settings.layer ?? network.sensitivityLayers.last!
        guard network.gradientLayers.contains(layer) else {
            throw RunError.invalidSetting("layer", value: layer, requirement: "concept search follows gradients from \(network.gradientLayers.joined(separator: ", "))")
        }
        if settings.methods.contains(.relaxed) && !(network is PolicyValueNetwork) {
            throw RunError.invalidSetting("methods", value: "relaxed", requirement: "the relaxed search masks the own network's piece planes; NNUE has none")
        }
        self.settings = settings
    }

    /// Whether the concept function gives `position` the target value: for a binary concept
    /// its truth value; for a scalar one, at least the target.
    package func holds(_ position: Position) -> Bool {
        Self.holds(concept, target: settings.target, position)
    }

    private static func holds(_ concept: Concept, target: Double, _ position: Position) -> Bool {
        let value = concept.value(position)
        return concept.kind == .binary ? (value >= 0.5) == (target >= 0.5) : value >= target
    }

    /// Runs every method over the start positions (and every swept edit cost), writes the
    /// files, and returns what was measured. `progress` gets (method, searches done,
    /// searches in all); `onWarning` every skipped input.
    package func run(progress: @escaping @Sendable (ConceptSearch.Method, Int, Int) -> Void = { _, _, _ in },
                    onWarning: (String) -> Void = { _ in }) throws -> Outcome {
        try OutputDirectory.claim(settings.out, marker: "results.jsonl")
        // The inputs first: a bad FEN or an empty collection is reported before a probe is fitted for nothing.
        let (starts, positives) = try startPositions(onWarning: onWarning)
        let probe = try loadProbe(onWarning: onWarning)
        // One network per core: a network may keep the state of its last pass, so each worker needs its own.
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, starts.count))
        let pool = [ProbedNetwork(network: network, layer: layer, probe: probe)]
            + (1..<workers).map { _ in ProbedNetwork(network: network.copy(), layer: layer, probe: probe) }
        let probed = pool[0]
        let (threshold, source) = probeThreshold(probe: probe, model: probed, positives: positives)
        let searchTarget = SearchTarget(kind: probe.kind, value: probe.kind == .logistic ? (settings.target >= 0.5 ? 1 : 0) : settings.target,
                                        threshold: threshold)
        try FileManager.default.createDirectory(atPath: settings.out + "/boards", withIntermediateDirectories: true)
        var summaries = [MethodSummary](), lines = "", fooledLines = "", fooledDrawn = [String]()
        for method in settings.methods {
            let (summary, results) = search(method, editCost: settings.editCost, starts: starts, target: searchTarget, pool: pool, progress: progress)
            summaries.append(summary)
            for (index, result) in results.enumerated() {
                let line = resultLine(result, method: method)
                lines += line + "\n"
                if method == settings.methods[0] { try drawBoards(result, name: String(format: "boards/%03d", index)) }
                if result.reached && !holds(result.result) {
                    fooledLines += line + "\n"
                    if method == settings.methods[0] && fooledDrawn.count < 4 {
                        let name = String(format: "fooled/%03d", index)
                        try drawBoards(result, name: name)
                        fooledDrawn.append(settings.formats.file(name))
                    }
                }
            }
        }
        var sweep = [MethodSummary]()
        // Only the beam searches weigh an edit's cost; the others would draw flat lines.
        for cost in settings.sweep ?? [] {
            for method in settings.methods where [.gradient, .greedy].contains(method) {
                sweep.append(search(method, editCost: cost, starts: starts, target: searchTarget, pool: pool, progress: progress).summary)
            }
        }
        try AtomicFileWriter.write(Data(lines.utf8), to: settings.out + "/results.jsonl")
        try AtomicFileWriter.write(Data(fooledLines.utf8), to: settings.out + "/fooled.jsonl")
        let table = ([MethodSummary.csvHeader] + summaries.map(\.csvRow)).joined(separator: "\n") + "\n"
        try AtomicFileWriter.write(Data(table.utf8), to: settings.out + "/summary.csv")
        if !sweep.isEmpty { try writeSweep(sweep) }
        let outcome = Outcome(starts: starts.count, probeThreshold: threshold, thresholdSource: source, summaries: summaries, sweep: sweep)
        try manifest(outcome, fooledBoards: fooledDrawn).write(to: settings.out)
        return outcome
    }

    /// One method at one edit cost over every start, the starts shared out among the pool's
    /// networks, one worker each. Every search is independent of the others (the random
    /// walk seeds itself from its start), so the results do not depend on the number of workers.
    private func search(_ method: ConceptSearch.Method, editCost: Double, starts: [Position], target: SearchTarget, pool: [ProbedNetwork],
                        progress: @escaping @Sendable (ConceptSearch.Method, Int, Int) -> Void) -> (summary: MethodSummary, results: [ConceptSearch.Result]) {
        let concept = concept, conceptTarget = settings.target
        let holds: @Sendable (Position) -> Bool = { Self.holds(concept, target: conceptTarget, $0) }
        let searches = pool.map { model in
            ConceptSearch(model: model, target: target, method: method, neighbourhood: settings.neighbourhood, budget: settings.steps,
                          beam: settings.beam, proposals: settings.proposals, editCost: editCost, holds: holds, seed: settings.seed)
        }
        // The searches only read the pool's networks through their own worker.
        nonisolated(unsafe) let workers = searches
        let clock = ContinuousClock.now
        let results = parallelMap(starts.count, workers: workers.count, makeState: { workers[$0] },
                                       onProgress: { progress(method, $0, starts.count) }) { search, index in search.run(from: starts[index]) }
        return (MethodSummary(method: method, editCost: editCost, results: results, target: target, holds: holds,
                              wallSeconds: (ContinuousClock.now - clock).seconds), results)
    }

    /// The threshold a confident reading passes: given, or the probe output that 90% of the
    /// held-out positions where the concept has its target value pass (on the target's side).
    private func probeThreshold(probe: LinearProbe, model: ProbedNetwork, positives: [Position]) -> (Double, String) {
        if let given = settings.probeThreshold { return (given, "given") }
        let fallback = probe.kind == .logistic ? 0.5 : settings.target - 0.5
        guard positives.count >= 10 else {
            return (fallback, "\(positives.count) held-out positions with the concept, too few for a quantile: the decision boundary")
        }
        let target = SearchTarget(kind: probe.kind, value: settings.target)
        let predictions = model.outputs(positives).map(target.prediction).sorted()
        let maximising = probe.kind == .linear || settings.target >= 0.5
        let coverage = Settings.Defaults.positiveCoverage
        let quantile = maximising ? 1 - coverage : coverage
        let value = predictions[min(predictions.count - 1, Int((quantile * Double(predictions.count - 1)).rounded()))]
        return (value, String(format: "the prediction %.0f%% of %d held-out positions with the concept pass", 100 * coverage, positives.count))
    }

    /// The saved probe for the cell, or a fresh fit of that one cell when none is saved.
    private func loadProbe(onWarning: (String) -> Void) throws -> LinearProbe {
        let store = ProbeStore(directory: settings.probes, model: settings.model, data: settings.positions.map { [$0] } ?? RunDefaults.collections,
                               seed: settings.seed)
        return try store.probe(concept: concept.name, step: step, layer: layer, onWarning: onWarning)
    }

    /// The given FEN, or positions of the collection's test games (never trained or probed
    /// on) where the concept does not hold yet; and the test positions where it does, for
    /// the threshold.
    private func startPositions(onWarning: (String) -> Void) throws -> (starts: [Position], positives: [Position]) {
        if let fen = settings.fen {
            do { return ([try Position(fenOrStartpos: fen)], []) } catch { throw RunError.unreadableSetting("fen", underlying: error) }
        }
        let file = settings.positions!
        // Enough draws that a rare concept (in check: about one position in twenty) still has
        // dozens of held-out positives for the threshold.
        let sample = PositionSample.draw(from: [file], count: max(settings.limit * 10, Settings.Defaults.thresholdSample), seed: settings.seed,
                                         onError: { onWarning("warning: \($0)") })
        let heldOut = sample.positions(in: .test).map(\.position)
        guard !heldOut.isEmpty else { throw RunError.insufficientData("\(file): no positions in the test games") }
        let truth = heldOut.map(holds)
        let positives = heldOut.indices.filter { truth[$0] }.map { heldOut[$0] }
        let starts = settings.allStarts ? heldOut : heldOut.indices.filter { !truth[$0] }.map { heldOut[$0] }
        guard !starts.isEmpty else {
            throw RunError.insufficientData("\(file): \(concept.name) already has the target value on every held-out position drawn (use allStarts)")
        }
        return (Array(starts.prefix(settings.limit)), positives)
    }

    private func resultLine(_ result: ConceptSearch.Result, method: ConceptSearch.Method) -> String {
        var fields = [
            "\"method\":" + TableFormat.jsonString(method.rawValue), "\"fen\":" + TableFormat.jsonString(result.start.fen),
            "\"result_fen\":" + TableFormat.jsonString(result.result.fen),
            "\"steps\":[" + result.steps.map { TableFormat.jsonString($0.description) }.joined(separator: ",") + "]",
        ]
        if case .play = settings.neighbourhood {
            let moves = result.steps.compactMap { step -> String? in if case .move(let move, _) = step { move.uci } else { nil } }
            fields.append("\"moves\":[" + moves.map(TableFormat.jsonString).joined(separator: ",") + "]")
        }
        fields += [
            "\"probe_before\":\(result.before)", "\"probe_after\":\(result.after)", "\"probe_reached\":\(result.reached)",
            "\"concept_before\":\(concept.value(result.start))", "\"concept_after\":\(concept.value(result.result))",
            "\"concept_true_after\":\(holds(result.result))", "\"step_count\":\(result.steps.count)",
            "\"evaluations\":\(result.evaluations)", "\"exhaustive\":\(result.exhaustive)", String(format: "\"seconds\":%.4f", result.seconds),
        ]
        return "{" + fields.joined(separator: ",") + "}"
    }

    private func drawBoards(_ result: ConceptSearch.Result, name: String) throws {
        let changed = Set(result.steps.flatMap(\.squares))
        let steps = result.steps.map(\.description).joined(separator: " ")
        let truth = { (position: Position) in self.holds(position) ? "true" : "false" }
        let pictures = [
            BoardPicture(result.start, highlighted: changed, title: String(format: "before: P=%.2f, %@ %@", result.before, concept.name, truth(result.start))),
            BoardPicture(result.result, highlighted: changed, title: String(format: "after %@: P=%.2f, %@", steps, result.after, truth(result.result))),
        ]
        let path = settings.out + "/" + name
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try BoardPicture.row(pictures).write(to: path, formats: settings.formats)
    }

    /// `sweep.csv` (every method at every cost) and the `sweep` figure (the trade-off panels).
    private func writeSweep(_ sweep: [MethodSummary]) throws {
        let table = ([MethodSummary.csvHeader] + sweep.map(\.csvRow)).joined(separator: "\n") + "\n"
        try AtomicFileWriter.write(Data(table.utf8), to: settings.out + "/sweep.csv")
        let figure = TradeOffFigure(title: concept.name, costLabel: "edit cost",
                                    metrics: ["concept true after", "probe gain", settings.plies == nil ? "mean edits" : "mean plies"],
                                    points: sweep.map { .init(series: $0.method.rawValue, cost: $0.editCost, values: [$0.conceptTrue, $0.probeGain, $0.meanSteps]) })
        try figure.figure.write(to: settings.out + "/sweep", formats: settings.formats)
    }

    /// The run's manifest; `fooledBoards` are the pictures this run drew of fooled results
    /// (not whatever an earlier run left in the directory).
    private func manifest(_ outcome: Outcome, fooledBoards: [String]) throws -> RunManifest {
        let steps = settings.plies == nil ? "edits (\(settings.edits.map(\.rawValue).joined(separator: ", ")))" : "plies of legal moves"
        var findings = outcome.summaries.map { summary in
            String(format: "%@ search: %@ holds after %.0f%% of the searches (the probe reached its target in %.0f%%), with %.2f %@ on average; "
                   + "%.0f%% made no step, %.0f%% fooled the probe.", summary.method.rawValue as NSString, concept.name as NSString,
                   100 * summary.conceptTrue, 100 * summary.probeReached, summary.meanSteps, (settings.plies == nil ? "edits" : "plies") as NSString,
                   100 * summary.zeroStep, 100 * summary.fooled)
        }
        if let first = outcome.summaries.first, first.fooled > 0 {
            findings.append(String(format: "On %.0f%% of the %@ results the probe of %@ at %@ reads its target while %@ is false: the network's direction "
                                   + "for the concept also answers to something else (fooled.jsonl, fooled/).", 100 * first.fooled,
                                   first.method.rawValue as NSString, concept.name as NSString, layer as NSString, concept.name as NSString))
        }
        let boards = (0..<min(4, outcome.starts)).map { settings.formats.file(String(format: "boards/%03d", $0)) }
        return try RunManifest(
            command: "maximise", title: "Concept-maximised positions: \(concept.name)",
            summary: "\(outcome.starts) held-out positions \(settings.allStarts ? "" : "where \(concept.name) does not hold yet ")searched, legally, "
                + "for at most \(settings.steps) \(steps) until the probe of \(concept.name) at \(layer) (step \(step)) passes "
                + String(format: "%.3g", outcome.probeThreshold) + " (\(outcome.thresholdSource)); methods: \(settings.methods.map(\.rawValue).joined(separator: ", ")). "
                + "The concept function judges every result: concept_true_after first, probe_reached second; a result where the probe reached "
                + "its target and the concept is false is a fooled probe.",
            settings: settings, outcome: outcome, findings: findings,
            tables: [.init(path: "summary.csv", caption: "each method's concept-true, probe-reached, zero-step and fooled shares, steps and cost")]
                + (outcome.sweep.isEmpty ? [] : [.init(path: "sweep.csv", caption: "the same at every swept edit cost")]),
            figures: boards.map { .init(path: $0, caption: "before and after (first method)") }
                + fooledBoards.map { .init(path: $0, caption: "a fooled probe: the target reached, the concept false") }
                + (outcome.sweep.isEmpty ? [] : [.init(path: settings.formats.file("sweep"), caption: "concept true after, probe gain and steps against the edit cost")]),
            files: [.init(path: "results.jsonl", caption: "every search: FENs, steps (and moves in play), probe and concept before and after"),
                    .init(path: "fooled.jsonl", caption: "the results that fooled the probe")]
        )
    }
}
