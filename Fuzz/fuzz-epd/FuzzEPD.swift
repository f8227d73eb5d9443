import FuzzDriver
import Chess

/// EPD lines, strict and repairing: never a crash, and a record read writes an EPD line
/// that reads back to the same line.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEPD(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    var repairs = [FENRepair]()
    for record in [try? EPDRecord(text), try? EPDRecord(repairing: text, repairs: &repairs)].compactMap({ $0 }) {
        precondition((try? EPDRecord(record.epd))?.epd == record.epd, "\(record.epd) does not read back")
        for opcode in ["bm", "am", "pv"] { _ = try? record.moves(opcode) }
    }
    return 0
}

@_cdecl("fuzz_epd_main")
func fuzzEpdMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    fuzz_run(argc, argv) { fuzzEPD($0, $1) }
}
