import FuzzDriver
import Images

/// IDX files: any bytes are read or refused with an error, never a crash, and what is
/// read holds exactly the data its header promises.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIDX(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    if let file = try? IDXFile(Array(UnsafeBufferPointer(start: data, count: size)), path: "fuzz.idx") {
        precondition(file.bytes.count == file.dimensions.reduce(1, *), "the data does not fill the header's dimensions")
    }
    return 0
}

@_cdecl("fuzz_idx_main")
func fuzzIdxMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    fuzz_run(argc, argv) { fuzzIDX($0, $1) }
}
