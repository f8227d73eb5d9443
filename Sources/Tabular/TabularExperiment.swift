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
        /// Test rows perturbed.
        package var rows = 200
        package var search = PerturbationSearch()
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

    package struct Summary: Codable, Sendable {
        package let rows: Int
        package let modelR2: Double
        package let probeR2: Double
        package let conceptTarget: Double
        package let probeBefore: Double, probeAfter: Double
        package let conceptBefore: Double, conceptAfter: Double
        package let changes: [FeatureChange]
        package let notes: [String]
    }

    package let settings: Settings
    private let expression: ColumnExpression
    private let data: TabularDataset

    /// Reads and checks the table and the formula; errors name the file, line or column.
    package init(settings: Settings) throws {
        self.settings = settings
        do { expression = try ColumnExpression(parsing: settings.concept) } catch { throw DataFileError(path: settings.csv, reason: error.description) }
        data = try TabularDataset(table: try CSVTable(path: settings.csv), target: settings.target, featureColumns: settings.features,
                                  missing: settings.missing, categorical: settings.categorical)
        let unknown = expression.columns.subtracting(data.featureNames)
        guard unknown.isEmpty else {
            throw DataFileError(path: settings.csv, reason: "the concept reads \(unknown.sorted().joined(separator: ", ")), "
                                + "which \(unknown.count == 1 ? "is not a feature" : "are not features") (features: \(data.featureNames.joined(separator: ", ")))")
        }
        guard data.features.count >= 20 else { throw DataFileError(path: settings.csv, reason: "\(data.features.count) usable rows; at least 20 are needed") }
    }

    /// Trains, probes, searches, and writes `feature_changes.csv`, `feature_changes.png` and `rows.csv` to `out`.
    package func run(out: String, progress: (String) -> Void = { _ in }) throws -> Summary {
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
        let network = Sequential("regressor", [
            Dense("hidden1", inputs: d, outputs: width, random: &weights), Activation("relu1", .relu),
            Dense("hidden2", inputs: width, outputs: width, random: &weights), Activation("relu2", .relu),
            Dense("output", inputs: width, outputs: 1, random: &weights),
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
        let probe = ProbeFitter(l2: 1e-3).fit(network.forward(trainX, mode: .inference, through: layer),
                                              labels: trainConcept.map { $0.isFinite ? $0 : .nan }, kind: .linear)
        let testProbe = probe.predict(network.forward(testX, mode: .inference, through: layer))
        let finite = testConcept.indices.filter { testConcept[$0].isFinite }
        let probeR2 = Metrics.r2(labels: finite.map { testConcept[$0] }, predictions: finite.map { testProbe[$0] })
        let goal = settings.conceptTarget ?? quantile(trainConcept.filter(\.isFinite), 0.95)

        // The search: perturb the held-out rows (standardised units) until the probe reads the goal.
        progress("searching \(min(settings.rows, test.count)) rows")
        let searched = Array(test.prefix(settings.rows))
        let start = design(searched)
        let target = SearchTarget(kind: .linear, value: goal)
        let delta = settings.search.perturbation(of: start) { points in
            let activations = network.forward(points, mode: .inference, through: layer)
            return network.backward(from: layer, target.distanceGradient(probe, at: activations).gradient)
        }
        var end = start
        end.add(delta)
        func original(_ x: Tensor, _ row: Int) -> [Double] { (0..<d).map { featureScale[$0].restore(Double(x.storage[row * d + $0])) } }
        let before = searched.indices.map { original(start, $0) }, after = searched.indices.map { original(end, $0) }
        let probeBefore = probe.predict(network.forward(start, mode: .inference, through: layer))
        let probeAfter = probe.predict(network.forward(end, mode: .inference, through: layer))
        let (predictionBefore, predictionAfter) = (predict(start), predict(end))
        let changes = (0..<d).map { column in
            let mean = searched.indices.reduce(0) { $0 + after[$1][column] - before[$1][column] } / Double(searched.count)
            return FeatureChange(name: data.featureNames[column], meanChange: mean, standardizedChange: mean / featureScale[column].deviation)
        }
        try write(out: out, changes: changes, before: before, after: after, searched: searched,
                  probe: (probeBefore, probeAfter), prediction: (predictionBefore, predictionAfter), concept: concept)
        let average = { (values: [Double]) in values.filter(\.isFinite).reduce(0, +) / Double(max(values.filter(\.isFinite).count, 1)) }
        let summary = Summary(rows: searched.count, modelR2: modelR2, probeR2: probeR2, conceptTarget: goal,
                              probeBefore: average(probeBefore), probeAfter: average(probeAfter),
                              conceptBefore: average(before.map(concept)), conceptAfter: average(after.map(concept)), changes: changes, notes: data.notes)
        try RunManifest(
            command: "tabular", title: "Tabular: concept backpropagation on a table",
            summary: "An MLP regressor of \(settings.target) on \(settings.csv), a probe for the concept \(settings.concept) at its last hidden layer, "
                + "and \(searched.count) held-out rows perturbed until the probe reads \(String(format: "%.3g", goal)). Features that move besides "
                + "the ones in the formula show what the network entangles with the concept.",
            settings: settings, outcome: summary,
            findings: [String(format: "Regressor R² %.3f, probe R² %.3f; the probe moved from %.2f to %.2f and the concept itself from %.2f to %.2f.",
                              modelR2, probeR2, summary.probeBefore, summary.probeAfter, summary.conceptBefore, summary.conceptAfter)] + data.notes,
            tables: [.init(path: "feature_changes.csv", caption: "mean change of each feature, raw and in standard deviations")],
            figures: [.init(path: "feature_changes.png", caption: "mean change of each feature, in standard deviations")],
            files: [.init(path: "rows.csv", caption: "every searched row before and after")]
        ).write(to: out)
        return summary
    }

    private func write(out: String, changes: [FeatureChange], before: [[Double]], after: [[Double]], searched: [Int],
                       probe: ([Double], [Double]), prediction: ([Double], [Double]), concept: ([Double]) -> Double) throws {
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        var table = "feature,mean_change,mean_change_sd\n"
        for change in changes { table += "\(csvField(change.name)),\(change.meanChange),\(change.standardizedChange)\n" }
        try AtomicFileWriter.write(Data(table.utf8), to: out + "/feature_changes.csv")
        let bars = changes.map { BarChart.Bar(label: $0.name, value: $0.standardizedChange, color: LinePlot.palette[$0.standardizedChange >= 0 ? 0 : 5]) }
        try BarChart(title: "Mean feature change maximising \(settings.concept)", valueLabel: "change (standard deviations)", bars: bars)
            .render().writePNG(to: out + "/feature_changes.png")
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
