import FuzzDriver
import Chess

/// FEN, strict and repairing: never a crash, and whatever is read writes a FEN that
/// reads back strictly to the same FEN, as does every position one legal move on
/// while the game is not over by the 75-move rule.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFEN(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    var repairs = [FENRepair]()
    for position in [try? Position(fen: text), try? Position(repairing: text, repairs: &repairs)].compactMap({ $0 }) {
        precondition((try? Position(fen: position.fen))?.fen == position.fen, "\(position.fen) does not read back")
        // A clock of 150 ends the game (the 75-move rule): a move past it has no FEN to read back.
        for move in position.legalMoves where position.halfmoveClock < Position.maximumHalfmoveClock {
            var next = position
            next.play(move)
            precondition((try? Position(fen: next.fen))?.fen == next.fen, "\(next.fen) after \(move.uci) does not read back")
        }
    }
    return 0
}

@_cdecl("fuzz_fen_main")
func fuzzFenMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    fuzz_run(argc, argv) { fuzzFEN($0, $1) }
}
