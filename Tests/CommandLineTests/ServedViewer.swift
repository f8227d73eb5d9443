import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `chess-concepts serve` running as its own process on a free loopback port, over probes
/// fitted once per test run; stopped when the value goes away.
/// Unchecked: after `init` the process is only asked whether it runs and, at the end, stopped.
final class ServedViewer: @unchecked Sendable {
    let process = Process()
    let base: URL

    /// A probe directory for the shipped model: in_check and material_advantage at block6 at
    /// three checkpoints, fitted by the real `probe` command (small, as the tests run a debug build).
    static let probes: Result<String, any Error> = Result {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized.path
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("viewer-probes-\(getpid())").path
        let fit = try CommandRunner.run(["probe", "--model", root + "/models/default", "--concepts", "in_check,material_advantage",
                                         "--layers", "block6", "--steps", "0,961,30000", "--positions", "400", "--format", "svg", "--out", out])
        guard fit.status == 0 else { throw ViewerFailure("probe failed: \(fit.standardError)") }
        return out
    }

    static var modelDirectory: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../models/default").standardized.path
    }

    init(extraArguments: [String] = []) throws {
        process.executableURL = CommandRunner.executable
        process.arguments = ["serve", "--model", Self.modelDirectory, "--probes", try Self.probes.get(), "--port", "0"] + extraArguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The first line names the address once the server listens.
        var line = Data()
        let deadline = Date().addingTimeInterval(60)
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty, Date() < deadline else { throw ViewerFailure("serve printed no address: \(String(decoding: line, as: UTF8.self))") }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard let start = text.range(of: "http://"), let address = URL(string: String(text[start.lowerBound...].prefix { !$0.isWhitespace })) else {
            throw ViewerFailure("no address in \(text)")
        }
        base = address
    }

    deinit {
        process.terminate()
        process.waitUntilExit()
    }

    /// An HTTP exchange: the status and the body decoded as JSON.
    func request(_ path: String, method: String = "GET", body: Data? = nil) async throws -> (status: Int, json: [String: Any]) {
        var request = URLRequest(url: URL(string: path, relativeTo: base)!)
        request.httpMethod = method
        request.httpBody = body
        let (data, response) = try await URLSession.shared.data(for: request)
        let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return ((response as! HTTPURLResponse).statusCode, json)
    }
}

struct ViewerFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
