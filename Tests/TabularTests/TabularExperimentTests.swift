import DataFiles
import Foundation
import Interpretability
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
        _ = try TabularExperiment(settings: settings).run(out: out + "/2")
        let first = try Data(contentsOf: URL(fileURLWithPath: out + "/1/rows.csv"))
        #expect(first == (try Data(contentsOf: URL(fileURLWithPath: out + "/2/rows.csv"))))
        #expect(FileManager.default.fileExists(atPath: out + "/1/feature_changes.png") && FileManager.default.fileExists(atPath: out + "/1/sweep.png"))
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
