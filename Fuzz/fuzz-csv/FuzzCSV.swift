import FuzzDriver
import DataFiles

/// CSV tables: any text is read or refused with an error, never a crash, and every row
/// read has one cell per column.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    if let table = try? CSVTable(text: text, path: "fuzz.csv") {
        precondition(table.rows.allSatisfy { $0.count == table.columns.count }, "a row with another cell count")
        for column in table.columns.indices { _ = table.isNumeric(column) }
    }
    return 0
}

@_cdecl("fuzz_csv_main")
func fuzzCsvMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    fuzz_run(argc, argv) { fuzzCSV($0, $1) }
}
