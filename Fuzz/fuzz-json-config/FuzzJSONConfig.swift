import FuzzDriver
import ChessModel
import DataFiles
import Foundation

/// The JSON files the tool reads back: a model's config.json and a run's run.json. Any
/// bytes are decoded or refused with an error, never a crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSONConfig(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let bytes = Data(bytes: data, count: size)
    _ = try? JSONDecoder().decode(ModelDirectory.Configuration.self, from: bytes)
    _ = try? JSONDecoder().decode(RunManifest.self, from: bytes)
    return 0
}

@_cdecl("fuzz_json_config_main")
func fuzzJsonConfigMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    fuzz_run(argc, argv) { fuzzJSONConfig($0, $1) }
}
