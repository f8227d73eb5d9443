import Chess
import DataFiles
import Foundation

/// Streams collections through the position table on several threads and writes
/// the rows in file order.
public struct CollectionAnalyzer {
    public let table: PositionTable
    public let format: TableFormat
    public let workers: Int
    /// Stop reading each file after this many items (games, or EPD/FEN lines).
    public let limit: Int?
    /// Whether a FEN fault with one sensible reading is repaired (and reported) or skips its item.
    public let fenReading: FENReading

    public init(table: PositionTable, format: TableFormat, workers: Int = ProcessInfo.processInfo.activeProcessorCount,
                limit: Int? = nil, fenReading: FENReading = .repairing) {
        self.table = table
        self.format = format
        self.workers = workers
        self.limit = limit
        self.fenReading = fenReading
    }

    /// Running totals, reported as the work goes and returned at the end.
    public struct Summary: Sendable {
        public var files = 0
        public var games = 0
        public var positions = 0
        /// Counts by kind of the problems that skipped a game, a line or a file.
        public var errors: [String: Int] = [:]
        /// Counts by kind of the notes on items that were kept: repairs, dropped variations.
        public var warnings: [String: Int] = [:]
        public var errorCount: Int { errors.values.reduce(0, +) }
        public var warningCount: Int { warnings.values.reduce(0, +) }

        mutating func count(_ error: CollectionError) {
            if error.keepsItem { warnings[error.kind, default: 0] += 1 } else { errors[error.kind, default: 0] += 1 }
        }
    }

    /// Analyses `paths` in order into `output`. `onError` sees every problem as it is met;
    /// `onProgress` sees the totals after each batch.
    public func run(paths: [String], output: AtomicFileWriter,
                    onError: (CollectionError) -> Void, onProgress: (Summary) -> Void) throws -> Summary {
        var summary = Summary()
        let columns = table.columns
        if let header = format.header(columns) { try output.write(header) }
        for path in paths {
            let reader: CollectionReader
            do {
                reader = try CollectionReader(path: path, fenReading: fenReading)
            } catch {
                summary.count(error)
                onError(error)
                continue
            }
            summary.files += 1
            var writeError: Error?
            let source = URL(fileURLWithPath: path).lastPathComponent
            // Items travel in batches so that thread hand-offs stay rare.
            var remaining = limit ?? .max
            orderedParallelMap(workers: workers, produce: { () -> [CollectionItem]? in
                let batch = reader.nextBatch(maximum: min(32, remaining))
                remaining -= batch.count
                return batch.isEmpty ? nil : batch
            }, transform: { batch -> BatchOutput in
                var output = BatchOutput()
                for item in batch {
                    let rows = table.rows(for: item, path: path, source: source)
                    for row in rows.rows { output.text += format.row(row, columns: columns) }
                    output.games += rows.games
                    output.positions += rows.rows.count
                    output.errors += rows.errors
                }
                return output
            }, consume: { batch in
                guard writeError == nil else { return }
                do { try output.write(batch.text) } catch { writeError = error }
                summary.games += batch.games
                summary.positions += batch.positions
                for error in batch.errors {
                    summary.count(error)
                    onError(error)
                }
                onProgress(summary)
            })
            if let writeError { throw writeError }
        }
        return summary
    }
}

/// What one batch of items turned into.
private struct BatchOutput {
    var text = ""
    var games = 0
    var positions = 0
    var errors: [CollectionError] = []
}
