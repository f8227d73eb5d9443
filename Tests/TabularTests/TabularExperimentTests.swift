import DataFiles
import Foundation
import Interpretability
import Neural
import Testing
import Tabular

struct TabularExperimentTests {
    /// 400 rows: y = 3a − 2b + c + noise; the concept a / (b + 4) lives in the features.
    static func writeTable(_ name: String) throws -> String {
        var random = SplitMix64(seed: 5)
        var text = "a,b,c,y\n"
        for _ in 0..<400 {
            let (a, b, c) = (random.nextUnit() * 4, random.nextUnit() * 4, random.nextUnit())
            text += "\(a),\(b),\(c),\(3 * a - 2 * b + c + 0.1 * random.nextUnit())\n"
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tabular-\(name)-\(getpid()).csv").path
        try AtomicFileWriter.write(Data(text.utf8), to: path)
        return path
    }

    @Test func theSearchMovesTheProbeToItsTargetAndASeedRepeatsIt() throws {
        let csv = try Self.writeTable("search")
        defer { try? FileManager.default.removeItem(atPath: csv) }
        var settings = TabularExperiment.Settings(csv: csv, target: "y", concept: "a / (b + 4)")
        settings.epochs = 30
        settings.rows = 40
        settings.search = PerturbationSearch(l1: 0.001, steps: 200)
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("tabular-out-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        settings.watched = ["a - b"]
        settings.sweep = [0, 0.3]
        let summary = try TabularExperiment(settings: settings).run(out: out + "/1")
        #expect(summary.probeR2 > 0.8)
        // Rows start below the target; the formula itself, not only the probe, rose in nearly all.
        #expect(summary.search.conceptTowardTarget >= 0.9 && summary.search.probeReached > 0.8)
        #expect(summary.search.fooled <= summary.search.probeReached && summary.probeAfter > summary.probeBefore)
        // The rules agree: the formula rose, by raising a and lowering b; c barely moved.
        #expect(summary.conceptAfter > summary.conceptBefore && summary.conceptMedianAfter > summary.conceptMedianBefore)
        let change = Dictionary(uniqueKeysWithValues: summary.changes.map { ($0.name, $0.standardizedChange) })
        #expect(change["a"]! > 0 && change["b"]! < 0)
        #expect(abs(change["c"]!) < max(abs(change["a"]!), abs(change["b"]!)) / 2)
        #expect(summary.watched.count == 1 && summary.watched[0].rose > 0.8)
        // A larger λ₁ changes fewer features.
        #expect(summary.sweep.map(\.l1) == [0, 0.3] && summary.sweep[1].meanFeaturesChanged < summary.sweep[0].meanFeaturesChanged)
        // Every perturbed row stays within the range each feature takes in the data (a, b in 0…4, c in 0…1).
        let rows = try CSVTable(path: out + "/1/rows.csv")
        for (column, high) in [("a_after", 4.0), ("b_after", 4.0), ("c_after", 1.0)] {
            let values = try rows.numbers(rows.columns.firstIndex(of: column)!)
            #expect(values.allSatisfy { $0.map { $0 >= -1e-4 && $0 <= high + 1e-4 } ?? false }, "\(column)")
        }
        try Self.expectTheProbeRefitsFromTheExportedSplitAndActivations(out: out + "/1", csv: csv, probeR2: summary.probeR2)
        _ = try TabularExperiment(settings: settings).run(out: out + "/2")
        let first = try Data(contentsOf: URL(fileURLWithPath: out + "/1/rows.csv"))
        #expect(first == (try Data(contentsOf: URL(fileURLWithPath: out + "/2/rows.csv"))))
        #expect(FileManager.default.fileExists(atPath: out + "/1/feature_changes.png") && FileManager.default.fileExists(atPath: out + "/1/sweep.png"))
    }

    /// A reference reads `split.csv` and `activations.npy` to refit on the same rows and
    /// activations: refitted here, the probe scores what the run reported.
    static func expectTheProbeRefitsFromTheExportedSplitAndActivations(out: String, csv: String, probeR2: Double) throws {
        let split = try CSVTable(path: out + "/split.csv")
        #expect(split.columns == ["line", "split", "concept"])
        #expect(split.rows.map { Int($0[0])! } == Array(2...401))
        #expect(split.rows.count { $0[1] == "test" } == 80 && split.rows.count { $0[1] == "train" } == 320)
        let data = try Data(contentsOf: URL(fileURLWithPath: out + "/activations.npy"))
        let headerLength = Int(data[8]) | Int(data[9]) << 8
        let header = String(decoding: data[10..<(10 + headerLength)], as: UTF8.self)
        let width = 64
        #expect(header.contains("'shape': (400, \(width))") && data.count == 10 + headerLength + 400 * width * 4)
        let activations = data.withUnsafeBytes { bytes in
            (0..<(400 * width)).map { bytes.loadUnaligned(fromByteOffset: 10 + headerLength + $0 * 4, as: Float.self) }
        }
        let table = try CSVTable(path: csv)
        let (a, b) = (try table.numbers(0).map { $0! }, try table.numbers(1).map { $0! })
        let concept = try split.numbers(2).map { $0! }
        #expect(zip(concept, zip(a, b)).allSatisfy { abs($0 - $1.0 / ($1.1 + 4)) < 1e-12 })
        func rows(_ name: String) -> [Int] { split.rows.indices.filter { split.rows[$0][1] == name } }
        func design(_ rows: [Int]) -> Tensor { Tensor(shape: [rows.count, width], rows.flatMap { activations[($0 * width)..<(($0 + 1) * width)] }) }
        let (train, test) = (rows("train"), rows("test"))
        let probe = ProbeFitter(l2: 1e-3).fit(design(train), labels: train.map { concept[$0] }, kind: .linear)
        let refitted = Metrics.r2(labels: test.map { concept[$0] }, predictions: probe.predict(design(test)))
        #expect(abs(refitted - probeR2) < 1e-4, "refitted \(refitted), reported \(probeR2)")
    }

    @Test func anotherCommandsOutputIsRefusedBeforeTraining() throws {
        let csv = try Self.writeTable("occupied")
        defer { try? FileManager.default.removeItem(atPath: csv) }
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("tabular-occupied-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        try AtomicFileWriter.write(Data("{}".utf8), to: out + "/run.json")
        try AtomicFileWriter.write(Data("{}".utf8), to: out + "/relevance.json")
        let experiment = try TabularExperiment(settings: TabularExperiment.Settings(csv: csv, target: "y", concept: "a / (b + 4)"))
        #expect { try experiment.run(out: out) } throws: { ($0 as? OutputDirectory.Occupied).map { Set($0.files) == ["relevance.json", "run.json"] } ?? false }
        #expect(try String(contentsOfFile: out + "/run.json", encoding: .utf8) == "{}")
    }

    @Test func aConceptOutsideTheFeaturesIsRefused() throws {
        let csv = try Self.writeTable("refused")
        defer { try? FileManager.default.removeItem(atPath: csv) }
        var settings = TabularExperiment.Settings(csv: csv, target: "y", concept: "a / d")
        #expect(throws: DataFileError.self) { try TabularExperiment(settings: settings) }
        settings.concept = "a /"
        #expect(throws: DataFileError.self) { try TabularExperiment(settings: settings) }
    }
}
