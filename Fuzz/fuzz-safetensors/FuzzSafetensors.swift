import FuzzDriver
import Foundation
import Neural

/// Safetensors files: any bytes are read or refused with an error, never a crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafetensors(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    _ = try? Safetensors.read(Data(bytes: data, count: size), path: "fuzz.safetensors")
    return 0
}

@_cdecl("fuzz_safetensors_main")
func fuzzSafetensorsMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    fuzz_run(argc, argv) { fuzzSafetensors($0, $1) }
}
