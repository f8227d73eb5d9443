import DataFiles
import Foundation
import Testing

/// Which model and data a result came from: checkpoints checked against the digests
/// config.json records, and run.json naming every input with its size and SHA-256.
struct ProvenanceTests {
    static let root = ConceptRelevanceCommandTests.root

    @Test func aChangedCheckpointIsRefusedByNameUnlessVerificationIsOff() throws {
        let model = FileManager.default.temporaryDirectory.appendingPathComponent("tampered-\(UUID().uuidString)").path
        let out = model + "-out"
        defer { for path in [model, out, out + "2"] { try? FileManager.default.removeItem(atPath: path) } }
        try FileManager.default.createDirectory(atPath: model, withIntermediateDirectories: true)
        let last = "step-0030000.safetensors"
        for name in ["config.json", "step-0000000.safetensors", last] {
            try FileManager.default.copyItem(atPath: Self.root + "/models/default/" + name, toPath: model + "/" + name)
        }
        // One weight's low byte changed: still a well-formed file, but not the one that was saved.
        var bytes = try Data(contentsOf: URL(fileURLWithPath: model + "/" + last))
        bytes[bytes.count - 2] ^= 1
        try bytes.write(to: URL(fileURLWithPath: model + "/" + last))
        let arguments = ["relevance", "--model", model, "--concept", "value", "--fen", "rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1", "--format", "svg"]
        let refused = try CommandRunner.run(arguments + ["--out", out])
        #expect(refused.status != 0 && refused.standardError.contains("\(model)/\(last): its SHA-256 is"), "\(refused.standardError)")
        let allowed = try CommandRunner.run(arguments + ["--out", out + "2", "--no-verify"])
        #expect(allowed.status == 0, "\(allowed.standardError)")
    }

    @Test func runJSONNamesTheCommandTheSeedAndEveryInputWithItsDigest() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("provenance-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let data = Self.root + "/positions/selfplay.pgn.gz"
        let arguments = ["relmax", "--model", Self.root + "/models/default", "--data", data, "--channels", "3", "--top", "2",
                         "--positions", "60", "--format", "svg", "--seed", "7", "--out", out]
        #expect(try CommandRunner.run(arguments).status == 0)
        let provenance = try #require(try RunManifest.read(from: out).provenance)
        #expect(provenance.commandLine.dropFirst() == arguments[...] && provenance.seed == 7 && provenance.toolVersion == RunManifest.toolVersion)
        let byPath = Dictionary(uniqueKeysWithValues: provenance.inputs.map { ($0.path, $0) })
        let dataBytes = try Data(contentsOf: URL(fileURLWithPath: data))
        #expect(byPath[data]?.bytes == dataBytes.count && byPath[data]?.sha256 == SHA256.hex(of: dataBytes))
        // The model directory's files, each checkpoint with the digest config.json records for it.
        let config = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Self.root + "/models/default/config.json"))) as! [String: Any]
        let recorded = try #require(config["checkpointSHA256"] as? [String: String])
        #expect(recorded.count == 24)
        for (name, digest) in recorded { #expect(byPath[Self.root + "/models/default/" + name]?.sha256 == digest, "\(name)") }
        #expect(!provenance.inputs.contains { $0.path.hasPrefix(out) })
    }
}
