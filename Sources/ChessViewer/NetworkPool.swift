import ChessInterpretability
import ChessModel
import Synchronization

/// Networks of a model, one per checkpoint and request in flight: a network keeps the
/// state of its last pass, so two requests never share one. A network returned after use
/// serves the next request for its step; one is loaded when none is free.
final class NetworkPool: Sendable {
    private let model: NetworkModel
    private let idle = Mutex<[Int: [Lent]]>([:])

    /// A network handed between requests; only one request holds it at a time.
    private struct Lent: @unchecked Sendable { let network: any ChessNetwork }

    init(model: NetworkModel) {
        self.model = model
    }

    /// Runs `body` with a network of `step` that no other request holds.
    func with<T>(step: Int, _ body: (any ChessNetwork) throws(ViewerError) -> T) throws(ViewerError) -> T {
        let free = idle.withLock { $0[step]?.popLast() }
        let network: any ChessNetwork
        if let free { network = free.network } else {
            do { network = try model.network(at: step) } catch { throw ViewerError(.notFound, "step: \(error)") }
        }
        defer { idle.withLock { $0[step, default: []].append(Lent(network: network)) } }
        return try body(network)
    }
}
