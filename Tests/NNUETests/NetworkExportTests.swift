import DataFiles
import Foundation
import NNUE
import Testing

/// Exporting the installed engine's network into an empty cache: whole on a busy machine,
/// and never blocked or cluttered by the partial file of an earlier run.
@Suite(.enabled(if: InstalledNetwork.path != nil, Comment(rawValue: InstalledNetwork.missing)), .serialized)
struct NetworkExportTests {
    static func emptyCache(_ name: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("nnue-export-\(name)-\(getpid())").path
        try? FileManager.default.removeItem(atPath: path)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Starts `count` processes that keep a core busy each; the caller stops them with `stop`.
    static func load(_ count: Int) throws -> [Process] {
        try (0..<count).map { _ in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "while :; do :; done"]
            try process.run()
            return process
        }
    }

    /// Kills the load and waits for it: SIGTERM may be blocked in a child of the test process,
    /// and a survivor would hold the test's output open.
    static func stop(_ processes: [Process]) {
        for process in processes {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// Stockfish 15.1 says "Network saved successfully" before it closes the file: read at
    /// once on a loaded machine, the file's tail was missing and its digest wrong.
    @Test func anExportWhileEveryCoreIsBusyIsWholeEveryTime() throws {
        let busy = try Self.load(2 * ProcessInfo.processInfo.activeProcessorCount)
        defer { Self.stop(busy) }
        for attempt in 0..<3 {
            let cache = try Self.emptyCache("busy-\(attempt)")
            defer { try? FileManager.default.removeItem(atPath: cache) }
            let path = try StockfishNetworkExport(cache: cache).networkPath()
            #expect(try SHA256.hex(ofFile: path).hasPrefix("ad9b42354671"), "attempt \(attempt)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: cache) == [StockfishNetworkExport.expectedName], "attempt \(attempt)")
        }
    }

    @Test func thePartialFileOfAKilledRunIsRemovedAndDoesNotBlock() throws {
        let cache = try Self.emptyCache("abandoned")
        defer { try? FileManager.default.removeItem(atPath: cache) }
        // A process that has ended: its pid names no running export.
        let ended = Process()
        ended.executableURL = URL(fileURLWithPath: "/bin/true")
        try ended.run()
        ended.waitUntilExit()
        let abandoned = "\(cache)/.\(StockfishNetworkExport.expectedName).\(ended.processIdentifier).partial"
        try Data("half a network".utf8).write(to: URL(fileURLWithPath: abandoned))
        let path = try StockfishNetworkExport(cache: cache).networkPath()
        #expect(try SHA256.hex(ofFile: path).hasPrefix("ad9b42354671"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: cache) == [StockfishNetworkExport.expectedName])
    }
}
