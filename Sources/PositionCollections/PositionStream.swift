import Chess
import Foundation

/// Every position of collection files in order — each FEN or EPD line's, each position of
/// each game's main line — with where it came from, read in constant memory. Games or
/// lines that cannot be read are reported and skipped; repairs and dropped variations are
/// reported and the item kept.
///
/// ```swift
/// let stream = PositionStream(paths: ["games.pgn.gz"], onError: { print($0) })
/// while let next = stream.next() { print(next.source, next.game, next.ply, next.position.fen) }
/// ```
public final class PositionStream {
    /// A position and its place in the collection.
    public struct Item: Sendable {
        public let position: Position
        /// The file's name.
        public let source: String
        /// The game's number (PGN) or the line's (FEN, EPD).
        public let game: Int
        /// Plies from the game's start (0 for a line).
        public let ply: Int
    }

    private var paths: ArraySlice<String>
    private let onError: (CollectionError) -> Void
    private var reader: CollectionReader?
    private var pending = [Item]()
    private var pendingIndex = 0

    public init(paths: [String], onError: @escaping (CollectionError) -> Void) {
        self.paths = paths[...]
        self.onError = onError
    }

    /// The next position, or `nil` after the last file.
    public func next() -> Item? {
        while pendingIndex == pending.count {
            guard refill() else { return nil }
        }
        defer { pendingIndex += 1 }
        return pending[pendingIndex]
    }

    /// Up to `count` next positions.
    public func next(_ count: Int) -> [Item] {
        var items = [Item]()
        while items.count < count, let item = next() { items.append(item) }
        return items
    }

    /// Reads the next item of the collection into `pending`; false when every file is done.
    private func refill() -> Bool {
        while true {
            if reader == nil {
                guard let path = paths.popFirst() else { return false }
                do { reader = try CollectionReader(path: path) } catch {
                    onError(error)
                    continue
                }
            }
            let reader = reader!
            guard let item = reader.next() else {
                self.reader = nil
                continue
            }
            let source = URL(fileURLWithPath: reader.path).lastPathComponent
            pendingIndex = 0
            switch item.positions(path: reader.path) {
            case .success(let (positions, warnings)):
                warnings.forEach(onError)
                pending = positions.enumerated().map { Item(position: $1, source: source, game: item.number, ply: $0) }
            case .failure(let error):
                onError(error)
                pending = []
            }
            if !pending.isEmpty { return true }
        }
    }
}
