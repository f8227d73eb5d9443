import Foundation
import Glibc
import Testing

/// A probe grid killed part way and continued with `--resume` ends as the grid of a run
/// that was never interrupted, without fitting again what it had finished.
struct ProbeResumeTests {
    static let root = ConceptRelevanceCommandTests.root

    @Test func aGridKilledHalfWayResumesToTheUninterruptedGrid() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("resume-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: base) }
        let common = ["probe", "--model", Self.root + "/models/default", "--data", Self.root + "/positions/selfplay.pgn.gz",
                      "--concepts", "in_check,material_balance", "--layers", "block1,block6", "--steps", "0,961,30000",
                      "--positions", "200", "--format", "svg"]
        let straight = try CommandRunner.run(common + ["--out", base + "/straight"])
        #expect(straight.status == 0, "\(straight.standardError)")

        // Killed once the grid holds its second checkpoint and before it holds the last.
        let interrupted = base + "/interrupted"
        let process = Process()
        process.executableURL = CommandRunner.executable
        process.arguments = common + ["--out", interrupted]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(300)
        while process.isRunning && Date() < deadline {
            let grid = (try? String(contentsOfFile: interrupted + "/grid.csv", encoding: .utf8)) ?? ""
            if grid.contains(",961,") {
                kill(process.processIdentifier, SIGKILL)
                break
            }
            usleep(20_000)
        }
        process.waitUntilExit()
        try #require(process.terminationReason == .uncaughtSignal, "the run ended before it could be killed")
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
}
