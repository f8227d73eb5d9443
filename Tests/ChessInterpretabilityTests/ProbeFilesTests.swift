import Chess
import ChessModel
import DataFiles
import Foundation
import Neural
import Plotting
import Interpretability
@testable import ChessInterpretability
import Testing

/// What probe-related commands leave on disk: exported activations, and saved probes
/// that a later command fits into an existing run.
struct ProbeFilesTests {
    static func folder(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("probe-files-\(name)-\(getpid())").path
    }

    @Test func exportedArraysHoldTheNetworksActivationsOfTheListedPositions() throws {
        var settings = TrackerTests.settings
        settings.layers = ["stem", "value"]
        let out = Self.folder("export")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let files = try ActivationExport(settings: settings).run(out: out)
        #expect(files.count == 1 + 2 * 2 + 1)  // positions, 2 steps × 2 layers, manifest
        let table = try CSVTable(path: out + "/positions.csv")
        #expect(Array(table.columns.prefix(7)) == ["row", "fen", "source", "game", "ply", "split", "used_by"])
        // The shared rows, then in_check's own (rarer than one position in eight): each block train, then validation, then test.
        let shared = table.rows.filter { $0[6] == "all" }, own = table.rows.filter { $0[6] == "in_check" }
        #expect(shared.count == settings.positions && !own.isEmpty && shared.count + own.count == table.rows.count)
        #expect(Array(table.rows.prefix(shared.count).map { $0[6] }) == shared.map { $0[6] })
        let order = ["train", "validation", "test"]
        for block in [shared, own] {
            let splits = block.map { $0[5] }
            #expect(splits == splits.sorted { order.firstIndex(of: $0)! < order.firstIndex(of: $1)! })
        }
        // A concept's cells are filled exactly on the rows its probe uses.
        let inCheck = table.columns.firstIndex(of: "in_check")!, queens = table.columns.firstIndex(of: "my_queens")!
        #expect(own.allSatisfy { $0[inCheck] == "1" && CSVTable.isMissing($0[queens]) })
        #expect(shared.allSatisfy { !CSVTable.isMissing($0[inCheck]) && !CSVTable.isMissing($0[queens]) })

        let data = try Data(contentsOf: URL(fileURLWithPath: out + "/\(ModelDirectory.stepName(TrackerTests.step))-stem.npy"))
        let headerLength = Int(data[8]) | Int(data[9]) << 8
        let header = String(decoding: data[10..<(10 + headerLength)], as: UTF8.self)
        #expect(header.contains("'descr': '<f4'") && header.contains("'shape': (\(table.rows.count), \(64 * TrackerTests.channels))"))
        #expect((10 + headerLength) % 64 == 0 && data.count == 10 + headerLength + table.rows.count * 64 * TrackerTests.channels * 4)

        // Rows re-derived from their FEN alone through the checkpoint: the FEN determines the planes.
        let network = try ModelDirectory(path: settings.model).load(step: TrackerTests.step)
        let width = 64 * TrackerTests.channels
        for row in stride(from: 0, to: table.rows.count, by: 61) {
            let position = try Position(fen: table.rows[row][1])
            let expected = network.activations(BoardEncoder.encode([position]), layers: ["stem"])["stem"]!.storage
            let stored = data.withUnsafeBytes { bytes in
                (0..<width).map { bytes.loadUnaligned(fromByteOffset: 10 + headerLength + (row * width + $0) * 4, as: Float.self) }
            }
            #expect(zip(expected, stored).map { abs($0 - $1) }.max()! < 1e-4, "row \(row)")
        }
    }

    @Test func anExportRefusesADirectoryHoldingAnotherRun() throws {
        let out = Self.folder("refuse")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: out) }
        try Data("concept\n".utf8).write(to: URL(fileURLWithPath: out + "/grid.csv"))
        #expect(throws: OutputDirectory.Occupied.self) { try ActivationExport(settings: TrackerTests.settings).run(out: out) }
    }

    @Test func aMissingProbeIsFittedAloneAndTheRunsFilesStayAsTheyWere() throws {
        let out = Self.folder("store")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: out) }
        let grid = "concept,step\nin_check,\(TrackerTests.step)\n"
        try Data(grid.utf8).write(to: URL(fileURLWithPath: out + "/grid.csv"))
        let settings = TrackerTests.settings
        let store = ProbeStore(directory: out, model: settings.model, data: settings.data, seed: settings.seed, positions: settings.positions)
        var warnings = [String]()
        let probe = try store.probe(concept: "in_check", step: TrackerTests.step, layer: "block2") { warnings.append($0) }
        #expect(probe.kind == .logistic && probe.features == 64 * TrackerTests.channels)
        #expect(warnings.contains { $0.contains("fitting one") })
        #expect(try String(contentsOfFile: out + "/grid.csv", encoding: .utf8) == grid)
        #expect(try FileManager.default.contentsOfDirectory(atPath: out).sorted() == ["grid.csv", "probes"])
        #expect(FileManager.default.fileExists(atPath: store.path(concept: "in_check", step: TrackerTests.step, layer: "block2")))
    }

    @Test func aConceptThatNeverHoldsInTheCollectionIsNamedPlainly() throws {
        let settings = TrackerTests.settings
        // Opening plies in which no side ever has a mate in one (scripts/make-probe-fixtures.py).
        let openings = Bundle.module.url(forResource: "openings", withExtension: "pgn", subdirectory: "Fixtures")!.path
        let store = ProbeStore(directory: Self.folder("never"), model: settings.model, data: [openings], seed: settings.seed,
                               positions: settings.positions)
        defer { try? FileManager.default.removeItem(atPath: Self.folder("never")) }
        #expect {
            _ = try store.probe(concept: "has_mate_in_one", step: TrackerTests.step, layer: "block2") { _ in }
        } throws: { error in
            "\(error)".contains("has_mate_in_one") && "\(error)".contains("false in every one")
        }
    }
}

struct SparsityCurveTests {
    /// At the value head's 64 units: one unit reads less of my queen count than the dense
    /// probe, and a "sparse" probe allowed all 64 (fitted iteratively) scores as the dense
    /// one (exact ridge) does.
    @Test func scoreGrowsWithTheFeaturesAProbeMayUse() throws {
        var settings = TrackerTests.settings
        (settings.penalties, settings.layers) = ([1, 0.1, 0.01], ["value"])
        let tracker = try ProbeTracker(settings: settings)
        let curve = try SparsityCurve(tracker: tracker, concept: "my_queens", step: TrackerTests.step, layer: "value", sizes: [64, 1])
        #expect(curve.points.map(\.k) == [1, 64, nil])
        let scores = curve.points.map(\.score)
        #expect(scores[0] < scores[2])
        #expect(abs(scores[1] - scores[2]) < 1e-3, "the iterative fit on every unit agrees with exact ridge")
        let out = ProbeFilesTests.folder("sparsity")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let files = try curve.write(to: out, formats: .all)
        #expect(files.map { ($0 as NSString).pathExtension } == ["csv", "png", "svg", "pdf"])
        #expect(try CSVTable(path: files[0]).rows.count == 3)
        _ = try RasterImage.decodePNG(Data(contentsOf: URL(fileURLWithPath: files[1])))
        #expect(try String(contentsOfFile: files[2], encoding: .utf8).contains(">features (k) (log scale)</text>"))
    }
}
