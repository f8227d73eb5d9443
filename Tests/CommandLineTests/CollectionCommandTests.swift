import Foundation
import Testing

struct CollectionCommandTests {
    static let quirks = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../ChessTests/Fixtures/quirks.pgn").standardized.path

    @Test func analyseWritesTheTableAndSummarisesErrors() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("analyse-\(UUID()).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let result = try CommandRunner.run(["analyse", Self.quirks, "--format", "jsonl", "--concepts", "in_check,has_mate_in_one", "--out", out])
        #expect(result.status == 0)
        #expect(result.standardOutput.isEmpty)
        let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 61)
        #expect(lines.contains { $0.contains("\"has_mate_in_one\":1") })
        #expect(result.standardError.contains("warning: \(Self.quirks): game 9, line 47: illegal move 'Ke3'"))
        #expect(result.standardError.contains("10 games, 61 positions"))
        #expect(result.standardError.contains("illegal move: 1"))
    }

    @Test func nothingReadableFailsTheRun() throws {
        let result = try CommandRunner.run(["analyse", "/no/such/games.pgn"])
        #expect(result.status == 1)
        #expect(result.standardError.contains("/no/such/games.pgn: No such file or directory"))
    }

    @Test func unknownConceptIsAValidationError() throws {
        let result = try CommandRunner.run(["analyse", Self.quirks, "--concepts", "in_check,bogus"])
        #expect(result.status == 64)
        #expect(result.standardError.contains("unknown concept 'bogus'"))
    }

    @Test func conceptsListNamesEveryConcept() throws {
        let result = try CommandRunner.run(["concepts", "--list", "--json"])
        #expect(result.status == 0)
        let entries = try result.standardOutput.split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
        #expect(entries.count >= 40)
        #expect(entries.contains { $0["name"] as? String == "has_mate_in_one" && $0["kind"] as? String == "binary" })
    }
}
