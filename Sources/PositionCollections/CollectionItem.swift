import Chess
import DataFiles
import Foundation

/// A unit of a collection, split off the file in order: a PGN game still to be
/// replayed, or one EPD/FEN line. Turning it into positions can happen on any thread.
public enum CollectionItem: Sendable {
    case game(PGNRawGame)
    case line(String, number: Int, format: CollectionFormat)
    /// The file could not be read at all, or stopped being readable.
    case failure(CollectionError)
}

extension CollectionItem {
    /// The position on an EPD or FEN line of the file at `path`, or the error naming its line.
    static func position(line text: String, number: Int, format: CollectionFormat, path: String) -> Result<Position, CollectionError> {
        do {
            return .success(format == .epd ? try EPDRecord(text).position : try Position(fen: text))
        } catch let error as EPDError {
            return .failure(CollectionError(.invalidEPD, file: path, line: number, reason: error.description))
        } catch {
            return .failure(CollectionError(.invalidFEN, file: path, line: number, reason: "\(error)"))
        }
    }
}

/// Reads a collection file item by item, in constant memory.
public final class CollectionReader {
    public let path: String
    public let format: CollectionFormat
    private var pgn: PGNReader?
    private var lines: LineReader?

    public init(path: String) throws(CollectionError) {
        self.path = path
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
                return .line(trimmed, number: number, format: format)
            } catch {
                lines = nil
                return .failure(CollectionError(.unreadableFile, file: path, reason: "\(error)"))
            }
        }
    }
}

extension CollectionItem {
    /// Every position the item holds, in order: a FEN or EPD line's one, or each position
    /// of a game's main line from its start; or the error naming the file and line.
    public func positions(path: String) -> Result<[Position], CollectionError> {
        switch self {
        case .failure(let error):
            return .failure(error)
        case .line(let text, let number, let format):
            return Self.position(line: text, number: number, format: format, path: path).map { [$0] }
        case .game(let raw):
            return raw.build().map { game in game.mainline.map { game.nodes[$0].position } }.mapError { CollectionError($0, file: path) }
        }
    }
}
