import ArgumentParser
import Chess
import ChessModel
import Concepts
import DataFiles
import Foundation
import ChessInterpretability
import Images
import PositionCollections
import Tabular

struct DemoCommand: WritesOutputDirectory {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the shipped demonstration on the shipped defaults.",
        discussion: """
            1. the rules core checked against the standard perft suite, with sample move queries;
            2. the shipped self-play collection analysed into a concept table (OUT/positions.csv),
               with how often each concept holds;
            3. the shipped network's first and last checkpoints on held-out positions, and a match against a random mover;
            4. the what–when–where probe grid for nine concepts over six checkpoints and every layer (OUT/probe);
            5. concept-maximised held-out positions for three concepts (OUT/maximise);
            6. the tabular concept search (OUT/tabular);
            7. the image concept search in an autoencoder's latent space (OUT/images);
            8. TCAV of the value head for five concepts at block3 (OUT/tcav);
            9. relevance maps of three outputs on one position (OUT/relevance), RelMax reference positions for
               has_mate_in_one (OUT/relmax) and the explanatory graph of the value (OUT/graph);
            10. the training positions that built material_advantage at the last block (OUT/attribute);
            11. Stockfish 15.1's NNUE, checked against Stockfish's `eval`, through the probe grid, TCAV and concept
                search (OUT/nnue; skipped when Stockfish is not installed);
            then the report OUT/index.html.
            """)

    @OptionGroup var destination: OutputOptions

    @OptionGroup var figures: FigureOptions

    @Option(help: "The collection to analyse.")
    var collection = "positions/selfplay.pgn.gz"

    @OptionGroup var network: ModelOptions

    @Option(help: "The table for the tabular demonstration (installed by scripts/install-dependencies).")
    var table = "data/penguins.csv"

    @Option(help: "The IDX image and label files for the image demonstration (Debian's dataset-fashion-mnist).")
    var images = "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"

    @OptionGroup var seeding: SeedOptions

    @Flag(help: "A run of about a minute: shallower perft, fewer games, positions, checkpoints and images.")
    var quick = false

    /// Concepts a player recognises at a glance, shown in the summary.
    static let highlighted = ["in_check", "has_checking_move", "has_mate_in_one", "my_queen_attacked", "material_advantage",
                              "my_passed_pawns", "my_isolated_pawns", "my_bishop_pair", "my_has_castled", "knight_fork_available",
                              "discovered_check_available", "my_hanging_pieces"]

    /// Concepts whose held-out positions are maximised.
    static let maximised = ["in_check", "my_queen_attacked", "material_advantage"]

    func run() throws {
        try FileManager.default.createDirectory(atPath: outputDirectory, withIntermediateDirectories: true)
        print("1. Perft of the standard suite (Chess Programming Wiki):")
        var failures = 0
        for testCase in PerftCase.standardSuite {
            let measured = testCase.measure(depth: quick ? 3 : 5)
            if !measured.isCorrect { failures += 1 }
            print("   " + testCase.name.padding(toLength: 11, withPad: " ", startingAt: 0)
                  + String(format: " depth %d %11llu nodes %7.1f M nodes/s  ", measured.depth, measured.nodes, measured.nodesPerSecond / 1e6)
                  + (measured.isCorrect ? "ok" : "MISMATCH (expected \(measured.expected))"))
        }
        print("\n   Legal moves in a few positions:")
        for (name, fen) in [("en passant", "rnbqkbnr/ppp1p1pp/8/3pPp2/8/8/PPPP1PPP/RNBQKBNR w KQkq f6 0 3"),
                            ("fool's mate", "rnb1kbnr/pppp1ppp/8/4p3/6Pq/5P2/PPPPP2P/RNBQKBNR w KQkq - 1 3")] {
            let position = try Position(fen: fen)
            let moves = position.legalMoves.map { position.san($0) }.sorted()
            let status = position.isCheckmate ? "checkmate" : "\(moves.count) legal moves: " + moves.joined(separator: " ")
            print("   \(name): \(fen)\n     \(status)")
        }

        let games = quick ? 100 : 1_000
        let table = "\(outputDirectory)/positions.csv"
        print("\n2. Concept table of the first \(games) games of \(collection) -> \(table)")
        let concepts = try ConceptCatalogue.parse("all")
        let analyzer = CollectionAnalyzer(table: PositionTable(concepts: concepts), format: .csv, limit: games)
        let summary = try AnalyseCommand.analyse([collection], with: analyzer, out: table)
        try printConceptFrequencies(table: table, positions: summary.positions)
        try showNetwork()
        try probeGrid()
        try maximise()
        try tabular()
        try imageSearch()
        try conceptSensitivity()
        try relevanceMaps()
        try conceptRelevance()
        try attribution()
        try stockfishNetwork()
        try manifest(positions: summary.positions).write(to: outputDirectory)
        let page = try ReportPage(directory: outputDirectory).write()
        print("\nReport: \(page)")
        if failures > 0 || summary.positions == 0 { throw ExitCode(1) }
    }

    /// What the demonstration ran, as the command line gave it.
    struct Settings: Codable {
        let model: String, collection: String, table: String, images: String, seed: UInt64, quick: Bool
    }

    /// The demonstration's own manifest: its settings, the concept table, and its steps' runs in order.
    private func manifest(positions: Int) throws -> RunManifest {
        let configuration = try ModelDirectory(path: network.model).readConfiguration()
        let parts = ["probe"] + Self.maximised.map { "maximise/\($0)" } + ["tabular", "images", "tcav"]
            + Self.relevanceOutputs.map { "relevance/\($0)" } + Self.conceptRelevanceParts + ["attribute"] + Self.nnueParts
        return try RunManifest(
            command: "demo", title: "ChessConcepts report",
            summary: "The shipped demonstration on \(network.model) (\(configuration.architecture.blocks) blocks × \(configuration.architecture.channels) channels): "
                + "every concept of the catalogue on \(positions) positions of \(collection), then each analysis below.",
            settings: Settings(model: network.model, collection: collection, table: table, images: images, seed: seeding.seed, quick: quick),
            outcome: ["positions": positions],
            files: [.init(path: "positions.csv", caption: "every concept on every position")],
            parts: parts, versions: ["encoder": String(configuration.encoderVersion)])
    }

    /// The what–when–where grid on six checkpoints, log-spaced, and the last three (which
    /// attribution reads); in quick mode the first and last. Exact ridge and converged
    /// logistic probes on 2,000 positions: at the CLI's 20,000 a heavy cell takes about
    /// 100 s on two cores, and the grid alone would run for an hour and a half.
    private func probeGrid() throws {
        let steps = ModelDirectory(path: network.model).savedSteps()
        let chosen = quick ? [steps.last ?? 0] : Self.gridSteps(steps)
        let settings = TrackerSettings(model: network.model, data: [collection], concepts: TrackerSettings.defaultConcepts,
                                       steps: chosen, positions: quick ? 300 : 2_000, seed: seeding.seed)
        print("\n4. Probe grid: \(settings.concepts.count) concepts, steps \(([0] + chosen).map(String.init).joined(separator: ", ")), "
              + "every layer, \(settings.positions) positions -> \(outputDirectory)/probe")
        let line = ProgressLine(unit: "cells")
        let summary = try ProbeTracker(settings: settings).run(out: outputDirectory + "/probe", formats: figures.formats, onError: { printError("warning: \($0)") }) { progress in
            line.update(count: progress.cellsDone, detail: "of \(progress.cells): \(progress.detail)")
        }
        line.clear()
        print(ConceptEmergence.table(ConceptEmergence.read(summary.rows)).split(separator: "\n").map { "   " + $0 }.joined(separator: "\n"))
    }

    /// Six checkpoints spread over training on a log scale — the saved steps nearest to 8,
    /// 64, 512 and 4,096, the half-way step and the last — so the grid shows when concepts
    /// emerge without the cost of every checkpoint.
    static func gridSteps(_ saved: [Int]) -> [Int] {
        guard let last = saved.last, last > 0 else { return saved }
        let wanted = [8, 64, 512, 4_096, last / 2, last].filter { $0 <= last }
        let nearest = wanted.map { target in
            saved.filter { $0 > 0 }.min { abs(log(Double($0) / Double(target))) < abs(log(Double($1) / Double(target))) }!
        }
        return Array(Set(nearest)).sorted()
    }

    /// Concept-maximised held-out positions, with the probes the grid saved.
    private func maximise() throws {
        print("\n5. Concept-maximised positions (gradient search beside random legal edits, judged by the concept function) -> \(outputDirectory)/maximise")
        for concept in Self.maximised {
            var settings = MaximiseRun.Settings(concept: concept)
            settings.model = network.model
            settings.positions = collection
            settings.limit = quick ? 4 : 20
            settings.probes = outputDirectory + "/probe"
            settings.methods = [.gradient, .random]
            // One concept shows the edit-cost trade-off in the report.
            settings.sweep = concept == Self.maximised[0] ? [0, 0.01, 0.03, 0.1, 0.3] : nil
            settings.out = "\(outputDirectory)/maximise/\(concept)"
            settings.formats = figures.formats
            settings.seed = seeding.seed
            let outcome = try MaximiseRun(settings: settings).run(onWarning: printError)
            for summary in outcome.summaries {
                print("   " + concept.padding(toLength: 20, withPad: " ", startingAt: 0) + summary.method.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)
                      + String(format: "concept true after %3.0f%%, probe reached %3.0f%%, %.2f edits, fooled %3.0f%%, %.1f evaluations",
                               100 * summary.conceptTrue, 100 * summary.probeReached, summary.meanSteps, 100 * summary.fooled, summary.meanEvaluations))
            }
        }
    }

    private func tabular() throws {
        print("\n6. Tabular concept search on \(table) -> \(outputDirectory)/tabular")
        guard FileManager.default.fileExists(atPath: table) else {
            print("   skipped: \(table) is missing (scripts/install-dependencies fetches it)")
            return
        }
        var settings = TabularExperiment.Settings(csv: table, target: "body_mass_g", concept: "bill_length_mm / bill_depth_mm")
        settings.features = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm"]
        settings.epochs = quick ? 20 : 60
        settings.seed = seeding.seed
        let summary = try TabularExperiment(settings: settings).run(out: outputDirectory + "/tabular", formats: figures.formats)
        print(String(format: "   regressor R² %.3f, probe R² %.3f; the formula rose toward its target (%.2f) in %.0f%% of the rows, the probe %.2f -> %.2f; "
                     + "mean change in SDs: %@", summary.modelR2, summary.probeR2, summary.conceptTarget, 100 * summary.search.conceptTowardTarget,
                     summary.probeBefore, summary.probeAfter,
                     summary.changes.map { String(format: "%@ %+.2f", $0.name, $0.standardizedChange) }.joined(separator: ", ") as NSString))
    }

    private func conceptSensitivity() throws {
        print("\n8. TCAV: does the value rise along each concept's direction at block3? -> \(outputDirectory)/tcav")
        var settings = TCAVRun.Settings(concepts: TCAVRun.Settings.defaultConcepts, layer: "block3")
        settings.model = network.model
        settings.positions = [collection]
        settings.randomSets = quick ? 4 : 20
        settings.examples = quick ? 40 : 100
        settings.seed = seeding.seed
        let run = try TCAVRun(settings: settings)
        for row in try run.run(out: outputDirectory + "/tcav", formats: figures.formats, onError: { printError("warning: \($0)") }) {
            print("   " + row.concept.padding(toLength: 20, withPad: " ", startingAt: 0)
                  + String(format: "TCAV %.2f (random %.2f), p = %.2g, %@", row.result.mean, row.result.randomMean, row.result.test.p,
                           (row.result.significant ? "significant" : "not significant") as NSString))
        }
    }

    /// The outputs whose relevance is mapped: two probes and the value head.
    static let relevanceOutputs = ["has_mate_in_one", "material_balance", "value"]

    /// A position where White mates at once (Qxf7#), material level.
    static let relevancePosition = "r1bqkb1r/pppp1ppp/2n2n2/4p2Q/2B1P3/8/PPPP1PPP/RNB1K1NR w KQkq - 4 4"

    private func relevanceMaps() throws {
        print("\n9. Relevance maps (LRP-ε) on \(Self.relevancePosition) -> \(outputDirectory)/relevance")
        for concept in Self.relevanceOutputs {
            var settings = RelevanceRun.Settings(concept: concept, fen: Self.relevancePosition)
            settings.model = network.model
            settings.probes = outputDirectory + "/probe"
            settings.data = [collection]
            settings.seed = seeding.seed
            let run = try RelevanceRun(settings: settings)
            let outcome = try run.run(out: "\(outputDirectory)/relevance/\(concept)", formats: figures.formats, onWarning: printError)
            let squares = outcome.strongestSquares(4).map { String(format: "%@ %+.2f", "\($0.square)", $0.relevance) }
            print("   " + concept.padding(toLength: 18, withPad: " ", startingAt: 0)
                  + String(format: "prediction %.2f; most relevant squares: %@", outcome.prediction, squares.joined(separator: ", ")))
        }
    }

    private func attribution() throws {
        print("\n10. Training positions that built material_advantage at the last block (TRAK) -> \(outputDirectory)/attribute")
        var settings = AttributionRun.Settings(concept: "material_advantage")
        settings.model = network.model
        settings.train = try ModelDirectory(path: network.model).readConfiguration().data
        settings.test = [collection]
        settings.trainPositions = quick ? 200 : 2_000
        settings.testPositions = quick ? 200 : 400
        settings.projectionDimension = quick ? 256 : 1_024
        // The last checkpoint only, whose probe the grid saved: each further one costs a
        // probe fit and a gradient pass, which would take the demo past ten minutes.
        settings.checkpoints = 1
        settings.probes = outputDirectory + "/probe"
        settings.seed = seeding.seed
        let line = ProgressLine(unit: "")
        let outcome = try AttributionRun(settings: settings).run(out: outputDirectory + "/attribute", formats: figures.formats, onWarning: printError) { line.status($0) }
        line.clear()
        let shares = AttributionRun.conceptShares(outcome.attributions)
        print(String(format: "   %d training positions, checkpoints %@: material_advantage holds on %.0f%% of the sample, %.0f%% of the top tenth, %.0f%% of the bottom tenth",
                     outcome.attributions.count, outcome.steps.map(String.init).joined(separator: ", "), 100 * shares.all, 100 * shares.top, 100 * shares.bottom))
        if !outcome.checkpointAgreement.isEmpty {
            print("   score correlation between consecutive checkpoints: " + outcome.checkpointAgreement.map { String(format: "%.2f", $0) }.joined(separator: ", "))
        }
    }

    private func imageSearch() throws {
        print("\n7. Image concept search (upper-body garments) in an autoencoder's latent space -> \(outputDirectory)/images")
        let labels = images.replacingOccurrences(of: "images-idx3", with: "labels-idx1")
        guard FileManager.default.fileExists(atPath: images), FileManager.default.fileExists(atPath: labels) else {
            print("   skipped: \(images) is missing (install Debian's dataset-fashion-mnist)")
            return
        }
        var settings = ImageExperiment.Settings(conceptClasses: ImagesCommand.presets["upper-body"]!)
        settings.trainingImages = quick ? 1_000 : 6_000
        settings.epochs = quick ? 1 : 3
        settings.examples = quick ? 4 : 8
        settings.searches = quick ? 20 : 100
        settings.classNames = ImagesCommand.fashionNames
        settings.seed = seeding.seed
        let set = try ImageSet(idxImages: images, idxLabels: labels, limit: settings.trainingImages + 1_000)
        let line = ProgressLine(unit: "")
        let summary = try ImageExperiment(images: set, settings: settings).run(out: outputDirectory + "/images", formats: figures.formats) { line.status($0) }
        line.clear()
        print(String(format: "   classifier accuracy %.3f, probe balanced accuracy %.3f; after the search the classifier says a concept class on %.0f%%, "
                     + "the probe passed its threshold on %.0f%% (fooled %.0f%%)", summary.classifierAccuracy, summary.probeAccuracy,
                     100 * summary.search.classifierInConcept, 100 * summary.search.probeReached, 100 * summary.search.fooled))
    }

    /// The network at its first and last checkpoints on held-out positions, and a short match.
    private func showNetwork() throws {
        let directory = ModelDirectory(path: network.model)
        let configuration = try directory.readConfiguration()
        let steps = directory.savedSteps()
        guard let first = steps.first, let last = steps.last else { throw ValidationError("\(network.model) holds no checkpoint") }
        print("\n3. The network \(network.model) (\(configuration.architecture.blocks) blocks × \(configuration.architecture.channels) channels, \(steps.count) checkpoints)")
        let examples = try CheckpointEvaluation(model: directory, data: [], positions: quick ? 256 : 1_024).examples
        for step in [first, last] {
            let evaluation = Evaluation(network: try directory.load(step: step), examples: examples)
            print(String(format: "   step %5d: policy top-1 %.3f, top-3 %.3f, value accuracy %.3f on %d held-out positions",
                         step, evaluation.policyTop1, evaluation.policyTop3, evaluation.valueAccuracy, examples.count))
        }
        let games = quick ? 4 : 20
        let match = try Match(.search(try directory.load(step: last)), against: .random, games: games, seed: 1)
        print(String(format: "   against a random mover: %d wins, %d draws, %d losses (%.0f%%)",
                     match.wins, match.draws, match.losses, 100 * match.score))
    }

    /// How often each highlighted binary concept holds, read back from the written table.
    private func printConceptFrequencies(table path: String, positions: Int) throws {
        let table = try CSVTable(path: path)
        let columns = Self.highlighted.compactMap { name in table.columns.firstIndex(of: name).map { (name, $0) } }
        print("   Mean over \(positions) positions (binary concepts: share of positions where it holds):")
        for (name, column) in columns {
            let total = table.rows.reduce(0.0) { $0 + (Double($1[column]) ?? 0) }
            print("     " + name.padding(toLength: 28, withPad: " ", startingAt: 0) + String(format: "%.3f", total / Double(max(positions, 1))))
        }
    }
}
