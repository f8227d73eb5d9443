import DataFiles
import Foundation
import Testing

/// No command writes into another command's output directory, and `train` never writes
/// over a model unless told to.
struct OutputClaimTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized.path
    static let model = root + "/models/default"
    static let data = root + "/positions/selfplay.pgn.gz"

    static func folder(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("claims-\(name)-\(getpid())").path
    }

    /// Every file under `directory` with its SHA-256.
    static func snapshot(_ directory: String) throws -> [String: String] {
        var files = [String: String]()
        for case let file as String in FileManager.default.enumerator(atPath: directory)! {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: directory + "/" + file, isDirectory: &isDirectory), !isDirectory.boolValue {
                files[file] = try SHA256.hex(ofFile: directory + "/" + file)
            }
        }
        return files
    }

    @Test func everyWritingCommandRefusesAnotherCommandsDirectoryAndLeavesItsFilesAsTheyWere() throws {
        let other = Self.folder("relevance")
        defer { try? FileManager.default.removeItem(atPath: other) }
        let made = try CommandRunner.run(["relevance", "--model", Self.model, "--concept", "value", "--fen", "startpos", "--out", other])
        #expect(made.status == 0, "\(made.standardError)")
        let before = try Self.snapshot(other)
        #expect(before.keys.contains("relevance.json"))
        let commands: [[String]] = [
            ["probe", "--model", Self.model, "--data", Self.data, "--concepts", "in_check", "--layers", "input", "--steps", "0", "--positions", "200"],
            ["tcav", "--model", Self.model, "--data", Self.data],
            ["maximise", "--model", Self.model, "--positions", Self.data, "--concept", "in_check"],
            ["attribute", "--model", Self.model, "--train", Self.data, "--test", Self.data, "--concept", "in_check"],
            ["train", "--data", Self.data, "--blocks", "1", "--channels", "4", "--steps", "1", "--checkpoints", "2"],
        ]
        for command in commands {
            let result = try CommandRunner.run(command + ["--out", other])
            #expect(result.status != 0, "\(command[0]) wrote into relevance's directory")
            #expect(result.standardError.contains(other), "\(command[0]): \(result.standardError)")
            #expect(try Self.snapshot(other) == before, "\(command[0]) changed relevance's files")
        }
    }

    @Test func trainRefusesAnExistingModelUnlessToldToResumeOrOverwrite() throws {
        let directory = Self.folder("model")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let train = ["train", "--data", Self.data, "--blocks", "1", "--channels", "4", "--steps", "2", "--checkpoints", "2", "--out", directory]
        #expect(try CommandRunner.run(train).status == 0)
        let first = try Self.snapshot(directory)
        let refused = try CommandRunner.run(train)
        #expect(refused.status != 0)
        #expect(refused.standardError.contains("\(directory) holds a model") && refused.standardError.contains("--resume")
                && refused.standardError.contains("--overwrite"))
        #expect(try Self.snapshot(directory) == first)
        // --overwrite starts again: a shorter run leaves none of the old checkpoints behind.
        var shorter = train
        shorter[shorter.firstIndex(of: "--steps")! + 1] = "1"
        #expect(try CommandRunner.run(shorter + ["--overwrite"]).status == 0)
        let checkpoints = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasPrefix("step-") }.sorted()
        #expect(checkpoints == ["step-0000000.safetensors", "step-0000001.safetensors"])
    }
}
