import DataFiles
import Foundation
import PositionCollections
import Concepts
import Testing

struct CollectionTests {
    static func fixture(_ name: String) -> String {
        Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures")!.path
    }

    /// Runs the analyser into a temporary file and returns its lines and the errors it reported.
    static func analyse(_ paths: [String], concepts: String = "in_check,material_balance", format: TableFormat = .csv,
                        variations: Bool = false, workers: Int = 2) throws -> (lines: [String], errors: [CollectionError], summary: CollectionAnalyzer.Summary) {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("analyse-\(UUID()).\(format.rawValue)").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let analyzer = CollectionAnalyzer(table: PositionTable(concepts: try ConceptCatalogue.parse(concepts), includeVariations: variations),
                                          format: format, workers: workers)
        let writer = try AtomicFileWriter(path: out)
        var errors = [CollectionError]()
        let summary = try analyzer.run(paths: paths, output: writer, onError: { errors.append($0) }, onProgress: { _ in })
        try writer.commit()
        let text = try String(contentsOfFile: out, encoding: .utf8)
        return (text.split(separator: "\n").map(String.init), errors, summary)
    }

    @Test func gzipPGNGivesEveryMainlinePositionAndReportsBrokenGames() throws {
        let (lines, errors, summary) = try Self.analyse([Self.fixture("quirks.pgn.gz")])
        #expect(lines[0] == "source,game,ply,fen,turn,move_uci,move_san,result,in_check,material_balance")
        #expect(lines[1] == "quirks.pgn.gz,1,0,rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1,w,e2e4,e4,1-0,0,0")
        // 10 readable games; each contributes its moves plus one for the start position.
        #expect(summary.games == 10)
        #expect(summary.positions == 61)
        #expect(lines.count == 62)
        #expect(errors.map(\.kind) == ["illegal move", "dropped variation", "unbalanced parentheses", "bad FEN tag"])
        #expect(errors[0].description.contains("quirks.pgn.gz: game 9, line 47: illegal move 'Ke3'"))
        // The last position of a game has no move played from it.
        #expect(lines.contains("quirks.pgn.gz,13,4,rnb1kbnr/pppp1ppp/8/4p3/6Pq/5P2/PPPPP2P/RNBQKBNR w KQkq - 1 3,w,,,0-1,1,0"))
    }

    @Test func variationsAddTheirPositionsMarked() throws {
        let main = try Self.analyse([Self.fixture("quirks.pgn.gz")])
        let all = try Self.analyse([Self.fixture("quirks.pgn.gz")], variations: true)
        let variationRows = all.lines.dropFirst().filter { $0.split(separator: ",", omittingEmptySubsequences: false)[8] == "1" }
        #expect(all.summary.positions == main.summary.positions + variationRows.count)
        #expect(variationRows.count == 10)
    }

    @Test func epdAndFENListsNameTheBadLine() throws {
        let (lines, errors, summary) = try Self.analyse([Self.fixture("suite.epd"), Self.fixture("positions.fen")], format: .jsonl)
        #expect(summary.files == 2 && summary.positions == 7)
        #expect(errors.map(\.description) == [
            Self.fixture("suite.epd") + ": line 4: invalid EPD: invalid FEN \"not an epd line 0 1\": side to move: expected 'w' or 'b', found 'an'",
            Self.fixture("positions.fen") + ": line 5: invalid FEN \"rnbqkbnr/pppppppp/8/8/4P3/8/PPPP1PPP/RNBQKBNR x KQkq - 0 1\": side to move: expected 'w' or 'b', found 'x'",
        ])
        #expect(errors[0].location == "line 4")
        let first = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as! [String: Any]
        #expect(first["source"] as? String == "suite.epd")
        #expect(first["game"] as? Int == 1)
        #expect(first["move_uci"] is NSNull)
        #expect(lines.last!.contains("\"fen\":\"6k1/5ppp/8/8/8/8/8/R5K1 w - - 0 1\""))
    }

    @Test func parallelOutputEqualsSequentialOutput() throws {
        let one = try Self.analyse([Self.fixture("quirks.pgn.gz"), Self.fixture("suite.epd")], concepts: "all", workers: 1)
        let three = try Self.analyse([Self.fixture("quirks.pgn.gz"), Self.fixture("suite.epd")], concepts: "all", workers: 3)
        #expect(one.lines == three.lines)
        #expect(one.lines.count > 60)
    }

    @Test func unreadableFilesAreReportedAndTheRunGoesOn() throws {
        let (_, errors, summary) = try Self.analyse(["/no/such/file.pgn", "notes.docx", Self.fixture("positions.fen")])
        #expect(summary.files == 1 && summary.positions == 3)
        #expect(errors.count == 3)
        #expect(errors[0].description == "/no/such/file.pgn: No such file or directory")
        #expect(errors[1].reason.hasPrefix("unknown file type"))
    }
}
