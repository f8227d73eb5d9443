import Foundation
import Testing
#if canImport(FoundationXML)
import FoundationXML
#endif

/// `relmax` and `graph` on the shipped model at a small scale: files written, a resumed run
/// reads on, and bad settings are named by their flags.
struct ConceptRelevanceCommandTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized.path

    @Test func relmaxWritesItsFilesReadsOnAndNamesBadSettings() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("relmax-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let common = ["relmax", "--model", Self.root + "/models/default", "--data", Self.root + "/positions/selfplay.pgn.gz",
                      "--channels", "3,41", "--top", "3", "--out", directory]
        let first = try CommandRunner.run(common + ["--positions", "200"])
        #expect(first.status == 0, "\(first.standardError)")
        #expect(first.standardOutput.contains("Read 200 positions"))
        let again = try CommandRunner.run(common + ["--positions", "300", "--resume"])
        #expect(again.status == 0 && again.standardOutput.contains("Read 100 positions") && again.standardOutput.contains("(300 in the ranking)"))
        let svg = try Data(contentsOf: URL(fileURLWithPath: directory + "/target-channel-3.svg"))
        #expect(XMLParser(data: svg).parse())
        let other = try CommandRunner.run(common + ["--positions", "300", "--rules", "zplus", "--resume"])
        #expect(other.status == 64 && other.standardError.contains("--resume \(directory): holds a ranking made with other settings (composite)"))
        let fewer = try CommandRunner.run(common + ["--positions", "100", "--resume"])
        #expect(fewer.status == 64 && fewer.standardError.contains("--positions 100: the ranking in \(directory) has read 300 already"))
        let badChannel = try CommandRunner.run(["relmax", "--model", Self.root + "/models/default", "--channels", "99", "--out", directory + "-x"])
        #expect(badChannel.status == 64 && badChannel.standardError.contains("--channels 99: block6 has channels 0…63"))
        let nothing = try CommandRunner.run(["relmax", "--model", Self.root + "/models/default", "--out", directory + "-y"])
        #expect(nothing.status == 64 && nothing.standardError.contains("--channels none: name channels, or a concept"))
        let badList = try CommandRunner.run(["relmax", "--channels", "three", "--out", directory + "-z"])
        #expect(badList.status == 64 && badList.standardError.contains("--channels must be comma-separated channel numbers"))
    }

    @Test func graphWritesJSONDotAndSVGAndNamesBadSettings() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("graph-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let fen = "r1bqkb1r/pppp1ppp/2n2n2/4p2Q/2B1P3/8/PPPP1PPP/RNB1K1NR w KQkq - 4 4"
        let result = try CommandRunner.run(["graph", "--model", Self.root + "/models/default", "--data", Self.root + "/positions/selfplay.pgn.gz",
                                            "--fen", fen, "--layer", "block2", "--references", "50", "--rules", "epsilon-plus", "--out", directory])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("block2: #"))
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory + "/graph.json"))) as! [String: Any]
        #expect((json["layers"] as! [String]) == ["block2", "block1", "stem"])
        #expect((json["nodes"] as! [Any]).count == 9)
        #expect(XMLParser(data: try Data(contentsOf: URL(fileURLWithPath: directory + "/graph.svg"))).parse())
        #expect(try String(contentsOfFile: directory + "/graph.dot", encoding: .utf8).hasPrefix("digraph explanatory {"))
        let badLayer = try CommandRunner.run(["graph", "--model", Self.root + "/models/default", "--fen", fen, "--layer", "value", "--out", directory + "-x"])
        #expect(badLayer.status == 64 && badLayer.standardError.contains("--layer value: not a layer of the tower"))
        let badThreshold = try CommandRunner.run(["graph", "--model", Self.root + "/models/default", "--fen", fen, "--threshold", "2", "--out", directory + "-y"])
        #expect(badThreshold.status == 64 && badThreshold.standardError.contains("--threshold 2.0: must lie in 0…1"))
        // Another command's output is refused: here relevance's.
        let relevance = directory + "-relevance"
        defer { try? FileManager.default.removeItem(atPath: relevance) }
        #expect(try CommandRunner.run(["relevance", "--model", Self.root + "/models/default", "--concept", "value", "--fen", fen, "--out", relevance]).status == 0)
        let occupied = try CommandRunner.run(["graph", "--model", Self.root + "/models/default", "--fen", fen, "--references", "0", "--out", relevance])
        #expect(occupied.status != 0 && occupied.standardError.contains("\(relevance) holds other files"))
        let badFEN = try CommandRunner.run(["graph", "--model", Self.root + "/models/default", "--fen", "8/8 w", "--out", directory + "-z"])
        #expect(badFEN.status == 64 && badFEN.standardError.contains("--fen"))
    }
}
