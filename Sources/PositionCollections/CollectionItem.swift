import Chess
import DataFiles
import Foundation

/// A unit of a collection, split off the file in order: a PGN game still to be
/// replayed, or one EPD/FEN line. Turning it into positions can happen on any thread.
public enum CollectionItem: Sendable {
    case game(PGNRawGame)
    case line(String, number: Int, format: CollectionFormat, fenReading: FENReading)
    /// The file could not be read at all, or stopped being readable.
    case failure(CollectionError)
}

extension CollectionItem {
    /// The game's number in its file, or the line's; 0 for a file that could not be read.
    public var number: Int {
        switch self {
        case .game(let raw): raw.number
        case .line(_, let number, _, _): number
        case .failure: 0
        }
    }

    /// The position on an EPD or FEN line of the file at `path` with the repairs made to read
    /// it, or the error naming its line.
    static func position(line text: String, number: Int, format: CollectionFormat, fenReading: FENReading,
                         path: String) -> Result<(position: Position, repairs: [CollectionError]), CollectionError> {
        var repairs = [FENRepair]()
        let position: Position
        do {
            switch (format, fenReading) {
            case (.epd, .strict): position = try EPDRecord(text).position
            case (.epd, .repairing): position = try EPDRecord(repairing: text, repairs: &repairs).position
            case (_, .strict): position = try Position(fen: text)
            case (_, .repairing): position = try Position(repairing: text, repairs: &repairs)
            }
        } catch let error as EPDError {
            return .failure(CollectionError(.invalidEPD, file: path, line: number, reason: error.description))
        } catch {
            return .failure(CollectionError(.invalidFEN, file: path, line: number, reason: "\(error)"))
        }
        return .success((position, repairs.map { CollectionError(.repairedFEN, file: path, line: number, reason: "FEN repaired: \($0)") }))
    }
}

/// Reads a collection file item by item, in constant memory.
public final class CollectionReader {
    public let path: String
    public let format: CollectionFormat
    /// How FENs (lines, EPD positions, PGN FEN tags) are read: repaired where unambiguous, or strictly.
    public let fenReading: FENReading
    private var pgn: PGNReader?
    private var lines: LineReader?

    public init(path: String, fenReading: FENReading = .repairing) throws(CollectionError) {
        self.path = path
        self.fenReading = fenReading
        format = try CollectionFormat(path: path)
        let file: CompressedFileReader
        do {
            file = try CompressedFileReader(path: path)
        } catch {
            throw CollectionError(.unreadableFile, file: path, reason: error.reason)
        }
        let read: (UnsafeMutableRawBufferPointer) throws -> Int = { try file.read(into: $0) }
        if format == .pgn {
            pgn = PGNReader(file: path, read: read)
            pgn!.fenReading = fenReading
        } else {
            lines = LineReader(read: read)
        }
    }

    /// Up to `maximum` next items (fewer at the end of the file; empty when it is done):
    /// batches keep the hand-offs between the reader and the worker threads rare.
    public func nextBatch(maximum: Int = 32) -> [CollectionItem] {
        var batch = [CollectionItem]()
        while batch.count < maximum, let item = next() { batch.append(item) }
        return batch
    }

    /// The next item, or `nil` at the end of the file.
    public func next() -> CollectionItem? {
        if pgn != nil {
            return pgn!.nextRawGame().map { .game($0) }
        }
        while true {
            do {
                guard let bytes = try lines!.nextLine() else { return nil }
                let number = lines!.lineNumber
                let trimmed = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespaces)
                if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
                return .line(trimmed, number: number, format: format, fenReading: fenReading)
            } catch let error as LineReader.LineTooLong {
                return .failure(CollectionError(format == .epd ? .invalidEPD : .invalidFEN, file: path, line: error.line, reason: "\(error)"))
            } catch {
                lines = nil
                return .failure(CollectionError(.unreadableFile, file: path, reason: "\(error)"))
            }
        }
    }
}

extension CollectionItem {
    /// Every position the item holds, in order: a FEN or EPD line's one, or each position
    /// of a game's main line from its start, with the warnings met reading them (repairs,
    /// dropped variations); or the error naming the file and line.
    public func positions(path: String) -> Result<(positions: [Position], warnings: [CollectionError]), CollectionError> {
        switch self {
        case .failure(let error):
            return .failure(error)
        case .line(let text, let number, let format, let fenReading):
            return Self.position(line: text, number: number, format: format, fenReading: fenReading, path: path).map { ([$0.position], $0.repairs) }
        case .game(let raw):
            return raw.build().map { game in
                (game.mainline.map { game.nodes[$0].position }, game.issues.map { CollectionError($0, file: path) })
            }.mapError { CollectionError($0, file: path) }
        }
    }
}
