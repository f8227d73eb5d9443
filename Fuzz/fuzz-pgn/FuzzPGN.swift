import FuzzDriver
import Chess

/// The PGN reader on any bytes, strict or repairing: never a crash, and every game read
/// exports to PGN that reads back to the same main line and exports again unchanged.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPGN(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    var remaining = Array(UnsafeBufferPointer(start: data, count: size))[...]
    var reader = PGNReader(file: "fuzz.pgn") { destination in
        let count = min(destination.count, remaining.count)
        destination.copyBytes(from: remaining.prefix(count))
        remaining = remaining.dropFirst(count)
        return count
    }
    // The length's parity picks the reading, so one execution reads once and mutations reach both,
    // without a selector byte that would spoil the seeds.
    reader.fenReading = size.isMultiple(of: 2) ? .repairing : .strict
    while let result = reader.next() {
        guard case .success(let game) = result else { continue }
        let again = Array(PGNReader(text: game.pgn))
        precondition(again.count == 1, "a game exports to \(again.count) games")
        let reread = try! again[0].get()
        precondition(reread.mainlineMoves == game.mainlineMoves, "the exported main line differs")
        precondition(reread.pgn == game.pgn, "the exported game exports differently once read back")
    }
    return 0
}

@_cdecl("fuzz_pgn_main")
func fuzzPgnMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    fuzz_run(argc, argv) { fuzzPGN($0, $1) }
}
