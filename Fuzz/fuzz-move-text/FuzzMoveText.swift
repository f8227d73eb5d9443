import FuzzDriver
import Chess

/// Positions rich in castling, en passant, promotion and pins, in which every input is read as a move.
private let positions = [
    Position.start,
    try! Position(fen: "r3k2r/p1ppqpb1/bn2pnp1/3PN3/1p2P3/2N2Q1p/PPPBBPPP/R3K2R w KQkq - 0 1"),
    try! Position(fen: "rnbqkbnr/ppp1p1pp/8/3pPp2/8/8/PPPP1PPP/RNBQKBNR w KQkq f6 0 3"),
    try! Position(fen: "n1n5/PPPk4/8/8/8/8/4Kppp/5N1N b - - 0 1"),
    try! Position(fen: "8/2p5/3p4/KP5r/1R3p1k/8/4P1P1/8 w - - 0 1"),
]

/// SAN and UCI move text: never a crash, and a move read is legal and written back in
/// SAN and UCI that read to the same move.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMoveText(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    for position in positions {
        // A null move (`--`, `0000`) is read as PGN allows it; it is no legal move and has no SAN to check.
        for move in [try? position.move(san: text), try? position.move(uci: text)].compactMap({ $0 }) where !move.isNull {
            precondition(position.legalMoves.contains(move), "\(text) read as the illegal \(move.uci)")
            precondition((try? position.move(san: position.san(move))) == move, "\(position.san(move)) does not read back")
            precondition((try? position.move(uci: move.uci)) == move, "\(move.uci) does not read back")
        }
    }
    return 0
}

@_cdecl("fuzz_move_text_main")
func fuzzMoveTextMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    fuzz_run(argc, argv) { fuzzMoveText($0, $1) }
}
