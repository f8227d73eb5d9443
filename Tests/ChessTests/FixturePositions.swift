import Foundation
import Testing

/// One line of `Fixtures/random-positions.jsonl`, produced by python-chess and
/// Stockfish (see scripts/make-chess-fixtures.py).
struct FixturePosition: Decodable, CustomTestStringConvertible {
    /// The FEN as given to the reader: it keeps a pseudo-legal en passant square (X-FEN style).
    let fen: String
    /// python-chess's normalised FEN (en passant only when legal).
    let normalizedFEN: String
    /// `[uci, san]` pairs sorted by UCI.
    let legal: [[String]]
    let perft: [UInt64]
    let zobrist: String
    let check: Bool
    let checkmate: Bool
    let stalemate: Bool
    let insufficientMaterial: Bool

    var testDescription: String { fen }

    static let all: [FixturePosition] = {
        let url = Bundle.module.url(forResource: "random-positions", withExtension: "jsonl", subdirectory: "Fixtures")!
        let text = try! String(contentsOf: url, encoding: .utf8)
        return text.split(separator: "\n").map { try! JSONDecoder().decode(FixturePosition.self, from: Data($0.utf8)) }
    }()
}
