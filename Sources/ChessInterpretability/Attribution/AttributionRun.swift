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

/// Which training positions built a concept into the network (TRAK, as "Attributing
/// Learned Concepts in Neural Networks to Training Data" applied it): the output
/// explained is the concept probe's margin on held-out test positions, the training
/// positions' output functions are the margins of the move played and of the game's
/// result (what the network was trained on), gradients are taken with respect to the
/// parameters below the probe's layer (the only ones the probe output depends on),
/// randomly projected, and the scores of several checkpoints are averaged.
///
/// Optionally, the removal check of that paper at small scale: fresh networks trained
/// on the attributed sample, whole or without its top-, bottom- or randomly chosen
/// positions, and the concept's probe score at the layer for each.
package struct AttributionRun {
    package struct Settings: Codable, Sendable {
        /// The value of each setting when none is given; the command line's defaults too.
        package enum Defaults {
            package static let trainPositions = 2_000
            package static let testPositions = 400
            package static let projectionDimension = 1_024
            package static let checkpoints = 3
            package static let shown = 8
            package static let probes = "probe-output"
            package static let retrainCheck = false
            package static let retrainSteps = 200
        }

        package var model = RunDefaults.model
        package var concept: String
        /// The probe's layer; `nil` for the last residual block.
        package var layer: String?
        /// Collections of the network's training games: the positions attributed.
        package var train = RunDefaults.collections
        /// Collections whose held-out games give the test positions (and fit missing probes).
        package var test = RunDefaults.collections
        /// Read only this many of the training games; `nil` for all.
        package var trainGames: Int?
        /// Training positions attributed (a seeded sample of the training games' positions).
        package var trainPositions = Defaults.trainPositions
        /// Test positions whose probe margin is explained.
        package var testPositions = Defaults.testPositions
        /// Dimension of the random projection of the gradients.
        package var projectionDimension = Defaults.projectionDimension
        /// The last this many saved checkpoints (after step 0) form the ensemble.
        package var checkpoints = Defaults.checkpoints
        /// Boards drawn from each end of the ranking.
        package var shown = Defaults.shown
        /// A `probe` output directory with saved probes (a missing probe is fitted there).
        package var probes = Defaults.probes
        /// Retrain without the top/bottom/random positions and compare the probe scores.
        package var retrainCheck = Defaults.retrainCheck
        /// Positions left out in each retraining; `nil` for a fifth of the sample.
        package var removed: Int?
        /// Training steps of each retrained network.
        package var retrainSteps = Defaults.retrainSteps
        package var seed: UInt64 = RunDefaults.seed

        package init(concept: String) { self.concept = concept }
    }

    /// One attributed training position.
    package struct Attribution: Sendable {
        package let example: TrainingExample
        /// Mean over the checkpoints.
        package let score: Double
        package let scoresByCheckpoint: [Double]
        package let conceptValue: Double
    }

    /// One retrained network of the removal check.
    package struct RetrainRow: Sendable {
        package let name: String
        package let removed: Int
        package let trainingPositions: Int
        package let metric: String
        package let score: Double
        package let low: Double
        package let high: Double
        /// The same probe on the retrained network's step 0: whether the concept emerged at all.
        package let untrained: Double
    }

    /// Everything the run found.
    package struct Outcome: Sendable {
        /// Training positions, highest score first.
        package let attributions: [Attribution]
        package let steps: [Int]
        package let testPositions: Int
        /// Pearson correlation of the scores of consecutive checkpoints.
        package let checkpointAgreement: [Double]
        package let retrain: [RetrainRow]
    }

    package let settings: Settings
    package let concept: Concept
    package let layer: String
    package let steps: [Int]
    private let configuration: ModelDirectory.Configuration
    private let store: ProbeStore

    /// Resolves the concept, layer and checkpoints; errors name the bad setting.
    package init(settings: Settings) throws(RunError) {
        do { concept = try ConceptCatalogue.named(settings.concept) } catch { throw RunError.unreadableSetting("concept", underlying: error) }
        guard concept.kind == .binary || concept.kind == .scalar else {
            throw RunError.invalidSetting("concept", value: concept.name, requirement: "categorical; attribution explains a one-output (binary or scalar) probe")
        }
        guard case .trained(let directory) = try NetworkModel(settings.model).source else {
            throw RunError.invalidSetting("model", value: settings.model,
                                          requirement: "attribution retrains on the training positions of a model trained here; a fixed network's are not at hand")
        }
        do { configuration = try directory.readConfiguration() } catch { throw RunError.unreadableFile(settings.model, underlying: error) }
        let saved = directory.savedSteps().filter { $0 > 0 }
        guard !saved.isEmpty else { throw RunError.missingCheckpoint(model: settings.model, step: nil, saved: []) }
        guard settings.checkpoints >= 1 else { throw RunError.invalidSetting("checkpoints", value: "\(settings.checkpoints)", requirement: "must be at least 1") }
        steps = Array(saved.suffix(settings.checkpoints))
        let network = PolicyValueNetwork(configuration.architecture, seed: 0)
        layer = settings.layer ?? "block\(configuration.architecture.blocks)"
        guard network.probeLayers.contains(layer), layer != "input" else {
            throw RunError.invalidSetting("layer", value: layer, requirement: "attribution needs a layer with parameters below it (\(network.probeLayers.dropFirst().joined(separator: ", ")))")
        }
        guard settings.trainPositions >= 10 else { throw RunError.invalidSetting("trainPositions", value: "\(settings.trainPositions)", requirement: "must be at least 10") }
        guard settings.testPositions >= 10 else { throw RunError.invalidSetting("testPositions", value: "\(settings.testPositions)", requirement: "must be at least 10") }
        guard settings.projectionDimension >= 1 else {
            throw RunError.invalidSetting("projectionDimension", value: "\(settings.projectionDimension)", requirement: "must be at least 1")
        }
        let removed = settings.removed ?? settings.trainPositions / 5
        guard !settings.retrainCheck || (removed >= 1 && 2 * removed < settings.trainPositions) else {
            throw RunError.invalidSetting("removed", value: "\(removed)", requirement: "must leave more than half of the \(settings.trainPositions) training positions")
        }
        guard settings.retrainSteps >= 1 else { throw RunError.invalidSetting("retrainSteps", value: "\(settings.retrainSteps)", requirement: "must be at least 1") }
        self.settings = settings
        store = ProbeStore(directory: settings.probes, model: settings.model, data: settings.test, seed: settings.seed)
    }

    /// Scores the training positions, writes the tables and boards into `out`, and returns the outcome.
    package func run(out: String, formats: FigureFormats = RunDefaults.figureFormats, onWarning: @escaping (String) -> Void = { _ in },
                     progress: (String) -> Void = { _ in }) throws -> Outcome {
        try OutputDirectory.claim(out, marker: "attribution.json")
        progress("reading the training games")
        let corpus: TrainingCorpus
        do {
            corpus = try TrainingCorpus(paths: settings.train, seed: configuration.seed, validationFraction: configuration.validationFraction,
                                        maximumGames: settings.trainGames ?? .max)
        } catch {
            throw RunError.unreadableSetting("train", underlying: error)
        }
        guard corpus.train.count >= settings.trainPositions else {
            throw RunError.invalidSetting("trainPositions", value: "\(settings.trainPositions)", requirement: "the training games hold only \(corpus.train.count) positions")
        }
        var random = SplitMix64(seed: SplitMix64.mix(settings.seed, "attribution sample"))
        // Shuffling the indices draws the same permutation as shuffling the examples, without unpacking them all.
        let sample = corpus.train.indices.shuffled(using: &random).prefix(settings.trainPositions).map { corpus.train[$0] }
        let (testPlanes, testWeights) = try testSet(onWarning: onWarning)
        var scoresByStep = [[Double]]()
        for step in steps {
            progress("step \(step): probe")
            let network: PolicyValueNetwork
            do { network = try ModelDirectory(path: settings.model).load(step: step) } catch { throw RunError.unreadableFile(settings.model, underlying: error) }
            let probe = try probe(step: step, onWarning: onWarning)
            scoresByStep.append(try scores(network: network, probe: probe, sample: sample, testPlanes: testPlanes, testWeights: testWeights,
                                           progress: { progress("step \(step): \($0)") }))
        }
        let attributions = sample.indices.map { index in
            let byStep = scoresByStep.map { $0[index] }
            return Attribution(example: sample[index], score: byStep.reduce(0, +) / Double(byStep.count), scoresByCheckpoint: byStep,
                               conceptValue: concept.value(sample[index].position))
        }.sorted { $0.score > $1.score }
        let agreement = zip(scoresByStep, scoresByStep.dropFirst()).map { Self.correlation($0, $1) }
        var retrain = [RetrainRow]()
        if settings.retrainCheck {
            retrain = try retrainCheck(attributions, validation: corpus.validation, out: out, onWarning: onWarning, progress: progress)
        }
        let outcome = Outcome(attributions: attributions, steps: steps, testPositions: testWeights.count, checkpointAgreement: agreement, retrain: retrain)
        try write(outcome, out: out, formats: formats)
        return outcome
    }

    private func probe(step: Int, onWarning: (String) -> Void) throws -> LinearProbe {
        return try store.probe(concept: concept.name, step: step, layer: layer, onWarning: onWarning)
    }

    /// Planes of held-out test positions and each one's weight in the explained output:
    /// ±1/m for a binary concept (a balanced set, so the output is the mean margin of the
    /// concept's label), the standardised label / m for a scalar one.
    private func testSet(onWarning: @escaping (String) -> Void) throws -> (Tensor, [Float]) {
        let sample = PositionSample.draw(from: settings.test, count: settings.testPositions * 20, seed: settings.seed, onError: { onWarning("warning: \($0)") })
        let heldOut = sample.positions(in: .test)
        var positions = [Position](), labels = [Double]()
        if concept.kind == .binary {
            let holds = heldOut.map { concept.value($0.conceptInput) >= 0.5 }
            let positive = heldOut.indices.filter { holds[$0] }.map { heldOut[$0] }, negative = heldOut.indices.filter { !holds[$0] }.map { heldOut[$0] }
            let each = min(positive.count, negative.count, settings.testPositions / 2)
            guard each >= 5 else {
                throw RunError.insufficientData("\(concept.name): the test games hold \(positive.count) positive and \(negative.count) negative positions; at least 5 of each are needed")
            }
            positions = (positive.prefix(each) + negative.prefix(each)).map(\.position)
            labels = Array(repeating: 1, count: each) + Array(repeating: -1, count: each)
        } else {
            let chosen = heldOut.prefix(settings.testPositions)
            let values = chosen.map { concept.value($0.conceptInput) }
            let mean = values.reduce(0, +) / Double(max(values.count, 1))
            let deviation = (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(max(values.count, 1))).squareRoot()
            guard chosen.count >= 10, deviation > 0 else { throw RunError.insufficientData("\(concept.name): constant or too few test positions") }
            positions = chosen.map(\.position)
            labels = values.map { ($0 - mean) / deviation }
        }
        return (BoardEncoder.encode(positions), labels.map { Float($0 / Double(labels.count)) })
    }

    /// One checkpoint's TRAK scores of the sample.
    private func scores(network: PolicyValueNetwork, probe: LinearProbe, sample: [TrainingExample], testPlanes: Tensor, testWeights: [Float],
                        progress: (String) -> Void) throws -> [Double] {
        let parameters = network.layers(through: layer).flatMap(\.parameters)
        let dimension = parameters.reduce(0) { $0 + $1.value.count }
        let projection = RandomProjection(inputDimension: dimension, outputDimension: settings.projectionDimension,
                                          seed: SplitMix64.mix(settings.seed, "projection"))
        // The target: ∂/∂θ of Σ_z weight_z · probe logit(z), one batched backward pass.
        network.zeroGradients()
        let activations = network.activations(testPlanes, layers: [layer])[layer]!
        let direction = probe.direction
        var outputGradient = Tensor(shape: activations.shape)
        for row in 0..<activations.rows {
            for column in 0..<direction.count { outputGradient.storage[row * direction.count + column] = testWeights[row] * direction[column] }
        }
        network.backward(from: layer, outputGradient)
        let target = projection.project(parameters.flatMap(\.gradient.storage))
        // The training rows: two output functions (move and result margins) per position.
        let replicas = [network] + (1..<max(1, ProcessInfo.processInfo.activeProcessorCount)).map { _ in network.copy() }
        let batch = 128
        var features = [Float](), weights = [Float]()
        features.reserveCapacity(2 * sample.count * settings.projectionDimension)
        for start in stride(from: 0, to: sample.count, by: batch) {
            let examples = Array(sample[start..<min(start + batch, sample.count)])
            // One gradient row per output function: example i's move margin in row 2i, its result margin in 2i + 1.
            let rows = 2 * examples.count
            var gradients = [Float](repeating: 0, count: rows * dimension)
            var batchWeights = [Float](repeating: 0, count: rows)
            gradients.withUnsafeMutableBufferPointer { g in
                batchWeights.withUnsafeMutableBufferPointer { w in
                    // Each worker owns one network and writes only its own examples' rows.
                    nonisolated(unsafe) let (g, w, replicas) = (g, w, replicas)
                    let layer = layer
                    DispatchQueue.concurrentPerform(iterations: replicas.count) { worker in
                        let replica = replicas[worker]
                        let replicaParameters = replica.layers(through: layer).flatMap(\.parameters)
                        for index in stride(from: worker, to: examples.count, by: replicas.count) {
                            for (head, margin) in replica.marginGradients(examples[index], parameters: replicaParameters).enumerated() {
                                let row = 2 * index + head
                                w[row] = margin.weight
                                _ = UnsafeMutableBufferPointer(rebasing: g[(row * dimension)..<((row + 1) * dimension)]).initialize(from: margin.gradient)
                            }
                        }
                    }
                }
            }
            features += projection.project(gradients, count: rows)
            weights += batchWeights
            progress("gradients of \(min(start + batch, sample.count)) of \(sample.count) training positions")
        }
        guard let rowScores = TRAK().scores(features: features, rows: weights.count, width: settings.projectionDimension, weights: weights, target: target) else {
            throw RunError.numerical("the gradient kernel is singular; lower projectionDimension")
        }
        return sample.indices.map { rowScores[2 * $0] + rowScores[2 * $0 + 1] }
    }

    /// The removal check: fresh networks trained on the sample, whole and without its
    /// top-, bottom- and randomly chosen positions (random twice, for the noise level).
    private func retrainCheck(_ ranked: [Attribution], validation: PackedExamples, out: String, onWarning: @escaping (String) -> Void,
                              progress: (String) -> Void) throws -> [RetrainRow] {
        let removed = settings.removed ?? ranked.count / 5
        var random = SplitMix64(seed: SplitMix64.mix(settings.seed, "removal"))
        let all = ranked.map(\.example)
        let sets: [(String, [TrainingExample])] = [
            ("all", all),
            ("without_top", Array(all.dropFirst(removed))),
            ("without_bottom", Array(all.dropLast(removed))),
            ("without_random_1", Array(all.shuffled(using: &random).dropFirst(removed))),
            ("without_random_2", Array(all.shuffled(using: &random).dropFirst(removed))),
        ]
        var rows = [RetrainRow]()
        for (name, examples) in sets {
            progress("retraining \(name) (\(examples.count) positions, \(settings.retrainSteps) steps)")
            let directory = ModelDirectory(path: "\(out)/retrain/\(name)")
            try? FileManager.default.removeItem(atPath: directory.path)
            var retrained = configuration
            retrained.steps = settings.retrainSteps
            retrained.checkpoints = [0, settings.retrainSteps]
            retrained.data = settings.train
            let corpus = try TrainingCorpus(train: examples, validation: validation.evenlySpaced(1_000))
            try Trainer(configuration: retrained, corpus: corpus, directory: directory, start: .new).run()
            progress("probing \(name)")
            let tracker = TrackerSettings(model: directory.path, data: settings.test, concepts: [concept.name], layers: [layer],
                                          steps: [settings.retrainSteps], seed: settings.seed)
            let summary = try ProbeTracker(settings: tracker).run(out: directory.path + "/probe", onError: { onWarning("warning: \($0)") })
            guard let row = summary.rows.first(where: { $0.step == settings.retrainSteps && $0.layer == layer }) else {
                throw RunError.numerical("\(name): the probe of \(concept.name) at \(layer) could not be fitted")
            }
            rows.append(RetrainRow(name: name, removed: all.count - examples.count, trainingPositions: examples.count, metric: row.metric,
                                   score: row.score, low: row.low, high: row.high, untrained: row.randomBaseline))
        }
        return rows
    }

    static func correlation(_ a: [Double], _ b: [Double]) -> Double {
        let n = Double(a.count)
        let (meanA, meanB) = (a.reduce(0, +) / n, b.reduce(0, +) / n)
        var (ab, aa, bb) = (0.0, 0.0, 0.0)
        for (x, y) in zip(a, b) {
            ab += (x - meanA) * (y - meanB)
            aa += (x - meanA) * (x - meanA)
            bb += (y - meanB) * (y - meanB)
        }
        return aa > 0 && bb > 0 ? ab / (aa * bb).squareRoot() : .nan
    }

    private func write(_ outcome: Outcome, out: String, formats: FigureFormats) throws {
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let stepColumns = outcome.steps.map { "score_step_\($0)" }.joined(separator: ",")
        var table = "rank,score,\(stepColumns),\(concept.name),fen,move,result\n"
        for (rank, entry) in outcome.attributions.enumerated() {
            let example = entry.example
            table += "\(rank + 1),\(String(format: "%.6g", entry.score)),"
                + entry.scoresByCheckpoint.map { String(format: "%.6g", $0) }.joined(separator: ",")
                + ",\(String(format: "%g", entry.conceptValue)),\(example.position.fen),\(example.move.uci),\(["win", "draw", "loss"][example.outcome])\n"
        }
        try AtomicFileWriter.write(Data(table.utf8), to: out + "/attribution.csv")
        let shown = min(settings.shown, outcome.attributions.count / 2)
        for (name, entries) in [("top", Array(outcome.attributions.prefix(shown))), ("bottom", Array(outcome.attributions.suffix(shown).reversed()))] {
            let pictures = entries.enumerated().map { index, entry in
                BoardPicture(entry.example.position, highlighted: [entry.example.move.from, entry.example.move.to],
                             title: String(format: "%@ %d: %+.2g, %@ = %g", name, index + 1, entry.score, concept.name, entry.conceptValue))
            }
            try BoardPicture.grid(pictures, columns: 4).write(to: "\(out)/\(name)", formats: formats)
        }
        if !outcome.retrain.isEmpty {
            var retrain = "network,removed,training_positions,metric,score,low,high,untrained\n"
            for row in outcome.retrain {
                retrain += "\(row.name),\(row.removed),\(row.trainingPositions),\(row.metric),"
                    + String(format: "%.4f,%.4f,%.4f,%.4f\n", row.score, row.low, row.high, row.untrained)
            }
            try AtomicFileWriter.write(Data(retrain.utf8), to: out + "/retrain.csv")
        }
        let shares = Self.conceptShares(outcome.attributions)
        let summary = Summary(concept: concept.name, layer: layer, checkpoints: outcome.steps, trainPositions: outcome.attributions.count,
                              testPositions: outcome.testPositions, projectionDim: settings.projectionDimension,
                              checkpointAgreement: outcome.checkpointAgreement.map { $0.isFinite ? $0 : nil },
                              conceptMeanAll: shares.all, conceptMeanTop: shares.top, conceptMeanBottom: shares.bottom)
        try JSONFile.write(summary, to: out + "/attribution.json")
        try RunManifest(
            command: "attribute", title: "Which training positions built \(concept.name)",
            summary: "TRAK scores: the effect of each of \(outcome.attributions.count) sampled training positions on the margin of the \(concept.name) probe "
                + "at \(layer) over \(outcome.testPositions) held-out positions, from gradients projected to \(settings.projectionDimension) dimensions "
                + "and averaged over checkpoints \(outcome.steps.map(String.init).joined(separator: ", ")). Positive: training on the position raised the margin.",
            settings: settings, outcome: summary,
            findings: [String(format: "%@ holds on %.0f%% of the sample, %.0f%% of the top tenth and %.0f%% of the bottom tenth.",
                              concept.name as NSString, 100 * shares.all, 100 * shares.top, 100 * shares.bottom)],
            tables: outcome.retrain.isEmpty ? [] : [.init(path: "retrain.csv", caption: "removal check: fresh networks trained without the top, bottom or random positions")],
            figures: [.init(path: formats.file("top"), caption: "training positions with the highest scores (the move played highlighted)"),
                      .init(path: formats.file("bottom"), caption: "the lowest scores")],
            files: [.init(path: "attribution.csv", caption: "every sampled position, ranked"), .init(path: "attribution.json", caption: "summary")]
        ).write(to: out)
    }

    /// `attribution.json`: what was attributed, and how the concept is spread over the ranking.
    struct Summary: Codable {
        let concept: String, layer: String, checkpoints: [Int], trainPositions: Int, testPositions: Int, projectionDim: Int
        /// Score correlation between consecutive checkpoints; `nil` where a checkpoint's scores are constant.
        let checkpointAgreement: [Double?]
        let conceptMeanAll: Double, conceptMeanTop: Double, conceptMeanBottom: Double

        enum CodingKeys: String, CodingKey {
            case concept, layer, checkpoints, trainPositions = "train_positions", testPositions = "test_positions", projectionDim = "projection_dim"
            case checkpointAgreement = "checkpoint_agreement", conceptMeanAll = "concept_mean_all", conceptMeanTop = "concept_mean_top"
            case conceptMeanBottom = "concept_mean_bottom"
        }
    }

    /// The concept's mean value over the whole sample and over its top and bottom tenth.
    package static func conceptShares(_ ranked: [Attribution]) -> (all: Double, top: Double, bottom: Double) {
        let tail = max(1, ranked.count / 10)
        func mean(_ entries: ArraySlice<Attribution>) -> Double { entries.reduce(0) { $0 + $1.conceptValue } / Double(entries.count) }
        return (mean(ranked[...]), mean(ranked.prefix(tail)), mean(ranked.suffix(tail)))
    }
}
