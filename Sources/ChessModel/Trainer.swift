import DataFiles
import Foundation
import Neural

/// Trains the policy/value network on a corpus with Adam and a cosine schedule,
/// writing checkpoints at log-spaced steps (step 0, the random network, included),
/// a CSV log and everything needed to resume exactly where an interrupted run stopped.
public final class Trainer {
    /// One line of `training.csv`.
    public struct LogRow: Sendable {
        public var step: Int
        public var learningRate: Float
        public var trainPolicyLoss: Double
        public var trainValueLoss: Double
        public var validation: Evaluation
        public var seconds: Double
    }

    public let directory: ModelDirectory
    public let configuration: ModelDirectory.Configuration
    public let network: PolicyValueNetwork
    private let corpus: TrainingCorpus
    private let optimizer: Adam
    private let schedule: LearningRateSchedule
    private let validationSubset: [TrainingExample]
    public private(set) var log: [LogRow] = []
    /// The last step already done (and saved) when `run` starts.
    public private(set) var completedStep = -1

    /// `count` checkpoint steps from 0 to `total`, spaced evenly on a log scale after step 0.
    public static func checkpointSteps(total: Int, count: Int) -> [Int] {
        guard total > 0, count > 1 else { return total > 0 ? [0, total] : [0] }
        var steps = Set([0, total])
        var wanted = count
        while steps.count < min(count, total + 1) {
            steps = [0, total]
            for index in 0..<(wanted - 1) {
                steps.insert(Int((pow(Double(total), Double(index) / Double(wanted - 2))).rounded()))
            }
            wanted += 1
        }
        return steps.sorted()
    }

    /// Prepares a run. With `resume`, the configuration, weights and optimizer state of
    /// the last checkpoint in `directory` are loaded and training continues from there.
    public init(configuration: ModelDirectory.Configuration, corpus: TrainingCorpus, directory: ModelDirectory, resume: Bool) throws {
        self.directory = directory
        self.configuration = configuration
        self.corpus = corpus
        network = PolicyValueNetwork(configuration.architecture, seed: configuration.seed)
        optimizer = Adam(learningRate: configuration.learningRate, weightDecay: configuration.weightDecay)
        schedule = .cosine(total: configuration.steps, warmup: max(1, configuration.steps / 20), floor: 0.05)
        let stride = max(1, corpus.validation.count / 4096)
        validationSubset = Swift.stride(from: 0, to: corpus.validation.count, by: stride).map { corpus.validation[$0] }
        guard resume, let last = directory.savedSteps().last else { return }
        let saved = try directory.readConfiguration()
        guard saved == configuration else {
            throw StateError(reason: "\(directory.path) was started with other settings; resume with the same options (see config.json)")
        }
        try network.load(try Safetensors.read(from: directory.checkpointPath(step: last)).tensors)
        let (state, metadata) = try Safetensors.read(from: directory.optimizerPath)
        guard metadata["step"] == String(last), let steps = Int(metadata["adam_steps"] ?? "") else {
            throw StateError(reason: "\(directory.optimizerPath) does not belong to checkpoint \(last)")
        }
        optimizer.restore(state, for: network.parameters, steps: steps)
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
    public func run(through lastStep: Int? = nil, onProgress: (Int, Double, Double) -> Void = { _, _, _ in }) throws {
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
        try Safetensors.write(network.state, metadata: ["step": String(step), "format": "pt"], to: directory.checkpointPath(step: step))
        try Safetensors.write(optimizer.state(for: network.parameters),
                              metadata: ["step": String(step), "adam_steps": String(optimizer.steps)], to: directory.optimizerPath)
        try writeLog()
    }

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
