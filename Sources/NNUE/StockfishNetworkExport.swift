import Chess
import DataFiles
import Foundation

/// The network embedded in an installed Stockfish, written out once with the UCI command
/// `export_net` into a cache directory and reused from there.
///
/// Stockfish names a network `nn-<first 12 hex digits of its SHA-256>.nnue`; the export is
/// kept only when its digest matches that name, and a cached copy is re-checked on every use.
package struct StockfishNetworkExport {
    /// Why the installed engine's network could not be had.
    package struct Failure: Error, CustomStringConvertible {
        package let description: String
    }

    /// The network Stockfish 15.1 embeds.
    package static let expectedName = "nn-ad9b42354671.nnue"

    package let engine: String
    package let cache: String

    /// `engine` defaults to the installed Stockfish; `cache` to `$XDG_CACHE_HOME/chess-concepts`
    /// (or `~/.cache/chess-concepts`).
    package init(engine: String? = nil, cache: String? = nil) throws(Failure) {
        guard let engine = engine ?? UCIEngine.findStockfish() else {
            throw Failure(description: "no Stockfish found (looked in /usr/games and PATH); install Debian's stockfish package, or give a .nnue file")
        }
        self.engine = engine
        let environment = ProcessInfo.processInfo.environment
        self.cache = cache ?? ((environment["XDG_CACHE_HOME"] ?? (NSHomeDirectory() + "/.cache")) + "/chess-concepts")
    }

    /// The path of the engine's network in the cache, exporting it first if it is not there.
    package func networkPath() throws(Failure) -> String {
        let engineName: String, networkName: String
        let uci: UCIEngine
        do {
            uci = try UCIEngine(path: engine)
            engineName = uci.name
            networkName = try Self.defaultNetwork(of: uci)
        } catch { throw Failure(description: "\(engine): \(error)") }
        let path = "\(cache)/\(networkName)"
        if FileManager.default.fileExists(atPath: path), (try? Self.check(path, name: networkName)) != nil { return path }
        let temporary = "\(cache)/.\(networkName).\(ProcessInfo.processInfo.processIdentifier).partial"
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        do {
            try FileManager.default.createDirectory(atPath: cache, withIntermediateDirectories: true)
            removeAbandonedExports(of: networkName)
            uci.send("export_net \(temporary)")
            let reply = try uci.readLine { $0.contains("Network saved") || $0.contains("Failed") || $0.contains("rror") }
            guard reply.contains("successfully") else { throw Failure(description: "\(engineName) could not export its network: \(reply)") }
            // Stockfish prints "saved" while its file stream is still open; the stream closes when the
            // command returns, before the engine reads the next one. So `readyok` means the file is whole.
            uci.send("isready")
            _ = try uci.readLine { $0 == "readyok" }
            try Self.check(temporary, name: networkName)
            if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
            try FileManager.default.moveItem(atPath: temporary, toPath: path)
        } catch let failure as Failure {
            throw failure
        } catch { throw Failure(description: "exporting \(engineName)'s network into \(cache): \(error)") }
        return path
    }

    /// Removes the partial exports of processes that are gone (a crash or a kill part way),
    /// so that they neither fill the cache nor wait for a run to finish them.
    private func removeAbandonedExports(of networkName: String) {
        let prefix = ".\(networkName).", suffix = ".partial"
        for file in (try? FileManager.default.contentsOfDirectory(atPath: cache)) ?? [] where file.hasPrefix(prefix) && file.hasSuffix(suffix) {
            guard let owner = Int32(file.dropFirst(prefix.count).dropLast(suffix.count)), kill(owner, 0) != 0, errno == ESRCH else { continue }
            try? FileManager.default.removeItem(atPath: "\(cache)/\(file)")
        }
    }

    /// The `EvalFile` option's default: the name of the network compiled into the engine.
    private static func defaultNetwork(of engine: UCIEngine) throws -> String {
        engine.send("uci")
        var name: String?
        while true {
            let line = try engine.readLine()
            if line.hasPrefix("option name EvalFile "), let range = line.range(of: " default ") { name = String(line[range.upperBound...]) }
            if line == "uciok" { break }
        }
        guard let name, name.hasPrefix("nn-"), name.hasSuffix(".nnue") else {
            throw Failure(description: "the engine names no embedded NNUE network (no EvalFile option with a default)")
        }
        return name
    }

    /// Throws unless the file's SHA-256 starts with the 12 hex digits its name carries.
    private static func check(_ path: String, name: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else { throw Failure(description: "\(path): cannot read the exported network") }
        let digest = SHA256.hex(of: data)
        let promised = String(name.dropFirst(3).prefix(12))
        guard digest.hasPrefix(promised) else {
            throw Failure(description: "\(path): SHA-256 \(digest.prefix(12))… does not match the name \(name)")
        }
    }
}
