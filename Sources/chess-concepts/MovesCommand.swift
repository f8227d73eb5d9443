import ArgumentParser
import Chess

struct MovesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "moves",
        abstract: "List the legal moves of a position and its status.")

    @Argument(help: "A FEN (quoted) or 'startpos'.")
    var position: String

    @Flag(help: "Print one JSON object: fen, legal [{uci, san}] sorted by uci, check, checkmate, stalemate, insufficientMaterial, zobrist.")
    var json = false

    struct Report: Encodable {
        struct LegalMove: Encodable {
            let uci: String
            let san: String
        }
        let fen: String
        let legal: [LegalMove]
        let check: Bool
        let checkmate: Bool
        let stalemate: Bool
        let insufficientMaterial: Bool
        let zobrist: String
    }

    func run() throws {
        let board = try parsePosition(position)
        let hex = String(board.zobristKey, radix: 16)
        let report = Report(
            fen: board.fen,
            legal: board.legalMoves.map { Report.LegalMove(uci: $0.uci, san: board.san($0)) }.sorted { $0.uci < $1.uci },
            check: board.isCheck, checkmate: board.isCheckmate, stalemate: board.isStalemate,
            insufficientMaterial: board.isInsufficientMaterial,
            zobrist: String(repeating: "0", count: 16 - hex.count) + hex)
        if json {
            try printJSON(report)
            return
        }
        print(board)
        print("FEN: \(report.fen)")
        print("Zobrist: \(report.zobrist)")
        var status = ["\(board.sideToMove.name) to move"]
        if report.checkmate { status.append("checkmate") } else if report.check { status.append("check") }
        if report.stalemate { status.append("stalemate") }
        if report.insufficientMaterial { status.append("insufficient material") }
        print(status.joined(separator: ", "))
        print("\(report.legal.count) legal moves: " + report.legal.map(\.san).joined(separator: " "))
    }
}
