import FuzzDriver
import Foundation
import NNUE

/// Stockfish 15.1 NNUE files: any bytes are read or refused with an error, never a crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNNUE(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    _ = try? NNUEFile(Data(bytes: data, count: size), path: "fuzz.nnue")
    return 0
}

@_cdecl("fuzz_nnue_main")
func fuzzNnueMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    fuzz_run(argc, argv) { fuzzNNUE($0, $1) }
}
