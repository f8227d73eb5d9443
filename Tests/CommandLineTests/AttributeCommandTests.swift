import DataFiles
import Foundation
import Testing

struct AttributeCommandTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized.path

    /// The first `games` games of the shipped corpus as a plain PGN file.
    static func corpusPrefix(games: Int, to path: String) throws {
        let text = String(decoding: try CompressedFileReader(path: root + "/positions/selfplay.pgn.gz").readToEnd(), as: UTF8.self)
        let starts = text.ranges(of: "[Event ").map(\.lowerBound)
        try Data(text[..<starts[games]].utf8).write(to: URL(fileURLWithPath: path))
    }

    /// A small attribution on the shipped model: a ranked table whose scores are the
    /// checkpoints' mean, the boards, the summary; and bad settings named.
    @Test func attributeRanksTrainingPositionsAndNamesBadSettings() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("attribute-\(getpid())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let games = directory + "/games.pgn"
        try Self.corpusPrefix(games: 150, to: games)
        let common = ["attribute", "--model", Self.root + "/models/default", "--train", games, "--test", games, "--probes", directory + "/probes"]
        let result = try CommandRunner.run(common + ["--concept", "material_advantage", "--layer", "block2", "--train-positions", "20",
                                                     "--test-positions", "40", "--projection-dim", "16", "--checkpoints", "2", "--out", directory + "/out"])
        #expect(result.status == 0, "\(result.standardError)")
        let table = try CSVTable(path: directory + "/out/attribution.csv")
        #expect(table.rows.count == 20)
        let saved = try FileManager.default.contentsOfDirectory(atPath: Self.root + "/models/default")
            .compactMap { $0.hasPrefix("step-") ? Int($0.dropFirst(5).prefix(7)) : nil }.sorted()
        let lastTwo = saved.suffix(2)
        #expect(Array(table.columns.prefix(4)) == ["rank", "score"] + lastTwo.map { "score_step_\($0)" })
        let scores = table.rows.map { Double($0[1])! }
        #expect(scores == scores.sorted(by: >))
        for row in table.rows {
            #expect(abs(Double(row[1])! - (Double(row[2])! + Double(row[3])!) / 2) <= 1e-4 * max(abs(Double(row[1])!), 1e-6))
        }
        #expect(Set(scores).count > 10, "the positions get different scores")
        for name in ["top.png", "top.svg", "bottom.png", "attribution.json"] { #expect(FileManager.default.fileExists(atPath: directory + "/out/" + name)) }
        let categorical = try CommandRunner.run(common + ["--concept", "game_phase"])
        #expect(categorical.status != 0 && categorical.standardError.contains("--concept game_phase: categorical"))
        let input = try CommandRunner.run(common + ["--concept", "in_check", "--layer", "input"])
        #expect(input.status != 0 && input.standardError.contains("--layer input"))
    }
}
