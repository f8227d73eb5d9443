import Foundation

extension PGNReader {
    /// Streams the games of the PGN file at `path` (uncompressed; DataFiles'
    /// `CompressedFileReader` reads gzip), naming it in every error.
    ///
    /// ```swift
    /// for result in try PGNReader(path: "games.pgn") {
    ///     if case .success(let game) = result { print(game.tags["White"] ?? "?", game.result) }
    /// }
    /// ```
    public init(path: String) throws(PGNError) {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw PGNError(.readError, file: path, game: 0, line: 0, reason: "cannot open the file")
        }
        self.init(file: path) { buffer in
            let data = try handle.read(upToCount: buffer.count) ?? Data()
            data.copyBytes(to: buffer)
            return data.count
        }
    }
}
