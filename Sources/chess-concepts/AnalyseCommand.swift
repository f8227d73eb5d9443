import ArgumentParser
import Concepts
import DataFiles
import Foundation
import PositionCollections

struct AnalyseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyse",
        abstract: "Turn PGN, EPD and FEN collections into a table of positions with concept values.",
        discussion: """
            Reads .pgn, .epd and .fen/.txt files (one FEN a line), optionally gzip-compressed (.gz). \
            One row per position: for PGN every main-line position from the start to the final one. \
            Broken games are reported on standard error and skipped; the run goes on. A FEN (a line, or a \
            game's FEN tag) with a fault that has one sensible reading is repaired as python-chess and Lichess \
            read it, with a warning naming file, game, line and field: a fullmove number of 0 becomes 1, a \
            halfmove clock is clamped to 0...150, castling rights without their king and rook and an en passant \
            square no double step left are dropped. --strict skips such items instead.
            """)

    @Argument(help: "Collection files.")
    var files: [String]

    @Option(help: "Output format: csv or jsonl.")
    var format: TableFormat = .csv

    @Option(help: "Output file (written atomically); '-' for standard output.")
    var out = "-"

    @Option(help: "Comma-separated concept names, or 'all' (see 'chess-concepts concepts --list').")
    var concepts = "all"

    @Flag(help: "Also write the positions inside PGN variations.")
    var variations = false

    @Flag(help: "Add Stockfish 15.1's classical evaluation terms (sf_<term>_mg/eg, side to move's view) as columns.")
    var stockfishTerms = false

    @Option(help: "The Stockfish binary for --stockfish-terms (default: /usr/games/stockfish or 'stockfish' on PATH).")
    var stockfish: String?

    @Option(help: "Read at most this many games (or EPD/FEN lines) from each file.")
    var limit: Int?

    @Flag(help: "Skip a game or line whose FEN has any fault instead of repairing it.")
    var strict = false

    @Option(help: "Worker threads (default: all cores).")
    var threads = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
        guard limit.map({ $0 >= 1 }) ?? true else { throw ValidationError("--limit must be at least 1") }
        do {
            _ = try ConceptCatalogue.parse(concepts)
        } catch {
            throw ValidationError(error.description)
        }
    }

    func run() throws {
        var labeller: StockfishEvalLabeller?
        if stockfishTerms {
            do {
                labeller = try StockfishEvalLabeller(path: stockfish)
            } catch {
                printError("error: \(error)")
                throw ExitCode(2)
            }
        }
        let analyzer = CollectionAnalyzer(
            table: PositionTable(concepts: try ConceptCatalogue.parse(concepts), includeVariations: variations, stockfish: labeller),
            format: format, workers: threads, limit: limit, fenReading: strict ? .strict : .repairing)
        let summary = try Self.analyse(files, with: analyzer, out: out)
        if summary.positions == 0 && (summary.errorCount > 0 || summary.files < files.count) {
            throw ExitCode(1)
        }
    }

    /// Runs `analyzer` over `files` into `out` with progress, warnings and a summary on
    /// standard error: the whole of `analyse`, also used by `demo`.
    static func analyse(_ files: [String], with analyzer: CollectionAnalyzer, out: String) throws -> CollectionAnalyzer.Summary {
        let output: AtomicFileWriter
        do {
            output = try AtomicFileWriter(path: out)
        } catch {
            printError("error: cannot write \(error)")
            throw ExitCode(2)
        }
        let progress = ProgressLine(unit: "positions")
        var shownErrors = 0
        let summary = try analyzer.run(paths: files, output: output, onError: { error in
            shownErrors += 1
            if shownErrors <= 100 {
                progress.clear()
                printError("warning: \(error)")
            } else if shownErrors == 101 {
                printError("warning: further errors are counted but not shown")
            }
        }, onProgress: { summary in
            progress.update(count: summary.positions, detail: "\(summary.games) games, \(summary.errorCount) errors, \(summary.warningCount) warnings")
        })
        progress.clear()
        try output.commit()
        func counts(_ byKind: [String: Int]) -> String { byKind.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ") }
        printError("analysed \(summary.files) of \(files.count) files: \(summary.games) games, \(summary.positions) positions in "
                   + progress.elapsedText + (summary.errors.isEmpty ? "; no errors" : "; skipped for errors: \(counts(summary.errors))")
                   + (summary.warnings.isEmpty ? "" : "; kept with warnings: \(counts(summary.warnings))"))
        return summary
    }
}

extension TableFormat: ExpressibleByArgument {}
