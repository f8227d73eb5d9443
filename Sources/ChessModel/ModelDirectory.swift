import DataFiles
import Foundation
import Neural
import Synchronization

/// A trained network on disk: `config.json` and one `step-NNNNNNN.safetensors` per
/// checkpoint, plus the optimizer state and training log needed to resume.
package struct ModelDirectory {
    /// Everything `config.json` records.
    package struct Configuration: Codable, Equatable, Sendable {
        package var architecture: PolicyValueNetwork.Architecture
        package var encoderVersion = BoardEncoder.version
        package var planes = BoardEncoder.planeCount
        package var policySize = MoveIndex.count
        package var layout = "NHWC activations; convolution weights [out, kh, kw, in]; policy index = square * 73 + move type"
        package var data: [String]
        package var seed: UInt64
        package var steps: Int
        package var batchSize: Int
        package var learningRate: Float
        package var weightDecay: Float
        package var validationFraction: Double
        package var checkpoints: [Int]
        /// How checkpoint weights are stored; reading gives Float32 whatever it is.
        package var checkpointPrecision: Safetensors.Precision
        /// Each saved checkpoint's SHA-256, by file name (`step-0000100.safetensors`): written
        /// when the checkpoint is saved and checked when it is loaded.
        package var checkpointSHA256: [String: String] = [:]

        package init(architecture: PolicyValueNetwork.Architecture, data: [String], seed: UInt64, steps: Int, batchSize: Int,
                    learningRate: Float, weightDecay: Float, validationFraction: Double, checkpoints: [Int],
                    checkpointPrecision: Safetensors.Precision = .float32) {
            self.architecture = architecture
            self.data = data
            self.seed = seed
            self.steps = steps
            self.batchSize = batchSize
            self.learningRate = learningRate
            self.weightDecay = weightDecay
            self.validationFraction = validationFraction
            self.checkpoints = checkpoints
            self.checkpointPrecision = checkpointPrecision
        }

        private enum CodingKeys: String, CodingKey {
            case architecture, encoderVersion, planes, policySize, layout, data, seed, steps, batchSize, learningRate, weightDecay
            case validationFraction, checkpoints, checkpointPrecision, checkpointSHA256
        }

        /// Reads `config.json`; models written before half-precision checkpoints existed have no
        /// `checkpointPrecision` and are Float32.
        package init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            architecture = try container.decode(PolicyValueNetwork.Architecture.self, forKey: .architecture)
            encoderVersion = try container.decode(Int.self, forKey: .encoderVersion)
            planes = try container.decode(Int.self, forKey: .planes)
            policySize = try container.decode(Int.self, forKey: .policySize)
            layout = try container.decode(String.self, forKey: .layout)
            data = try container.decode([String].self, forKey: .data)
            seed = try container.decode(UInt64.self, forKey: .seed)
            steps = try container.decode(Int.self, forKey: .steps)
            batchSize = try container.decode(Int.self, forKey: .batchSize)
            learningRate = try container.decode(Float.self, forKey: .learningRate)
            weightDecay = try container.decode(Float.self, forKey: .weightDecay)
            validationFraction = try container.decode(Double.self, forKey: .validationFraction)
            checkpoints = try container.decode([Int].self, forKey: .checkpoints)
            checkpointPrecision = try container.decodeIfPresent(Safetensors.Precision.self, forKey: .checkpointPrecision) ?? .float32
            checkpointSHA256 = try container.decodeIfPresent([String: String].self, forKey: .checkpointSHA256) ?? [:]
        }

        /// The settings alone, without what was saved under them: what a resumed run must match.
        package var settings: Configuration {
            var settings = self
            settings.checkpointSHA256 = [:]
            return settings
        }
    }

    package let path: String

    /// Whether loading checks each checkpoint against the SHA-256 that `config.json` records
    /// for it. One switch for the process, as a user turns it off for a whole command.
    package static let verifiesCheckpoints = Atomic<Bool>(true)

    package init(path: String) { self.path = path }

    /// The file that makes a directory a model.
    package static let configurationFile = "config.json"

    var configurationPath: String { path + "/" + Self.configurationFile }
    var optimizerPath: String { path + "/optimizer.safetensors" }
    package var logPath: String { path + "/training.csv" }

    package func checkpointPath(step: Int) -> String {
        path + "/" + Self.stepName(step) + ".safetensors"
    }

    /// `step-NNNNNNN`: the zero-padded name of a checkpoint (and of what is derived from it), sorting by step.
    package static func stepName(_ step: Int) -> String {
        "step-" + String(repeating: "0", count: max(0, 7 - String(step).count)) + String(step)
    }

    package func readConfiguration() throws -> Configuration {
        guard let data = FileManager.default.contents(atPath: configurationPath) else {
            throw StateError(reason: "\(configurationPath): no such model configuration")
        }
        do {
            return try JSONDecoder().decode(Configuration.self, from: data)
        } catch {
            throw StateError(reason: "\(configurationPath): \(error)")
        }
    }

    package func write(_ configuration: Configuration) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try AtomicFileWriter.write(try encoder.encode(configuration), to: configurationPath)
    }

    /// Removes the files a training run writes (configuration, checkpoints, log and
    /// optimizer state), and nothing else, so that a run can start again in the directory.
    package func removeModel() throws {
        for file in [configurationPath, optimizerPath, logPath] + savedSteps().map(checkpointPath) where FileManager.default.fileExists(atPath: file) {
            try FileManager.default.removeItem(atPath: file)
        }
    }

    /// The steps whose checkpoint files exist, ascending.
    package func savedSteps() -> [Int] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.compactMap { name in
            guard name.hasPrefix("step-"), name.hasSuffix(".safetensors") else { return nil }
            return Int(name.dropFirst(5).dropLast(12))
        }.sorted()
    }

    /// The network as saved at `step`, checked against its recorded SHA-256 unless
    /// `verifiesCheckpoints` is off. A checkpoint saved before digests were recorded has none to check.
    package func load(step: Int) throws -> PolicyValueNetwork {
        let configuration = try readConfiguration()
        guard configuration.encoderVersion == BoardEncoder.version else {
            throw StateError(reason: "\(path) was trained with encoder version \(configuration.encoderVersion); this build has \(BoardEncoder.version)")
        }
        let file = checkpointPath(step: step)
        guard let data = FileManager.default.contents(atPath: file) else { throw StateError(reason: "\(file): cannot read the file") }
        if Self.verifiesCheckpoints.load(ordering: .relaxed), let recorded = configuration.checkpointSHA256[Self.stepName(step) + ".safetensors"] {
            let found = SHA256.hex(of: data)
            guard found == recorded else {
                throw StateError(reason: "\(file): its SHA-256 is \(found), but \(configurationPath) records \(recorded) for it: "
                                 + "the checkpoint changed after it was saved (turn checkpoint verification off to load it anyway)")
            }
        }
        let network = PolicyValueNetwork(configuration.architecture, seed: configuration.seed)
        try network.load(try Safetensors.read(data, path: file).tensors)
        return network
    }
}
