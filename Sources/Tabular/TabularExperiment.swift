import DataFiles
import Foundation
import Neural
import Plotting
import Interpretability

/// Concept backpropagation on a table (arXiv 2307.12601, §California housing): an MLP
/// regressor of a target column, a linear probe for a formula concept at a hidden layer,
/// and a continuous search that perturbs rows until the probe reads the target value.
/// How every feature moved shows what the network ties to the concept.
package struct TabularExperiment {
    package struct Settings: Codable, Sendable {
        package var csv: String
        package var target: String
        /// Feature columns; `nil` for every column but the target.
        package var features: [String]?
        package var concept: String
        package var missing = TabularDataset.MissingValues.drop
        package var categorical = TabularDataset.CategoricalColumns.exclude
        package var hiddenWidth = 64
        package var epochs = 60
        /// The probe's value to reach; `nil` for the concept's 95th percentile on the training rows.
        package var conceptTarget: Double?
        /// Test rows perturbed (those whose concept is below the target, unless `allRows`).
        package var rows = 200
        /// Search from every held-out row, also those already at or above the target.
        package var allRows = false
        /// The probe value that counts as reached; `nil` for the one 90% of held-out rows at or above the target pass.
        package var probeThreshold: Double?
        /// Formulas watched as the rows move: the entanglement the paper found (rooms per
        /// person rising with bedrooms per person) as the share of rows where each rose.
        package var watched: [String] = []
        package var search = PerturbationSearch()
        /// λ₁ values to sweep, each a full search (`sweep.csv`, `sweep.png`).
        package var sweep: [Float]?
        package var seed: UInt64 = 1

        package init(csv: String, target: String, concept: String) {
            self.csv = csv
            self.target = target
            self.concept = concept
        }
    }

    /// One feature's mean change over the perturbed rows.
    package struct FeatureChange: Codable, Sendable {
        package let name: String
        package let meanChange: Double
        /// The change in the feature's standard deviations.
        package let standardizedChange: Double
    }

    /// A watched formula's movement over the searched rows.
    package struct WatchedChange: Codable, Sendable {
        package let formula: String
        package let meanBefore: Double, meanAfter: Double
        /// Share of rows where the formula rose.
        package let rose: Double
    }

    /// How one search (one λ₁) did, judged by the formula, not the probe.
    package struct SearchSummary: Codable, Sendable {
        package let l1: Float
        /// Share of rows whose formula moved toward the target (up from below it, overshooting included).
        package let conceptTowardTarget: Double
        /// Share of rows whose formula reached the target.
        package let conceptReached: Double
        /// Share of rows whose probe passed the threshold.
        package let probeReached: Double
        /// Share of rows where the probe passed the threshold but the formula stayed below the target.
        package let fooled: Double
        package let probeGain: Double
        /// Mean number of features a row changed.
        package let meanFeaturesChanged: Double
    }

    package struct Summary: Codable, Sendable {
        package let rows: Int
        package let modelR2: Double
        package let probeR2: Double
        package let conceptTarget: Double
        package let probeThreshold: Double
        package let probeBefore: Double, probeAfter: Double
        package let conceptBefore: Double, conceptAfter: Double
        /// Medians, which a few extreme ratios do not drag.
        package let conceptMedianBefore: Double, conceptMedianAfter: Double
        package let search: SearchSummary
        package let changes: [FeatureChange]
        package let watched: [WatchedChange]
        package let sweep: [SearchSummary]
        package let notes: [String]
    }

    package let settings: Settings
    private let expression: ColumnExpression
    private let watchedExpressions: [ColumnExpression]
    private let data: TabularDataset

    /// Reads and checks the table and the formula; errors name the file, line or column.
    package init(settings: Settings) throws {
        self.settings = settings
        do { expression = try ColumnExpression(parsing: settings.concept) } catch { throw DataFileError(path: settings.csv, reason: error.description) }
        do {
            watchedExpressions = try settings.watched.map { try ColumnExpression(parsing: $0) }
        } catch {
            throw DataFileError(path: settings.csv, reason: "watched formula: \(error)")
        }
        data = try TabularDataset(table: try CSVTable(path: settings.csv), target: settings.target, featureColumns: settings.features,
                                  missing: settings.missing, categorical: settings.categorical)
        let unknown = watchedExpressions.reduce(expression.columns) { $0.union($1.columns) }.subtracting(data.featureNames)
        guard unknown.isEmpty else {
            throw DataFileError(path: settings.csv, reason: "the formulas read \(unknown.sorted().joined(separator: ", ")), "
                                + "which \(unknown.count == 1 ? "is not a feature" : "are not features") (features: \(data.featureNames.joined(separator: ", ")))")
        }
        guard data.features.count >= 20 else { throw DataFileError(path: settings.csv, reason: "\(data.features.count) usable rows; at least 20 are needed") }
    }

    /// Trains, probes, searches, and writes `feature_changes.csv`, `feature_changes.png`, `rows.csv`,
    /// and the split and activations a reference refits on (`split.csv`, `activations.npy`) to `out`.
    package func run(out: String, formats: FigureFormats = .all, progress: (String) -> Void = { _ in }) throws -> Summary {
        try OutputDirectory.claim(out, marker: "feature_changes.csv")
        let d = data.featureNames.count
        var random = SplitMix64(seed: SplitMix64.mix(settings.seed, "tabular split"))
        let order = Array(data.features.indices).shuffled(using: &random)
        let testCount = max(data.features.count / 5, 1)
        let (test, train) = (Array(order[..<testCount]), Array(order[testCount...]))
        // Standardised features and target (statistics of the training rows).
        let featureScale = (0..<d).map { column in Scale(train.map { data.features[$0][column] }) }
        let targetScale = Scale(train.map { data.target[$0] })
        func design(_ rows: [Int]) -> Tensor {
            Tensor(shape: [rows.count, d], rows.flatMap { row in (0..<d).map { Float(featureScale[$0].standardize(data.features[row][$0])) } })
        }
        let (trainX, testX) = (design(train), design(test))
        let trainY = Tensor(shape: [train.count, 1], train.map { Float(targetScale.standardize(data.target[$0])) })

        var weights = SplitMix64(seed: SplitMix64.mix(settings.seed, "tabular weights"))
        let width = settings.hiddenWidth
        // Glorot-uniform, as scikit-learn's MLPRegressor draws it: on California housing's
        // same splits it tests 0.012 R² higher than He-uniform (seeds 1–3), and the reference
        // then differs from this network by its random draws alone.
        let network = Sequential("regressor", [
            Dense("hidden1", inputs: d, outputs: width, initialization: .glorotUniform, random: &weights), Activation("relu1", .relu),
            Dense("hidden2", inputs: width, outputs: width, initialization: .glorotUniform, random: &weights), Activation("relu2", .relu),
            Dense("output", inputs: width, outputs: 1, initialization: .glorotUniform, random: &weights),
        ])
        MinibatchTraining(epochs: settings.epochs, batchSize: 64, learningRate: 1e-3, seed: settings.seed).run(network, inputs: trainX, loss: { outputs, rows in
            Loss.meanSquaredError(predictions: outputs, targets: trainY.gathering(rows: rows))
        }, progress: { epoch, loss in progress(String(format: "regressor epoch %d/%d, loss %.4f", epoch, settings.epochs, loss)) })
        let predict = { (x: Tensor) in network.forward(x, mode: .inference).storage.map { targetScale.restore(Double($0)) } }
        let modelR2 = Metrics.r2(labels: test.map { data.target[$0] }, predictions: predict(testX))

        // The probe reads the concept from the last hidden layer.
        let layer = "relu2"
        func concept(_ row: [Double]) -> Double { expression.evaluate { data.featureNames.firstIndex(of: $0).map { row[$0] } ?? .nan } }
        let trainConcept = train.map { concept(data.features[$0]) }, testConcept = test.map { concept(data.features[$0]) }
        // One pass over every row: the probe is fitted on exactly the activations a reference reads.
        let hidden = network.forward(design(Array(data.features.indices)), mode: .inference, through: layer)
        try writeReferenceInputs(out: out, train: train, test: test, concept: data.features.map(concept), activations: hidden)
        let probe = ProbeFitter(l2: 1e-3).fit(hidden.gathering(rows: train), labels: trainConcept.map { $0.isFinite ? $0 : .nan }, kind: .linear)
        let testProbe = probe.predict(hidden.gathering(rows: test))
        let finite = testConcept.indices.filter { testConcept[$0].isFinite }
        let probeR2 = Metrics.r2(labels: finite.map { testConcept[$0] }, predictions: finite.map { testProbe[$0] })
        let goal = settings.conceptTarget ?? quantile(trainConcept.filter(\.isFinite), 0.95)
        // A confident reading: the probe value that 90% of held-out rows at or above the goal pass.
        let positives = finite.filter { testConcept[$0] >= goal }.map { testProbe[$0] }
        let threshold = settings.probeThreshold ?? (positives.count >= 10 ? quantile(positives, 0.1) : goal)

        // The search: perturb held-out rows below the goal (standardised units) until the probe
        // reads it, each feature kept within the range the data holds.
        let candidates = settings.allRows ? test : test.filter { concept(data.features[$0]) < goal }
        let searched = Array(candidates.prefix(settings.rows))
        guard !searched.isEmpty else { throw DataFileError(path: settings.csv, reason: "no held-out row has \(settings.concept) below \(goal)") }
        progress("searching \(searched.count) rows")
        let start = design(searched)
        let bounds = (0..<d).map { column in
            let values = data.features.map { Float(featureScale[column].standardize($0[column])) }
            return values.min()!...values.max()!
        }
        let target = SearchTarget(kind: .linear, value: goal, threshold: threshold)
        func original(_ x: Tensor, _ row: Int) -> [Double] { (0..<d).map { featureScale[$0].restore(Double(x.storage[row * d + $0])) } }
        let before = searched.indices.map { original(start, $0) }
        let probeBefore = probe.predict(network.forward(start, mode: .inference, through: layer))
        func search(_ parameters: PerturbationSearch) -> (end: Tensor, summary: SearchSummary) {
            let delta = parameters.perturbation(of: start, bounds: bounds) { points in
                let activations = network.forward(points, mode: .inference, through: layer)
                return network.backward(from: layer, target.distanceGradient(probe, at: activations).gradient)
            }
            var end = start
            end.add(delta)
            let after = searched.indices.map { original(end, $0) }
            let probeAfter = probe.predict(network.forward(end, mode: .inference, through: layer))
            let count = Double(searched.count)
            func share(_ predicate: (Int) -> Bool) -> Double { Double(searched.indices.count(where: predicate)) / count }
            let conceptAfter = after.map(concept), conceptBefore = before.map(concept)
            let summary = SearchSummary(
                l1: parameters.l1,
                // Rows start below the goal (unless allRows): toward it is up, overshooting included.
                conceptTowardTarget: share { conceptBefore[$0] < goal ? conceptAfter[$0] > conceptBefore[$0] : conceptAfter[$0] < conceptBefore[$0] },
                conceptReached: share { conceptAfter[$0] >= goal },
                probeReached: share { probeAfter[$0] >= threshold },
                fooled: share { probeAfter[$0] >= threshold && !(conceptAfter[$0] >= goal) },
                probeGain: searched.indices.reduce(0) { $0 + probeAfter[$1] - probeBefore[$1] } / count,
                meanFeaturesChanged: Double(delta.storage.count { abs($0) > 1e-6 }) / count)
            return (end, summary)
        }
        let (end, searchSummary) = search(settings.search)
        let after = searched.indices.map { original(end, $0) }
        let probeAfter = probe.predict(network.forward(end, mode: .inference, through: layer))
        let (predictionBefore, predictionAfter) = (predict(start), predict(end))
        let changes = (0..<d).map { column in
            let mean = searched.indices.reduce(0) { $0 + after[$1][column] - before[$1][column] } / Double(searched.count)
            return FeatureChange(name: data.featureNames[column], meanChange: mean, standardizedChange: mean / featureScale[column].deviation)
        }
        let watched = zip(settings.watched, watchedExpressions).map { formula, expression in
            let value = { (row: [Double]) in expression.evaluate { data.featureNames.firstIndex(of: $0).map { row[$0] } ?? .nan } }
            let (start, end) = (before.map(value), after.map(value))
            return WatchedChange(formula: formula, meanBefore: Self.mean(start), meanAfter: Self.mean(end),
                                 rose: Double(searched.indices.count { end[$0] > start[$0] }) / Double(searched.count))
        }
        let sweep = settings.search.sweepingL1(settings.sweep ?? []).map { parameters in
            progress("sweep: λ₁ = \(parameters.l1)")
            return search(parameters).summary
        }
        try write(out: out, formats: formats, changes: changes, before: before, after: after, searched: searched,
                  probe: (probeBefore, probeAfter), prediction: (predictionBefore, predictionAfter), concept: concept)
        if !sweep.isEmpty { try writeSweep(sweep, out: out, formats: formats) }
        let summary = Summary(rows: searched.count, modelR2: modelR2, probeR2: probeR2, conceptTarget: goal, probeThreshold: threshold,
                              probeBefore: Self.mean(probeBefore), probeAfter: Self.mean(probeAfter),
                              conceptBefore: Self.mean(before.map(concept)), conceptAfter: Self.mean(after.map(concept)),
                              conceptMedianBefore: quantile(before.map(concept).filter(\.isFinite), 0.5),
                              conceptMedianAfter: quantile(after.map(concept).filter(\.isFinite), 0.5),
                              search: searchSummary, changes: changes, watched: watched, sweep: sweep, notes: data.notes)
        let findings = [
            String(format: "The formula %@ itself moved toward the target (%.3g) in %.0f%% of %d rows and reached it in %.0f%%; the probe passed its threshold "
                   + "(%.3g) in %.0f%%, and in %.0f%% it did while the formula stayed short (fooled).", settings.concept as NSString, goal,
                   100 * searchSummary.conceptTowardTarget, searched.count, 100 * searchSummary.conceptReached, threshold,
                   100 * searchSummary.probeReached, 100 * searchSummary.fooled),
            String(format: "Regressor R² %.3f, probe R² %.3f; the probe moved from %.2f to %.2f, the formula's median from %.3g to %.3g (mean %.3g to %.3g); "
                   + "%.1f features changed per row.", modelR2, probeR2, summary.probeBefore, summary.probeAfter, summary.conceptMedianBefore,
                   summary.conceptMedianAfter, summary.conceptBefore, summary.conceptAfter, searchSummary.meanFeaturesChanged),
        ] + watched.map { String(format: "Watched: %@ rose in %.0f%% of the rows (mean %.3g to %.3g).", $0.formula as NSString, 100 * $0.rose, $0.meanBefore, $0.meanAfter) }
            + data.notes
        try RunManifest(
            command: "tabular", title: "Tabular: concept backpropagation on a table",
            summary: "An MLP regressor of \(settings.target) on \(settings.csv), a probe for the concept \(settings.concept) at its last hidden layer, "
                + "and \(searched.count) held-out rows\(settings.allRows ? "" : " below the target") perturbed, within the range each feature takes in the data, "
                + "until the probe reads \(String(format: "%.3g", goal)). The formula judges each row; features that move besides "
                + "the ones in the formula show what the network entangles with the concept.",
            settings: settings, outcome: summary, findings: findings,
            tables: [.init(path: "feature_changes.csv", caption: "mean change of each feature, raw and in standard deviations")]
                + (sweep.isEmpty ? [] : [.init(path: "sweep.csv", caption: "the search at every swept λ₁")]),
            figures: [.init(path: formats.file("feature_changes"), caption: "mean change of each feature, in standard deviations")]
                + (sweep.isEmpty ? [] : [.init(path: formats.file("sweep"), caption: "formula toward target, probe gain and features changed against λ₁")]),
            files: [.init(path: "rows.csv", caption: "every searched row before and after"),
                    .init(path: "split.csv", caption: "each used row's file line, whether it trained or tested the regressor and probe, and its concept value"),
                    .init(path: "activations.npy", caption: "the probed layer's activations (\(layer)) of every used row, in file order")]
        ).write(to: out)
        return summary
    }

    private func writeSweep(_ sweep: [SearchSummary], out: String, formats: FigureFormats) throws {
        let figure = TradeOffFigure(title: settings.concept, costLabel: "L1 penalty", metrics: ["formula toward target", "probe gain", "features changed"],
                                    points: sweep.map { .init(series: "gradient", cost: Double($0.l1), values: [$0.conceptTowardTarget, $0.probeGain, $0.meanFeaturesChanged]) })
        try figure.write(to: out, columns: ["concept_toward_target", "probe_gain", "mean_features_changed"], formats: formats)
    }

    private static func mean(_ values: [Double]) -> Double {
        let finite = values.filter(\.isFinite)
        return finite.reduce(0, +) / Double(max(finite.count, 1))
    }

    private func write(out: String, formats: FigureFormats, changes: [FeatureChange], before: [[Double]], after: [[Double]], searched: [Int],
                       probe: ([Double], [Double]), prediction: ([Double], [Double]), concept: ([Double]) -> Double) throws {
        var table = "feature,mean_change,mean_change_sd\n"
        for change in changes { table += "\(csvField(change.name)),\(change.meanChange),\(change.standardizedChange)\n" }
        try AtomicFileWriter.write(Data(table.utf8), to: out + "/feature_changes.csv")
        let bars = changes.map { BarChart.Bar(label: $0.name, value: $0.standardizedChange, color: LinePlot.palette[$0.standardizedChange >= 0 ? 0 : 5]) }
        try BarChart(title: "Mean feature change maximising \(settings.concept)", valueLabel: "change (standard deviations)", bars: bars)
            .write(to: out + "/feature_changes", formats: formats)
        let names = data.featureNames.map(csvField)
        var rows = (["line"] + names.map { $0 + "_before" } + names.map { $0 + "_after" }
            + ["concept_before", "concept_after", "probe_before", "probe_after", "prediction_before", "prediction_after"]).joined(separator: ",") + "\n"
        for index in searched.indices {
            let values = before[index] + after[index] + [concept(before[index]), concept(after[index]), probe.0[index], probe.1[index],
                                                         prediction.0[index], prediction.1[index]]
            rows += "\(data.lines[searched[index]])," + values.map { String($0) }.joined(separator: ",") + "\n"
        }
        try AtomicFileWriter.write(Data(rows.utf8), to: out + "/rows.csv")
    }

    /// What a reference needs to redo the fits on the same rows and activations: each kept
    /// row's file line, split and concept value (`split.csv`), and the probed layer's
    /// activations of every kept row in file order (`activations.npy`, rows × units).
    private func writeReferenceInputs(out: String, train: [Int], test: [Int], concept: [Double], activations: Tensor) throws {
        var split = [String](repeating: "", count: data.lines.count)
        for row in train { split[row] = "train" }
        for row in test { split[row] = "test" }
        let table = "line,split,concept\n" + data.lines.indices.map { "\(data.lines[$0]),\(split[$0]),\(concept[$0])\n" }.joined()
        try AtomicFileWriter.write(Data(table.utf8), to: out + "/split.csv")
        try NPYFile.write(activations.storage, shape: activations.shape, to: out + "/activations.npy")
    }

    private func csvField(_ text: String) -> String {
        text.contains(",") || text.contains("\"") ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }

    private func quantile(_ values: [Double], _ q: Double) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, Int(q * Double(sorted.count - 1)))]
    }

    /// A column's mean and deviation (1 when constant).
    private struct Scale {
        let mean: Double
        let deviation: Double

        init(_ values: [Double]) {
            let mean = values.reduce(0, +) / Double(max(values.count, 1))
            let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(max(values.count, 1))
            self.mean = mean
            deviation = variance > 1e-24 ? variance.squareRoot() : 1
        }

        func standardize(_ value: Double) -> Double { (value - mean) / deviation }
        func restore(_ value: Double) -> Double { value * deviation + mean }
    }
}
