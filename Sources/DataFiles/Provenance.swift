import Foundation
import Synchronization

/// What a run was made from, so a figure can be traced back to it: the command line,
/// the tool's version, the seed, and every input file with its size and SHA-256 — the
/// model directory's config and checkpoints, the collections, a network file, saved probes.
///
/// ```swift
/// let provenance = Provenance(settings: try JSONValue(encoding: settings))
/// provenance.inputs.map(\.path)   // ["models/default/config.json", "models/default/step-0000000.safetensors", …]
/// ```
public struct Provenance: Codable, Equatable, Sendable {
    /// A file read by the run.
    public struct Input: Codable, Equatable, Sendable {
        public var path: String
        public var bytes: Int
        public var sha256: String
    }

    /// The process's arguments, the program first.
    public var commandLine: [String]
    public var workingDirectory: String
    public var toolVersion: String
    /// The settings' `seed`, when they have one.
    public var seed: UInt64?
    public var inputs: [Input]

    /// The provenance of a run with these settings in this process. Every string setting
    /// that names an existing file is an input; one that names a directory contributes
    /// the files directly inside it (a model's config.json and checkpoints, a probe folder's index).
    public init(settings: JSONValue) {
        commandLine = CommandLine.arguments
        workingDirectory = FileManager.default.currentDirectoryPath
        toolVersion = RunManifest.toolVersion
        if case .object(let members) = settings, case .number(let value) = members["seed"] { seed = UInt64(exactly: value) }
        var paths = [String]()
        Self.collectPaths(in: settings, into: &paths)
        var seen = Set<String>()
        inputs = paths.flatMap(Self.files).filter { seen.insert($0).inserted }.compactMap(Self.input)
    }

    private static func collectPaths(in value: JSONValue, into paths: inout [String]) {
        switch value {
        case .string(let text) where !text.isEmpty && !text.contains("\n") && text.utf8.count < 4096: paths.append(text)
        case .array(let values): values.forEach { collectPaths(in: $0, into: &paths) }
        // The run's own output directory is what it made, not what it read.
        case .object(let members): members.keys.sorted().filter { $0 != "out" }.forEach { collectPaths(in: members[$0]!, into: &paths) }
        default: break
        }
    }

    /// The path itself when it is a file; the regular files directly inside it when it is a directory.
    private static func files(_ path: String) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return [] }
        guard isDirectory.boolValue else { return [path] }
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
        return names.map { path + "/" + $0 }.filter { file in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory) && !isDirectory.boolValue
        }
    }

    /// Digests already taken in this process, by path, size and modification time: a demo's
    /// parts read the same model and collections many times.
    private static let digests = Mutex<[String: String]>([:])

    private static func input(_ path: String) -> Input? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let bytes = (attributes[.size] as? NSNumber)?.intValue else { return nil }
        let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        let key = "\(path)\u{0}\(bytes)\u{0}\(modified)"
        if let known = digests.withLock({ $0[key] }) { return Input(path: path, bytes: bytes, sha256: known) }
        guard let digest = try? SHA256.hex(ofFile: path) else { return nil }
        digests.withLock { $0[key] = digest }
        return Input(path: path, bytes: bytes, sha256: digest)
    }
}
