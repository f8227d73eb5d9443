import Chess
import ChessModel
import Concepts
import DataFiles
import Dispatch
import Foundation
import Neural
import Plotting
import PositionCollections
import Interpretability

/// The what–when–where tracker: for every concept, checkpoint and layer, how well a
/// linear probe reads the concept from the network's activations on held-out games,
/// beside the input-encoding, random-network and shuffled-label baselines.
///
/// Writes `grid.csv` (rewritten atomically after every checkpoint, so an interrupted
/// run keeps what it finished, and a run with `resume` goes on from it),
/// `probes/<concept>/step-NNNNNNN-<layer>.safetensors` (+ `.json`), and the figures of `TrackerFigures`.
package struct ProbeTracker {
    /// How far a run has got.
    package struct Progress: Sendable {
        package let cellsDone: Int
        package let cells: Int
        package let detail: String
    }

    /// What a run did.
    package struct Summary: Sendable {
        package let rows: [GridRow]
        package let positions: [DataSplit: Int]
        /// Concepts left out, with the reason (e.g. never true in the sample).
        package let skipped: [(concept: String, reason: String)]
        package let files: [String]
    }

    package let settings: TrackerSettings
    let model: NetworkModel
    let concepts: [Concept]
    let layers: [String]
    let steps: [Int]
    /// The values per position of each layer probed.
    let widths: [String: Int]
    /// The network's input encoding, recorded beside each probe.
    let encoding: String

    /// Checks the settings against the model and the catalogue before any work starts.
    package init(settings: TrackerSettings) throws {
        self.settings = settings
        model = try NetworkModel(settings.model)
        concepts = try settings.concepts.map { name throws(UnknownConceptError) in try ConceptCatalogue.named(name) }
        let baseline = try model.network(at: 0, seed: settings.seed)
        let available = baseline.probeLayers
        encoding = baseline.encoding
        if settings.layers.isEmpty {
            layers = available
        } else {
            for layer in settings.layers where !available.contains(layer) {
                throw RunError.invalidSetting("layers", value: layer, requirement: "not a layer of this network (\(available.joined(separator: ", ")))")
            }
            layers = available.filter(settings.layers.contains)
        }
        widths = Dictionary(uniqueKeysWithValues: layers.map { ($0, baseline.width(of: $0)) })
        let saved = model.steps
        guard !saved.isEmpty else { throw RunError.missingCheckpoint(model: settings.model, step: nil, saved: []) }
        for step in settings.steps where !saved.contains(step) && step != 0 {
            throw RunError.missingCheckpoint(model: settings.model, step: step, saved: saved)
        }
        // Step 0 is the random-network baseline: the saved one, the initialisation the trainer
        // starts from, or a fixed network's shuffled weights.
        steps = Array(Set([0] + (settings.steps.isEmpty ? saved : settings.steps))).sorted()
        guard !concepts.isEmpty else { throw RunError.invalidSetting("concepts", value: "none", requirement: "name at least one concept") }
        guard settings.positions >= 100 else {
            throw RunError.invalidSetting("positions", value: "\(settings.positions)", requirement: "probing needs at least 100 positions")
        }
    }

    /// The settings of the grid in a directory, written before its first cell so that a
    /// resumed run can tell it continues the same grid.
    static let settingsFile = "grid-settings.json"

    /// Runs the whole grid into `out`. With `resume`, the checkpoints whose every cell is
    /// in `out/grid.csv` are read from it rather than fitted again, and the grid ends as an
    /// uninterrupted run's would.
    package func run(out: String, formats: FigureFormats = RunDefaults.figureFormats, resume: Bool = false,
                    onError: (CollectionError) -> Void = { _ in }, progress: (Progress) -> Void = { _ in }) throws -> Summary {
        try OutputDirectory.claim(out, marker: Self.settingsFile)
        try claimGrid(out: out, resume: resume)
        progress(Progress(cellsDone: 0, cells: steps.count * layers.count, detail: "sampling \(settings.positions) positions"))
        let sample = ProbeSample(data: settings.data, concepts: concepts, count: settings.positions, seed: settings.seed, onError: onError)
        let bySplit = sample.shared.positions
        for split in DataSplit.allCases where bySplit[split]!.count < 10 {
            throw RunError.insufficientData("only \(bySplit[split]!.count) positions fell in the \(split.rawValue) games; draw more positions or add games")
        }
        let (tasks, skipped) = tasks(of: sample)
        let extractor = ActivationExtractor(sample)
        let groups = layerGroups(positions: sample.rowCount)
        var outcomes = [Key: CellFit.Outcome]()
        var files = [String]()
        var finished = Set<Int>()
        if resume { (outcomes, finished, files) = try finishedCells(out: out, tasks: tasks) }
        var done = finished.count * layers.count
        for step in steps where !finished.contains(step) {
            let network = try model.network(at: step, seed: settings.seed)
            for group in groups {
                // The input planes do not depend on the weights: probed once, at the first checkpoint.
                let needed = group.filter { $0 != "input" || step == steps[0] }
                let cells = extractor.cells(of: network, layers: needed)
                for layer in group {
                    progress(Progress(cellsDone: done, cells: steps.count * layers.count, detail: "step \(step), \(layer)"))
                    if let cell = cells[layer] {
                        let results = cell.run(tasks, readout: settings.readout, penalties: settings.penalties, resamples: settings.resamples,
                                               seed: settings.seed)
                        for (task, outcome) in zip(tasks, results) {
                            outcomes[Key(concept: task.concept.name, step: step, layer: layer)] = outcome
                            if let probe = outcome.probe { files.append(try save(probe, outcome, of: task, step: step, layer: layer, out: out)) }
                        }
                    } else {
                        for task in tasks {
                            outcomes[Key(concept: task.concept.name, step: step, layer: layer)] = outcomes[Key(concept: task.concept.name, step: steps[0], layer: layer)]
                        }
                    }
                    done += 1
                }
            }
            try writeGrid(rows(tasks: tasks, outcomes: outcomes), to: out + "/grid.csv")
        }
        let rows = rows(tasks: tasks, outcomes: outcomes)
        progress(Progress(cellsDone: done, cells: done, detail: "drawing figures"))
        files += try TrackerFigures(rows: rows, steps: steps, layers: layers).write(to: out, formats: formats)
        let readings = ConceptEmergence.read(rows)
        try AtomicFileWriter.write(Data(ConceptEmergence.csv(readings).utf8), to: out + "/emergence.csv")
        try writeManifest(readings: readings, skipped: skipped, positions: sample.count, formats: formats, out: out)
        return Summary(rows: rows, positions: bySplit.mapValues(\.count), skipped: skipped, files: ["\(out)/grid.csv", "\(out)/emergence.csv"] + files)
    }

    /// Records the settings in `out`, or with `resume` checks that the grid there was made with these.
    private func claimGrid(out: String, resume: Bool) throws {
        let path = out + "/" + Self.settingsFile
        let current = try JSONValue(encoding: settings)
        if resume, FileManager.default.fileExists(atPath: out + "/grid.csv") {
            let saved: JSONValue
            do { saved = try JSONFile.read(JSONValue.self, from: path) } catch { throw RunError.unreadableFile(path, underlying: error) }
            guard saved == current else {
                throw RunError.invalidSetting("resume", value: out, requirement: "its grid was made with other settings (\(path)); resume with the same options")
            }
        }
        try JSONFile.write(current, to: path)
    }

    /// The cells of the checkpoints `out/grid.csv` holds in full, and the probe files they saved.
    private func finishedCells(out: String, tasks: [ProbeTask]) throws -> (outcomes: [Key: CellFit.Outcome], steps: Set<Int>, files: [String]) {
        let path = out + "/grid.csv"
        guard FileManager.default.fileExists(atPath: path) else { return ([:], [], []) }
        let rows: [GridRow]
        do { rows = try GridRow.read(from: path) } catch { throw RunError.unreadableFile(path, underlying: error) }
        var byCell = [Key: [GridRow]]()
        for row in rows { byCell[Key(concept: row.concept, step: row.step, layer: row.layer), default: []].append(row) }
        var outcomes = [Key: CellFit.Outcome](), finished = Set<Int>(), files = [String]()
        for step in steps {
            var cells = [Key: CellFit.Outcome]()
            for task in tasks {
                for layer in layers {
                    let key = Key(concept: task.concept.name, step: step, layer: layer)
                    guard let found = byCell[key], Set(found.map(\.metric)) == Set(task.metrics.map(\.rawValue)) else { continue }
                    let metrics = Dictionary(uniqueKeysWithValues: found.map { (ProbeMetric(rawValue: $0.metric)!, $0) })
                    cells[key] = CellFit.Outcome(probe: nil, penalty: found[0].storedPenalty,
                                                 scores: metrics.mapValues { ($0.score, $0.low, $0.high) }, control: metrics.mapValues(\.control))
                }
            }
            // A checkpoint is finished when every cell of it is there; a partial one is fitted again.
            guard cells.count == tasks.count * layers.count else { continue }
            outcomes.merge(cells) { _, read in read }
            finished.insert(step)
            for task in tasks where settings.readout != .mlp {
                for layer in layers where step == steps[0] || layer != "input" {
                    let file = "\(out)/probes/\(task.concept.name)/\(ModelDirectory.stepName(step))-\(layer).safetensors"
                    if FileManager.default.fileExists(atPath: file) { files.append(file) }
                }
            }
        }
        return (outcomes, finished, files)
    }

    private func writeManifest(readings: [ConceptEmergence], skipped: [(concept: String, reason: String)], positions: Int,
                               formats: FigureFormats, out: String) throws {
        let readout = settings.readout == .linear ? "A linear probe" : "A \(settings.readout) probe"
        let perConcept = readings.flatMap { reading in
            [RunManifest.Entry(path: formats.file("\(reading.concept)-heatmap"), caption: "\(reading.concept): score by training step and layer"),
             RunManifest.Entry(path: formats.file("\(reading.concept)-curves"), caption: "\(reading.concept): score against training step per layer, baselines dashed")]
        }
        try RunManifest(
            command: "probe", title: "What, when, where: probes across training and layers",
            summary: "\(readout) per concept, checkpoint and layer, fitted on \(positions) positions drawn uniformly and split by game, and scored on the held-out games; "
                + "a binary concept rarer than 1 in \(Int(1 / ProbeSample.rareFloor)) also on further positions of its rarer value, which only its probe sees. "
                + "Baselines: the same probe on the input planes, on the untrained network (step 0), and on shuffled labels (control).",
            settings: settings, outcome: readings,
            findings: readings.map(\.finding) + skipped.map { "\($0.concept) was not probed: \($0.reason)." },
            tables: [.init(path: "emergence.csv", caption: "each concept's best layer at the last checkpoint, its baselines and the step it emerged")],
            figures: (readings.isEmpty ? [] : [.init(path: formats.file("overview"), caption: "all concepts at a glance: score by training step (x, log scale) and layer")])
                + perConcept,
            files: [.init(path: "grid.csv", caption: "every cell with its interval and baselines")]
        ).write(to: out)
    }

    /// Fits one concept's probe at one checkpoint and layer, as a grid run would, and
    /// saves it into `out/probes/` alone: no grid, no figures, nothing else rewritten.
    /// What `ProbeStore` does for a probe it lacks. Returns the probe's path.
    package func fitProbe(concept name: String, step: Int, layer: String, out: String,
                         onError: (CollectionError) -> Void = { _ in }) throws -> String {
        guard let concept = concepts.first(where: { $0.name == name }) else {
            throw RunError.invalidSetting("concept", value: name, requirement: "not among this run's concepts")
        }
        guard layers.contains(layer) else {
            throw RunError.invalidSetting("layer", value: layer, requirement: "not a layer of this network (\(layers.joined(separator: ", ")))")
        }
        let sample = ProbeSample(data: settings.data, concepts: [concept], count: settings.positions, seed: settings.seed, onError: onError)
        let (tasks, skipped) = tasks(of: sample)
        guard let task = tasks.first else {
            throw RunError.insufficientData("cannot fit a probe of \(name): among the \(sample.count) positions drawn from \(settings.data.joined(separator: ", ")) "
                               + "it \(skipped.first?.reason ?? "has nothing to fit"); give a collection where it varies")
        }
        let extractor = ActivationExtractor(sample)
        let cell = extractor.cells(of: try model.network(at: step, seed: settings.seed), layers: [layer])[layer]!
        let outcome = cell.run([task], readout: .linear, penalties: settings.penalties, resamples: settings.resamples, seed: settings.seed)[0]
        return try save(outcome.probe!, outcome, of: task, step: step, layer: layer, out: out)
    }

    /// The concepts' probing problems on a sample, and the concepts left out with the reason.
    func tasks(of sample: ProbeSample) -> (tasks: [ProbeTask], skipped: [(concept: String, reason: String)]) {
        var tasks = [ProbeTask](), skipped = [(concept: String, reason: String)]()
        for (index, concept) in sample.concepts.enumerated() {
            let labels = Dictionary(uniqueKeysWithValues: DataSplit.allCases.map { ($0, sample.rows(of: index, in: $0).labels) })
            let task = ProbeTask(concept: concept, labels: labels, seed: settings.seed)
            if task.isInformative {
                tasks.append(task)
            } else {
                skipped.append((concept.name, task.uninformativeReason))
            }
        }
        return (tasks, skipped)
    }

    private struct Key: Hashable {
        let concept: String
        let step: Int
        let layer: String
    }

    /// Layers in network order, grouped so that each group's activations (and their
    /// standardised copies) fit the memory budget; each group costs one forward pass.
    func layerGroups(positions: Int) -> [[String]] {
        var groups = [[String]](), current = [String](), bytes = 0
        for layer in layers {
            let size = positions * widths[layer]! * MemoryLayout<Float>.size * 2
            if !current.isEmpty && bytes + size > settings.memoryBudget {
                groups.append(current)
                (current, bytes) = ([], 0)
            }
            current.append(layer)
            bytes += size
        }
        if !current.isEmpty { groups.append(current) }
        return groups
    }

    private func rows(tasks: [ProbeTask], outcomes: [Key: CellFit.Outcome]) -> [GridRow] {
        var rows = [GridRow]()
        for task in tasks {
            for step in steps {
                for layer in layers {
                    guard let outcome = outcomes[Key(concept: task.concept.name, step: step, layer: layer)] else { continue }
                    let input = outcomes[Key(concept: task.concept.name, step: steps[0], layer: "input")]
                    let random = outcomes[Key(concept: task.concept.name, step: 0, layer: layer)]
                    for metric in task.metrics {
                        let score = outcome.scores[metric]!
                        rows.append(GridRow(
                            concept: task.concept.name, step: step, layer: layer, probe: task.probeName, readout: settings.readout.description,
                            classWeight: task.kind == .linear ? "none" : "balanced", metric: metric.rawValue,
                            score: score.score, low: score.low, high: score.high,
                            inputBaseline: input?.scores[metric]?.score ?? .nan, randomBaseline: random?.scores[metric]?.score ?? .nan,
                            control: outcome.control[metric]!, penalty: Double("\(outcome.penalty)") ?? .nan,
                            trainPositions: task.train.labelledRows, validationPositions: task.validation.labelledRows,
                            testPositions: task.test.labelledRows, trainPositives: task.positives(in: task.train),
                            testPositives: task.positives(in: task.test)))
                    }
                }
            }
        }
        return rows
    }

    private func writeGrid(_ rows: [GridRow], to path: String) throws {
        let format = TableFormat.csv
        var text = format.header(GridRow.columns)!
        for row in rows { text += format.row(row.values, columns: GridRow.columns) }
        try AtomicFileWriter.write(Data(text.utf8), to: path)
    }

    private func save(_ probe: LinearProbe, _ outcome: CellFit.Outcome, of task: ProbeTask, step: Int, layer: String, out: String) throws -> String {
        let folder = "\(out)/probes/\(task.concept.name)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = "\(folder)/\(ModelDirectory.stepName(step))-\(layer).safetensors"
        let metric = task.metrics[0]
        try probe.write(to: path, metadata: [
            "concept": task.concept.name, "layer": layer, "step": String(step), "model": settings.model,
            "metric": metric.rawValue, "score": String(outcome.scores[metric]!.score), "penalty": String(outcome.penalty),
            "readout": settings.readout.description,
            "seed": String(settings.seed), "encoding": encoding,
        ])
        return path
    }
}

/// A tracker run that cannot start, and why.

