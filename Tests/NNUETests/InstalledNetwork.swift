import NNUE

/// The installed Stockfish's network, exported once per test run; nil without Stockfish.
enum InstalledNetwork {
    static let path: String? = try? StockfishNetworkExport().networkPath()
    static let network: StockfishNetwork? = path.flatMap { try? StockfishNetwork(contentsOf: $0) }
    static let missing = "Stockfish is not installed (apt-get install stockfish): the NNUE tests need its network"
}
