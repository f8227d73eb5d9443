import DataFiles
import Foundation
import Neural

/// Trains the policy/value network on a corpus with Adam and a cosine schedule,
/// writing checkpoints at log-spaced steps (step 0, the random network, included),
/// a CSV log and everything needed to resume exactly where an interrupted run stopped.
package final class Trainer {
    /// One line of `training.csv`.
    package struct LogRow: Sendable {
        package var step: Int
        package var learningRate: Float
        package var trainPolicyLoss: Double
        package var trainValueLoss: Double
        package var validation: Evaluation
        package var seconds: Double
    }

    package let directory: ModelDirectory
    package private(set) var configuration: ModelDirectory.Configuration
    package let network: PolicyValueNetwork
    private let corpus: TrainingCorpus
    private let optimizer: Adam
    private let schedule: LearningRateSchedule
    private let validationSubset: [TrainingExample]
    package private(set) var log: [LogRow] = []
    /// The last step already done (and saved) when `run` starts.
    package private(set) var completedStep = -1

    /// `count` checkpoint steps from 0 to `total` that resolve both ends of training: a
    /// third of them spaced evenly over the second half, where the network changes
    /// slowly, and the rest spaced evenly on a log scale from step 1 to the half-way
    /// step, where it changes fast. With `count` ≥ `total` + 1, every step.
    package static func checkpointSteps(total: Int, count: Int) -> [Int] {
        guard total > 0, count > 1 else { return total > 0 ? [0, total] : [0] }
        guard count <= total else { return Array(0...total) }
        let half = total / 2
        let even = max(1, count / 3)
        var steps = Set([0, total])
        for index in 1...even { steps.insert(half + (total - half) * index / even) }
        // Log-spaced steps can collide early (1, 1, 2, …); ask for more until enough are distinct.
        var wanted = count - steps.count
        while steps.count < count {
            var candidate = steps
            for index in 0..<wanted {
                let exponent = wanted > 1 ? Double(index) / Double(wanted - 1) : 1
                candidate.insert(Int(pow(Double(max(half, 1)), exponent).rounded()))
            }
            if candidate.count >= count || wanted > total {
                steps = candidate
                break
            }
            wanted += 1
        }
        return steps.sorted()
    }

    /// What a run does with a model already in its directory.
    package enum Start: Sendable {
        /// Start a model in a new or empty directory; an existing one is refused.
        case new
        /// Continue the model in the directory from its last checkpoint.
        case resume
        /// Start again in the directory, removing its model's files first.
        case replace
    }

    /// A directory that already holds files, and a run that may not touch them.
    package struct ExistingModel: Error, CustomStringConvertible {
        package let directory: String
        /// Whether the files are a model (`config.json`), which `resume` or `replace` may take.
        package let isModel: Bool

        package var description: String {
            isModel ? "\(directory) holds a model; a new run does not overwrite it"
                : "\(directory) holds files that are not a model; training writes only into a new directory or a model's"
        }
    }

    /// Prepares a run. With `.resume`, the configuration, weights and optimizer state of
    /// the last checkpoint in `directory` are loaded and training continues from there.
    package init(configuration: ModelDirectory.Configuration, corpus: TrainingCorpus, directory: ModelDirectory, start: Start) throws {
        let existing = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        if !existing.isEmpty {
            let isModel = existing.contains(ModelDirectory.configurationFile)
            guard isModel, start != .new else { throw ExistingModel(directory: directory.path, isModel: isModel) }
            if start == .replace { try directory.removeModel() }
        }
        self.directory = directory
        self.configuration = configuration
        self.corpus = corpus
        network = PolicyValueNetwork(configuration.architecture, seed: configuration.seed)
        optimizer = Adam(learningRate: configuration.learningRate, weightDecay: configuration.weightDecay)
        schedule = .cosine(total: configuration.steps, warmup: max(1, configuration.steps / 20), floor: 0.05)
        let stride = max(1, corpus.validation.count / 4096)
        validationSubset = Swift.stride(from: 0, to: corpus.validation.count, by: stride).map { corpus.validation[$0] }
        guard start == .resume, let last = directory.savedSteps().last else { return }
        let saved = try directory.readConfiguration()
        guard saved.settings == configuration.settings else {
            throw StateError(reason: "\(directory.path) was started with other settings; resume with the same options (see config.json)")
        }
        self.configuration.checkpointSHA256 = saved.checkpointSHA256
        let (state, metadata) = try Safetensors.read(from: directory.optimizerPath)
        guard metadata["step"] == String(last), let steps = Int(metadata["adam_steps"] ?? "") else {
            throw StateError(reason: "\(directory.optimizerPath) does not belong to checkpoint \(last)")
        }
        // The optimizer file keeps the weights at full precision (under `weights.`), so a
        // resumed run matches an uninterrupted one even when checkpoints are stored in half.
        let weights = state.filter { $0.key.hasPrefix(Self.weightsPrefix) }
        try network.load(Dictionary(uniqueKeysWithValues: weights.map { (String($0.key.dropFirst(Self.weightsPrefix.count)), $0.value) }))
        optimizer.restore(state.filter { !$0.key.hasPrefix(Self.weightsPrefix) }, for: network.parameters, steps: steps)
        log = try Self.readLog(directory.logPath).filter { $0.step <= last }
        completedStep = last
    }

    /// The training examples of step `step`: a function of the seed and the step alone,
    /// which is what makes a resumed run identical to an uninterrupted one.
    func batch(step: Int) -> [TrainingExample] {
        var random = SplitMix64(seed: SplitMix64.mix(configuration.seed ^ UInt64(step) &* 0x9E37_79B9_7F4A_7C15))
        return (0..<configuration.batchSize).map { _ in corpus.train[Int(random.next() % UInt64(corpus.train.count))] }
    }

    /// Runs to `configuration.steps` (or stops after `lastStep`, as an interruption would),
    /// calling `onProgress(step, policy loss, value loss)` after every step.
    package func run(through lastStep: Int? = nil, onProgress: (Int, Double, Double) -> Void = { _, _, _ in }) throws {
        guard !corpus.train.isEmpty else { throw StateError(reason: "no training positions: the data has no finished games") }
        try directory.write(configuration)
        let started = ContinuousClock.now
        let secondsBefore = log.last?.seconds ?? 0
        var policySum = 0.0, valueSum = 0.0, stepsSinceCheckpoint = 0
        if completedStep < 0 {
            try checkpoint(step: 0, trainPolicy: .nan, trainValue: .nan, seconds: 0)
            completedStep = 0
        }
        for step in (completedStep + 1)..<(min(lastStep ?? .max, configuration.steps) + 1) {
            optimizer.learningRate = schedule.rate(at: step - 1, base: configuration.learningRate)
            let batch = TrainingBatch(batch(step: step))
            network.zeroGradients()
            let (policy, value) = network.forward(batch.planes, mode: .training)
            let policyLoss = Loss.softmaxCrossEntropy(logits: policy, targets: batch.moves, mask: batch.masks)
            let valueLoss = Loss.softmaxCrossEntropy(logits: value, targets: batch.outcomes)
            network.backward(policy: policyLoss.gradient, value: valueLoss.gradient)
            clipGradients(network.parameters, maximumNorm: 10)
            optimizer.step(network.parameters)
            policySum += Double(policyLoss.loss)
            valueSum += Double(valueLoss.loss)
            stepsSinceCheckpoint += 1
            onProgress(step, Double(policyLoss.loss), Double(valueLoss.loss))
            if configuration.checkpoints.contains(step) {
                try checkpoint(step: step, trainPolicy: policySum / Double(stepsSinceCheckpoint), trainValue: valueSum / Double(stepsSinceCheckpoint),
                               seconds: secondsBefore + (ContinuousClock.now - started).seconds)
                (policySum, valueSum, stepsSinceCheckpoint) = (0, 0, 0)
            }
            completedStep = step
        }
    }

    /// Evaluates, then writes the weights, the optimizer state and the log, each atomically.
    private func checkpoint(step: Int, trainPolicy: Double, trainValue: Double, seconds: Double) throws {
        let evaluation = Evaluation(network: network, examples: validationSubset)
        log.append(LogRow(step: step, learningRate: optimizer.learningRate, trainPolicyLoss: trainPolicy, trainValueLoss: trainValue,
                          validation: evaluation, seconds: seconds))
        let weights = network.state
        try Safetensors.write(weights, metadata: ["step": String(step), "format": "pt"], precision: configuration.checkpointPrecision,
                              to: directory.checkpointPath(step: step))
        configuration.checkpointSHA256[ModelDirectory.stepName(step) + ".safetensors"] = try SHA256.hex(ofFile: directory.checkpointPath(step: step))
        try directory.write(configuration)
        let resumeState = optimizer.state(for: network.parameters)
            .merging(weights.map { (Self.weightsPrefix + $0.key, $0.value) }) { optimizerValue, _ in optimizerValue }
        try Safetensors.write(resumeState, metadata: ["step": String(step), "adam_steps": String(optimizer.steps)], to: directory.optimizerPath)
        try writeLog()
    }

    /// Where the optimizer file keeps the full-precision weights.
    static let weightsPrefix = "weights."

    static let logHeader = "step,learning_rate,train_policy_loss,train_value_loss,val_policy_loss,val_value_loss,val_policy_top1,val_policy_top3,val_value_accuracy,seconds"

    private func writeLog() throws {
        var text = Self.logHeader + "\n"
        for row in log {
            let values: [Double] = [Double(row.learningRate), row.trainPolicyLoss, row.trainValueLoss, row.validation.policyLoss,
                                    row.validation.valueLoss, row.validation.policyTop1, row.validation.policyTop3,
                                    row.validation.valueAccuracy, row.seconds]
            text += "\(row.step)," + values.map { $0.isNaN ? "" : String(format: "%.6g", $0) }.joined(separator: ",") + "\n"
        }
        try AtomicFileWriter.write(Data(text.utf8), to: directory.logPath)
    }

    private static func readLog(_ path: String) throws -> [LogRow] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").dropFirst().compactMap { line in
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { Double($0) ?? .nan }
            guard fields.count == 10 else { return nil }
            var evaluation = Evaluation()
            (evaluation.policyLoss, evaluation.valueLoss, evaluation.policyTop1, evaluation.policyTop3, evaluation.valueAccuracy)
                = (fields[4], fields[5], fields[6], fields[7], fields[8])
            return LogRow(step: Int(fields[0]), learningRate: Float(fields[1]), trainPolicyLoss: fields[2], trainValueLoss: fields[3],
                          validation: evaluation, seconds: fields[9])
        }
    }
}
