import Chess
import ChessModel
import DataFiles
import Foundation
import Neural
import Testing

struct TrainingTests {
    static let corpusPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../positions/selfplay.pgn.gz").standardized.path

    static let corpus = try! TrainingCorpus(paths: [corpusPath], seed: 1, validationFraction: 0.2, maximumGames: 40)

    static func configuration(steps: Int, checkpoints: [Int]) -> ModelDirectory.Configuration {
        ModelDirectory.Configuration(architecture: .init(blocks: 1, channels: 8), data: [corpusPath], seed: 3, steps: steps,
                                     batchSize: 32, learningRate: 3e-3, weightDecay: 0, validationFraction: 0.2, checkpoints: checkpoints)
    }

    static func temporaryDirectory() -> ModelDirectory {
        ModelDirectory(path: FileManager.default.temporaryDirectory.appendingPathComponent("model-\(UUID())").path)
    }

    @Test func corpusIsSplitByGameWithOutcomesFromTheSideToMove() {
        #expect(Self.corpus.train.count > 1_000 && Self.corpus.validation.count > 100)
        #expect(Self.corpus.train.allSatisfy { (0...2).contains($0.outcome) && $0.position.isLegal($0.move) })
    }

    /// The packed, memory-mapped corpus gives back exactly the positions, moves and results
    /// of replaying the games, in file order.
    @Test func packedCorpusEqualsAReplayOfTheGames() throws {
        let file = try CompressedFileReader(path: Self.corpusPath)
        var reader = PGNReader(file: Self.corpusPath) { try file.read(into: $0) }
        var replayed = [(fen: String, move: Move, outcome: Int)]()
        for _ in 0..<40 {
            let next = reader.next()
            guard case .success(let game) = next else { Issue.record("game unreadable or missing: \(String(describing: next))"); return }
            let white = ["1-0": 0, "1/2-1/2": 1, "0-1": 2][game.result]!
            var position = Position.start
            for move in game.mainline.dropFirst().map({ game.nodes[$0].move }) {
                replayed.append((position.fen, move, position.sideToMove == .white ? white : 2 - white))
                position = position.playing(move)
            }
        }
        let packed = Array(Self.corpus.train) + Array(Self.corpus.validation)
        #expect(packed.count == replayed.count)
        let key = { (fen: String, move: Move, outcome: Int) in "\(fen) \(move) \(outcome)" }
        #expect(Set(packed.map { key($0.position.fen, $0.move, $0.outcome) }) == Set(replayed.map(key)))
        let copy = try TrainingCorpus(train: Self.corpus.train.prefix(100), validation: [])
        #expect(copy.train.map(\.position) == Self.corpus.train.prefix(100).map(\.position) && copy.validation.isEmpty)
    }

    @Test func checkpointsAreLogSpacedEarlyAndEvenLate() {
        let steps = Trainer.checkpointSteps(total: 30_000, count: 24)
        #expect(steps.count == 24 && steps.first == 0 && steps.last == 30_000)
        #expect(steps == steps.sorted() && Set(steps).count == 24)
        // A third (8) spaced evenly over the second half…
        #expect(steps.filter { $0 > 15_000 } == [16_875, 18_750, 20_625, 22_500, 24_375, 26_250, 28_125, 30_000])
        // …and the first half log-spaced: from step 1, with ratios between neighbours no larger than 2.
        let early = steps.filter { $0 > 0 && $0 <= 15_000 }
        #expect(early.first == 1 && early.last == 15_000)
        #expect(zip(early, early.dropFirst()).allSatisfy { Double($1) / Double($0) <= 2.01 })
        #expect(Trainer.checkpointSteps(total: 3, count: 13) == [0, 1, 2, 3])
    }

    @Test func aTinyTrainingRunLowersTheLoss() throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory.path) }
        var configuration = Self.configuration(steps: 100, checkpoints: [0, 100])
        configuration.batchSize = 16
        let trainer = try Trainer(configuration: configuration, corpus: Self.corpus, directory: directory, start: .new)
        var losses = [Double]()
        try trainer.run { _, policy, value in losses.append(policy + value) }
        let first = losses.prefix(25).reduce(0, +) / 25, last = losses.suffix(25).reduce(0, +) / 25
        #expect(last < first - 0.2, "mean loss of the first 25 steps \(first), of the last 25 \(last)")
        #expect(trainer.log.count == 2)
        #expect(directory.savedSteps() == [0, 100])
        let reloaded = try directory.load(step: 100)
        #expect(reloaded.state == trainer.network.state)
        // Each checkpoint's digest is in config.json, as the file on disk has it.
        let digests = try directory.readConfiguration().checkpointSHA256
        #expect(digests.keys.sorted() == ["step-0000000.safetensors", "step-0000100.safetensors"])
        for (name, digest) in digests { #expect(try SHA256.hex(ofFile: directory.path + "/" + name) == digest) }
        let log = try String(contentsOfFile: directory.logPath, encoding: .utf8).split(separator: "\n")
        #expect(log.count == 3 && log[0].hasPrefix("step,learning_rate"))
    }

    /// Half-precision checkpoints too: the resumed run starts from the full-precision
    /// weights kept beside the optimizer state, not from the rounded checkpoint.
    @Test(arguments: [Safetensors.Precision.float32, .float16])
    func resumingAfterAnInterruptionGivesTheUninterruptedResult(precision: Safetensors.Precision) throws {
        var configuration = Self.configuration(steps: 12, checkpoints: [0, 4, 8, 12])
        configuration.checkpointPrecision = precision
        let straight = Self.temporaryDirectory(), interrupted = Self.temporaryDirectory()
        defer {
            try? FileManager.default.removeItem(atPath: straight.path)
            try? FileManager.default.removeItem(atPath: interrupted.path)
        }
        let reference = try Trainer(configuration: configuration, corpus: Self.corpus, directory: straight, start: .new)
        try reference.run()
        // Killed after step 6: the last checkpoint on disk is step 4.
        try Trainer(configuration: configuration, corpus: Self.corpus, directory: interrupted, start: .new).run(through: 6)
        let resumed = try Trainer(configuration: configuration, corpus: Self.corpus, directory: interrupted, start: .resume)
        #expect(resumed.completedStep == 4)
        try resumed.run()
        #expect(resumed.network.state == reference.network.state)
        #expect(resumed.log.map(\.step) == [0, 4, 8, 12])
    }

    @Test func resumingWithOtherSettingsIsRefused() throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory.path) }
        try Trainer(configuration: Self.configuration(steps: 4, checkpoints: [0, 4]), corpus: Self.corpus, directory: directory, start: .new).run()
        #expect { _ = try Trainer(configuration: Self.configuration(steps: 8, checkpoints: [0, 8]), corpus: Self.corpus, directory: directory, start: .resume) }
            throws: { "\($0)".contains("other settings") }
    }
}
