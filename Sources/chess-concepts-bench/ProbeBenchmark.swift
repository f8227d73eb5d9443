import ArgumentParser
import DataFiles
import Foundation
import Neural
import Probing

struct ProbeBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Fit time of the logistic probes on planted activations beside scikit-learn's LogisticRegression on the same data.")

    @Option(help: "Training rows.")
    var rows = 50_000

    @Option(help: "Features (activation size).")
    var features = 4_096

    @Option(help: "The Python interpreter with scikit-learn and numpy installed.")
    var python = "python3"

    @Flag(help: "Time only our probes (for profiling).")
    var oursOnly = false

    func run() throws {
        let (train, labels) = planted(rows: rows, seed: 1)
        let (test, testLabels) = planted(rows: 10_000, seed: 2)
        print("logistic probe, \(rows) × \(features) activations, binary labels from a planted direction")
        print("times include standardising the training rows (scikit-learn: StandardScaler fit and transform)")
        let probes = [("L2", ProbeFitter(l2: 1e-4)), ("L1", ProbeFitter(l2: 0, l1: 1e-3))]
        var ours = [(seconds: Double, accuracy: Double)]()
        for (name, fitter) in probes {
            let start = ContinuousClock.now
            let probe = fitter.fit(train, labels: labels, kind: .logistic)
            let seconds = (ContinuousClock.now - start).seconds
            let accuracy = Metrics.accuracy(labels: testLabels, predictions: probe.predict(test).map { $0 > 0.5 ? 1 : 0 })
            let nonzero = probe.weights.filter { $0 != 0 }.count
            print(String(format: "  ours %@ (%@)  %7.2f s   test accuracy %.4f   %d nonzero weights", name as NSString,
                         (name == "L2" ? "L-BFGS" : "OWL-QN") as NSString, seconds, accuracy, nonzero))
            ours.append((seconds, accuracy))
        }
        guard !oursOnly else { return }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("probe-bench-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try NPYFile.write(train.storage, shape: [rows, features], to: directory.appendingPathComponent("x.npy").path)
        try NPYFile.write(labels.map(Float.init), shape: [rows], to: directory.appendingPathComponent("y.npy").path)
        try NPYFile.write(test.storage, shape: [10_000, features], to: directory.appendingPathComponent("xt.npy").path)
        try NPYFile.write(testLabels.map(Float.init), shape: [10_000], to: directory.appendingPathComponent("yt.npy").path)
        // The same objectives: scikit-learn minimises C·Σloss + penalty, ours mean loss + λ·penalty, so C = 1/(λ·n).
        let script = """
            import sys, time, warnings, numpy as np
            from sklearn.linear_model import LogisticRegression
            from sklearn.preprocessing import StandardScaler
            warnings.simplefilter("ignore")
            d = sys.argv[1]
            x, y, xt, yt = (np.load(f"{d}/{n}.npy") for n in ("x", "y", "xt", "yt"))
            for model in (LogisticRegression(C=1.0 / (1e-4 * len(y)), max_iter=1000),
                          LogisticRegression(C=1.0 / (1e-3 * len(y)), penalty="l1", solver="saga")):
                start = time.perf_counter()
                scaler = StandardScaler().fit(x)
                model.fit(scaler.transform(x), y)
                seconds = time.perf_counter() - start
                print(seconds, (model.predict(scaler.transform(xt)) == yt).mean(), end=" ")
            """
        let fields = try PythonReference.measure(python: python, script: script, arguments: [directory.path], expecting: 4,
                                                 install: "pip install scikit-learn numpy")
        for (index, (name, solver)) in [("L2", "lbfgs"), ("L1", "saga")].enumerated() {
            let (seconds, accuracy) = (fields[2 * index], fields[2 * index + 1])
            print(String(format: "  scikit-learn %@ (%@)  %7.2f s   test accuracy %.4f   ours %.1f× faster, accuracy %+.2f points",
                         name as NSString, solver as NSString, seconds, accuracy, seconds / ours[index].seconds,
                         100 * (ours[index].accuracy - accuracy)))
        }
    }

    /// Gaussian activations; label = [x·w + noise > 0] for a dense planted direction w.
    private func planted(rows: Int, seed: UInt64) -> (Tensor, [Double]) {
        let features = features
        var random = SplitMix64(seed: seed)
        var direction = SplitMix64(seed: 99)
        let weights = (0..<features).map { _ in Float(direction.nextUnit() * 2 - 1) }
        var values = [Float](repeating: 0, count: rows * features)
        var labels = [Double]()
        for row in 0..<rows {
            var signal: Float = 0
            for column in 0..<features {
                // A sum of two uniforms: cheap, bell-shaped enough for a benchmark.
                let value = Float(random.nextUnit() + random.nextUnit() - 1)
                values[row * features + column] = value
                signal += value * weights[column]
            }
            labels.append(signal + Float(random.nextUnit() - 0.5) * 4 > 0 ? 1 : 0)
        }
        return (Tensor(shape: [rows, features], values), labels)
    }
}
