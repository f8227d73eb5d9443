import ArgumentParser
import Foundation
import ChessViewer

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the interactive viewer and its JSON API on this machine.",
        discussion: """
            Open the printed address in a browser: set a position by FEN, by dragging pieces or by stepping through an \
            uploaded PGN, and see the network's top moves, win/draw/loss, every concept, every saved probe's reading by \
            layer and checkpoint, a relevance map, and a concept search played out edit by edit. The same answers come \
            as JSON from /api/eval, /api/concepts, /api/probes, /api/relevance, /api/maximise and /api/pgn (README). \
            Only loopback addresses are served unless --host names another; stop with Ctrl-C.
            """)

    @OptionGroup var network: ModelOptions

    @OptionGroup var savedProbes: SavedProbeOptions

    @Option(help: "The address to listen on; anything but loopback (127.0.0.1, ::1, localhost) exposes the viewer to the network.")
    var host = "127.0.0.1"

    @Option(help: "The port (0 picks a free one).")
    var port = 8080

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0…65535") }
    }

    func run() async throws {
        if !ViewerServer.isLoopback(host) {
            printError("warning: serving on \(host): anyone who can reach this machine can use the viewer")
        }
        let analyst = try PositionAnalyst(model: network.model, probes: savedProbes.probes)
        let host = host
        try await ViewerServer(analyst: analyst, host: host, port: port).run { port in
            let line = "Serving \(analyst.modelName) (probes from \(analyst.probeDirectory)) at http://\(host.contains(":") ? "[\(host)]" : host):\(port)/\n"
            // Unbuffered, so that a script reading the address through a pipe gets it at once.
            FileHandle.standardOutput.write(Data(line.utf8))
        }
    }
}
