import Chess
import Foundation
import PositionCollections
import Testing

/// The reader against python-chess on annotated PGN from two Debian packages: pychess's
/// Lichess lessons and puzzles (a fullmove number of 0 in every mate puzzle's FEN tag,
/// nested variations, long comments) and pgn-extract's ECO file (a header comment, 2,014
/// openings). scripts/install-dependencies puts the files in data/debian-pgn/;
/// Fixtures/debian-pgn-python-chess.json holds what python-chess 1.11.2 read from them
/// (scripts/count-pgn-with-python-chess.py).
struct RealPGNTests {
    struct PythonChessCounts: Decodable {
        let file: String
        /// Where python-chess raised instead of logging, and stopped reading the file.
        let stopped: String?
        /// Each game's number and, when python-chess read it without error, its main-line positions.
        let games: [[Int?]]
    }

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../data/debian-pgn").standardized.path

    @Test func everyGamePythonChessReadsIsReadWithTheSamePositions() throws {
        let url = try #require(Bundle.module.url(forResource: "debian-pgn-python-chess", withExtension: "json", subdirectory: "Fixtures"))
        let counts = try JSONDecoder().decode([PythonChessCounts].self, from: Data(contentsOf: url))
        try #require(FileManager.default.fileExists(atPath: Self.directory + "/eco.pgn"),
                     "\(Self.directory) is missing: scripts/install-dependencies downloads it from Debian")
        var compared = 0, repaired = 0
        for file in counts {
            let reader = try CollectionReader(path: Self.directory + "/" + file.file)
            var ours = [Int: Result<Int, CollectionError>]()
            while let item = reader.next() {
                guard case .game(let raw) = item else { Issue.record("\(file.file): \(item)"); continue }
                ours[raw.number] = item.positions(path: file.file).map { read in
                    repaired += read.warnings.filter { $0.kind == PGNError.Kind.repairedFEN.rawValue }.count
                    return read.positions.count
                }
            }
            for entry in file.games {
                guard let number = entry[0], let positions = entry[1] else { continue }
                compared += 1
                #expect(try ours[number]?.get() == positions, "\(file.file), game \(number)")
            }
            // Where python-chess read the whole file, both saw the same games.
            if file.stopped == nil { #expect(ours.count == file.games.count, "\(file.file)") }
        }
        #expect(counts.count == 32 && compared == 3_330)
        // The three mate-in-N files' 914 puzzles have fullmove 0 and are kept by repairing it.
        #expect(repaired >= 914)
    }
}
