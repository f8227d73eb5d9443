import ArgumentParser
import ChessModel
import DataFiles
import Foundation
import Neural

struct TrainCommand: WritesOutputDirectory {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train the policy/value network on PGN games, with checkpoints at log-spaced steps.",
        discussion: """
            Writes OUT/config.json, OUT/step-NNNNNNN.safetensors for every checkpoint (step 0 is the random \
            network), OUT/training.csv (losses, validation top-1/top-3 and value accuracy per checkpoint) and \
            OUT/optimizer.safetensors. After an interruption, the same command with --resume continues from \
            the last checkpoint and ends with the same weights as an uninterrupted run. A directory that holds \
            a model is never written over unless --resume or --overwrite says so; one that holds other files \
            never is.
            """)

    @Option(parsing: .upToNextOption, help: "PGN collections (.pgn or .pgn.gz); a directory stands for the files in it.")
    var data: [String] = ["positions/selfplay.pgn.gz", "positions/corpus"]

    @OptionGroup var destination: OutputOptions

    @Option(help: "Residual blocks.")
    var blocks = 6

    @Option(help: "Channels per convolution.")
    var channels = 64

    @Option(help: "Training steps (one minibatch each).")
    var steps = 30_000

    @Option(help: "Positions per minibatch.")
    var batch = 256

    @Option(help: "Peak learning rate (Adam, cosine decay after a 5% warm-up).")
    var lr: Float = 2e-3

    @Option(help: "Decoupled weight decay (AdamW).")
    var weightDecay: Float = 1e-4

    @Option(help: "Number of checkpoints, step 0 and the last included: log-spaced over the first half, a third of them evenly over the second.")
    var checkpoints = 24

    @Option(help: "How checkpoint weights are stored: F32, or F16 / BF16 to halve the model directory (read back as Float32; resuming stays exact).")
    var precision: Safetensors.Precision = .float16

    @Option(help: "Share of games held out for validation.")
    var validation = 0.1

    @OptionGroup var seeding: SeedOptions

    @Flag(help: "Continue an interrupted run from its last checkpoint.")
    var resume = false

    @Flag(help: "Start again in --out, removing the model there first (its configuration, checkpoints, log and optimizer state).")
    var overwrite = false

    func validate() throws {
        guard blocks >= 1, channels >= 1, steps >= 1, batch >= 1, checkpoints >= 2 else {
            throw ValidationError("--blocks, --channels, --steps, --batch must be positive and --checkpoints at least 2")
        }
        guard (0.01...0.5).contains(validation) else { throw ValidationError("--validation must be between 0.01 and 0.5") }
        guard !(resume && overwrite) else { throw ValidationError("--resume continues the model in --out and --overwrite replaces it: give one") }
    }

    func run() throws {
        let progress = ProgressLine(unit: "games read")
        let corpus = try TrainingCorpus(paths: data, seed: seeding.seed, validationFraction: validation) { games in
            progress.update(count: games, detail: "reading")
        }
        progress.clear()
        printError("\(corpus.train.count) training and \(corpus.validation.count) validation positions (\(corpus.skippedGames) games skipped)")
        let configuration = ModelDirectory.Configuration(
            architecture: .init(blocks: blocks, channels: channels), data: data, seed: seeding.seed, steps: steps, batchSize: batch,
            learningRate: lr, weightDecay: weightDecay, validationFraction: validation,
            checkpoints: Trainer.checkpointSteps(total: steps, count: checkpoints), checkpointPrecision: precision)
        let trainer: Trainer
        do {
            trainer = try Trainer(configuration: configuration, corpus: corpus, directory: ModelDirectory(path: outputDirectory),
                                  start: resume ? .resume : overwrite ? .replace : .new)
        } catch let existing as Trainer.ExistingModel {
            throw ValidationError(existing.isModel
                ? "\(existing.directory) holds a model: continue it with --resume, start it again with --overwrite, or name a new directory with --out"
                : "\(existing.description); name a new directory with --out")
        }
        if trainer.completedStep >= 0 { printError("resuming after step \(trainer.completedStep)") }
        let steps = ProgressLine(unit: "steps")
        try trainer.run { step, policyLoss, valueLoss in
            steps.update(count: step, detail: String(format: "policy loss %.3f, value loss %.3f", policyLoss, valueLoss))
        }
        steps.clear()
        if let last = trainer.log.last {
            printError(String(format: "step %d: validation policy top-1 %.3f, top-3 %.3f, value accuracy %.3f (%@)",
                              last.step, last.validation.policyTop1, last.validation.policyTop3, last.validation.valueAccuracy,
                              trainer.directory.logPath))
        }
    }
}
extension Safetensors.Precision: ExpressibleByArgument {}
