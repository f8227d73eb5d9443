import Foundation
import Testing

/// Runs killed part way (SIGKILL, so nothing gets to tidy up) and continued with `--resume`
/// end as runs that were never interrupted, without redoing what they had finished.
struct InterruptedRunTests {
    static let root = ConceptRelevanceCommandTests.root

    @Test func aProbeGridKilledHalfWayResumesToTheUninterruptedGrid() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("resume-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: base) }
        let common = ["probe", "--model", Self.root + "/models/default", "--data", Self.root + "/positions/selfplay.pgn.gz",
                      "--concepts", "in_check,material_balance", "--layers", "block1,block6", "--steps", "0,961,30000",
                      "--positions", "200", "--format", "svg"]
        let straight = try CommandRunner.run(common + ["--out", base + "/straight"])
        #expect(straight.status == 0, "\(straight.standardError)")

        // Killed once the grid holds its second checkpoint and before it holds the last.
        let interrupted = base + "/interrupted"
        let killed = try CommandRunner.kill(common + ["--out", interrupted]) {
            ((try? String(contentsOfFile: interrupted + "/grid.csv", encoding: .utf8)) ?? "").contains(",961,")
        }
        try #require(killed, "the run ended before it could be killed")
        let partial = try String(contentsOfFile: interrupted + "/grid.csv", encoding: .utf8)
        #expect(!partial.contains(",30000,"))
        let firstProbe = interrupted + "/probes/in_check/step-0000000-block1.safetensors"
        let written = try FileManager.default.attributesOfItem(atPath: firstProbe)[.modificationDate] as! Date

        let resumed = try CommandRunner.run(common + ["--out", interrupted, "--resume"])
        #expect(resumed.status == 0, "\(resumed.standardError)")
        #expect(try String(contentsOfFile: interrupted + "/grid.csv", encoding: .utf8)
                == String(contentsOfFile: base + "/straight/grid.csv", encoding: .utf8))
        #expect(try FileManager.default.attributesOfItem(atPath: firstProbe)[.modificationDate] as! Date == written)
        for name in ["emergence.csv", "in_check-heatmap.svg", "overview.svg", "probes/material_balance/step-0030000-block6.safetensors"] {
            #expect(FileManager.default.fileExists(atPath: interrupted + "/" + name), "\(name)")
        }
        // Other settings are refused rather than mixed into the grid.
        let other = try CommandRunner.run(common.map { $0 == "200" ? "300" : $0 } + ["--out", interrupted, "--resume"])
        #expect(other.status != 0 && other.standardError.contains("its grid was made with other settings"), "\(other.standardError)")
    }

    @Test func aRelMaxRankingKilledPartWayResumesToTheUninterruptedRanking() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("relmax-resume-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: base) }
        let positions = 3_000
        let common = ["relmax", "--model", Self.root + "/models/default", "--data", Self.root + "/positions/selfplay.pgn.gz",
                      "--layer", "block2", "--channels", "5,17", "--top", "4", "--positions", "\(positions)", "--format", "svg"]
        let straight = try CommandRunner.run(common + ["--out", base + "/straight"])
        #expect(straight.status == 0, "\(straight.standardError)")

        // Killed once the saved ranking has read part of the collection, before the figures.
        let interrupted = base + "/interrupted"
        var readWhenKilled = 0
        let killed = try CommandRunner.kill(common + ["--out", interrupted]) {
            guard let data = FileManager.default.contents(atPath: interrupted + "/ranking.json"),
                  let ranking = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let read = ranking["positionsRead"] as? Int else { return false }
            readWhenKilled = read
            return read > 0
        }
        try #require(killed, "the run ended before it could be killed")
        #expect(readWhenKilled < positions && readWhenKilled % 256 == 0)
        #expect(!FileManager.default.fileExists(atPath: interrupted + "/references.csv"))

        let resumed = try CommandRunner.run(common + ["--out", interrupted, "--resume"])
        #expect(resumed.status == 0, "\(resumed.standardError)")
        #expect(resumed.standardOutput.contains("(\(positions) in the ranking)"))
        let resumedRead = try #require(resumed.standardOutput.firstMatch(of: /Read (\d+) positions/).map { Int($0.1)! })
        #expect(resumedRead < positions, "the resumed run read the collection again from the start")
        for name in ["ranking.json", "references.csv"] {
            #expect(try Data(contentsOf: URL(fileURLWithPath: interrupted + "/" + name)) == Data(contentsOf: URL(fileURLWithPath: base + "/straight/" + name)), "\(name)")
        }
    }
}
