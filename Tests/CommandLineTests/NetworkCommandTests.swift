import Foundation
import Testing

/// `eval` and `probe` on both kinds of model: the own network and Stockfish's NNUE.
struct NetworkCommandTests {
    static let stockfishInstalled = FileManager.default.isExecutableFile(atPath: "/usr/games/stockfish")
        || (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/stockfish") }

    @Test func evalOfTheOwnNetworkListsLegalMovesAndAnOutcome() throws {
        let result = try CommandRunner.run(["eval", "--fen", "startpos", "--json", "--moves", "3"])
        #expect(result.status == 0, "\(result.standardError)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        let moves = try #require(object["moves"] as? [[String: Any]])
        #expect(moves.count == 3)
        let probabilities = moves.map { $0["probability"] as! Double }
        #expect(probabilities == probabilities.sorted(by: >) && probabilities.reduce(0, +) <= 1.0001)
        #expect(Set(moves.map { $0["uci"] as! String }).isSubset(of: ["e2e4", "d2d4", "c2c4", "g1f3", "f2f4", "e2e3", "d2d3", "b1c3", "g2g3", "c2c3", "b2b3", "a2a3",
                                                                  "a2a4", "b2b4", "f2f3", "g2g4", "h2h3", "h2h4", "b1a3", "g1h3"]))
        let outcome = ["win", "draw", "loss"].map { object[$0] as! Double }
        #expect(abs(outcome.reduce(0, +) - 1) < 1e-3)
    }

    /// Stockfish 15.1's `eval` of this position printed NNUE evaluation +0.28 and this table.
    @Test(.enabled(if: stockfishInstalled, "Stockfish is not installed")) func evalOfStockfishPrintsWhatItsEvalPrints() throws {
        let fen = "r1bqkbnr/pppp1ppp/2n5/4p3/4P3/5N2/PPPP1PPP/RNBQKB1R w KQkq - 2 3"
        let result = try CommandRunner.run(["eval", "--model", "stockfish", "--fen", fen, "--json"])
        #expect(result.status == 0, "\(result.standardError)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        #expect(object["nnue_evaluation"] as? Double == 0.28)
        #expect(object["bucket"] as? Int == 7)
        let buckets = try #require(object["buckets"] as? [[String: Double]])
        #expect(buckets.map { $0["psqt"]! } == [-0.04, -0.03, -0.04, -0.02, -0.02, -0.02, -0.03, -0.02])
        #expect(buckets.map { $0["positional"]! } == [0.43, 0.61, 0.30, 0.30, 0.30, 0.26, 0.25, 0.30])
    }

    @Test(.enabled(if: stockfishInstalled, "Stockfish is not installed")) func evalOfACollectionSkipsABrokenLineByName() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("eval-\(UUID().uuidString).fen")
        try "startpos-is-not-a-fen\n\(String(describing: "8/8/8/8/8/4k3/8/4K2R w K - 0 1"))\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try CommandRunner.run(["eval", "--model", "stockfish", "--positions", file.path, "--json"])
        #expect(result.status == 0)
        #expect(result.standardOutput.split(separator: "\n").count == 1)
        #expect(result.standardError.contains(file.path) && result.standardError.contains("line 1"))
    }

    @Test func aMissingNetworkFileIsNamed() throws {
        let result = try CommandRunner.run(["eval", "--model", "/nonexistent/nn.nnue", "--fen", "startpos"])
        #expect(result.status != 0)
        #expect(result.standardError.contains("--model /nonexistent/nn.nnue"))
    }

    @Test(.enabled(if: stockfishInstalled, "Stockfish is not installed")) func probeOnStockfishWritesAGridOfItsLayers() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("nnue-probe-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let result = try CommandRunner.run(["probe", "--model", "stockfish", "--concepts", "in_check,material_advantage", "--positions", "600",
                                            "--layers", "input,accumulator,output", "--out", out])
        #expect(result.status == 0, "\(result.standardError)")
        let grid = try String(contentsOfFile: out + "/grid.csv", encoding: .utf8)
        let header = grid.split(separator: "\n")[0].split(separator: ",").map(String.init)
        let layer = try #require(header.firstIndex(of: "layer")), step = try #require(header.firstIndex(of: "step"))
        let rows = grid.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        #expect(Set(rows.map { $0[layer] }) == ["input", "accumulator", "output"])
        // The fixed network's one checkpoint, and its shuffled-weights baseline.
        #expect(Set(rows.map { $0[step] }) == ["0", "1"])
    }

    /// RelMax ranks NNUE's units through the same interface; the explanatory graph, which
    /// follows convolution channels, refuses it by name.
    @Test(.enabled(if: stockfishInstalled, "Stockfish is not installed")) func relmaxRanksNNUEUnitsAndTheGraphRefusesNNUE() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("nnue-relmax-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let relmax = try CommandRunner.run(["relmax", "--model", "stockfish", "--layer", "fc0", "--channels", "0,5", "--positions", "150", "--top", "3", "--out", out])
        #expect(relmax.status == 0, "\(relmax.standardError)")
        #expect(relmax.standardOutput.contains("Read 150 positions") && relmax.standardOutput.contains("fc0 at step 1"))
        let csv = try String(contentsOfFile: out + "/references.csv", encoding: .utf8).split(separator: "\n")
        #expect(csv.count == 1 + 2 * 2 * 3)
        let graph = try CommandRunner.run(["graph", "--model", "stockfish", "--fen", "startpos", "--out", out + "-graph"])
        #expect(graph.status == 64 && graph.standardError.contains("--model stockfish: the explanatory graph follows convolution channels"))
    }
}
