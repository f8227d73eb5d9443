import DataFiles
import Foundation
import Neural

/// A trained network on disk: `config.json` and one `step-NNNNNNN.safetensors` per
/// checkpoint, plus the optimizer state and training log needed to resume.
public struct ModelDirectory {
    /// Everything `config.json` records.
    public struct Configuration: Codable, Equatable, Sendable {
        public var architecture: PolicyValueNetwork.Architecture
        public var encoderVersion = BoardEncoder.version
        public var planes = BoardEncoder.planeCount
        public var policySize = MoveIndex.count
        public var layout = "NHWC activations; convolution weights [out, kh, kw, in]; policy index = square * 73 + move type"
        public var data: [String]
        public var seed: UInt64
        public var steps: Int
        public var batchSize: Int
        public var learningRate: Float
        public var weightDecay: Float
        public var validationFraction: Double
        public var checkpoints: [Int]

        public init(architecture: PolicyValueNetwork.Architecture, data: [String], seed: UInt64, steps: Int, batchSize: Int,
                    learningRate: Float, weightDecay: Float, validationFraction: Double, checkpoints: [Int]) {
            self.architecture = architecture
            self.data = data
            self.seed = seed
            self.steps = steps
            self.batchSize = batchSize
            self.learningRate = learningRate
            self.weightDecay = weightDecay
            self.validationFraction = validationFraction
            self.checkpoints = checkpoints
        }
    }

    public let path: String

    public init(path: String) { self.path = path }

    var configurationPath: String { path + "/config.json" }
    var optimizerPath: String { path + "/optimizer.safetensors" }
    public var logPath: String { path + "/training.csv" }

    public func checkpointPath(step: Int) -> String {
        path + "/" + Self.stepName(step) + ".safetensors"
    }

    /// `step-NNNNNNN`: the zero-padded name of a checkpoint (and of what is derived from it), sorting by step.
    public static func stepName(_ step: Int) -> String {
        "step-" + String(repeating: "0", count: max(0, 7 - String(step).count)) + String(step)
    }

    public func readConfiguration() throws -> Configuration {
        guard let data = FileManager.default.contents(atPath: configurationPath) else {
            throw StateError(reason: "\(configurationPath): no such model configuration")
        }
        do {
            return try JSONDecoder().decode(Configuration.self, from: data)
        } catch {
            throw StateError(reason: "\(configurationPath): \(error)")
        }
    }

    public func write(_ configuration: Configuration) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try AtomicFileWriter.write(try encoder.encode(configuration), to: configurationPath)
    }

    /// The steps whose checkpoint files exist, ascending.
    public func savedSteps() -> [Int] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.compactMap { name in
            guard name.hasPrefix("step-"), name.hasSuffix(".safetensors") else { return nil }
            return Int(name.dropFirst(5).dropLast(12))
        }.sorted()
    }

    /// The network as saved at `step`.
    public func load(step: Int) throws -> PolicyValueNetwork {
        let configuration = try readConfiguration()
        guard configuration.encoderVersion == BoardEncoder.version else {
            throw StateError(reason: "\(path) was trained with encoder version \(configuration.encoderVersion); this build has \(BoardEncoder.version)")
        }
        let network = PolicyValueNetwork(configuration.architecture, seed: configuration.seed)
        try network.load(try Safetensors.read(from: checkpointPath(step: step)).tensors)
        return network
    }
}
