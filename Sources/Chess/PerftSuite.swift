/// A position with its known perft counts, for verifying move generators.
public struct PerftCase: Sendable {
    public let name: String
    public let fen: String
    /// `nodes[d - 1]` is the perft count at depth `d`.
    public let nodes: [UInt64]
}

extension PerftCase {
    /// The six positions of the Chess Programming Wiki's "Perft Results" page, the
    /// suite every move generator is checked against.
    public static let standardSuite: [PerftCase] = [
        PerftCase(name: "start", fen: Position.startFEN,
                  nodes: [20, 400, 8_902, 197_281, 4_865_609, 119_060_324]),
        PerftCase(name: "kiwipete", fen: "r3k2r/p1ppqpb1/bn2pnp1/3PN3/1p2P3/2N2Q1p/PPPBBPPP/R3K2R w KQkq - 0 1",
                  nodes: [48, 2_039, 97_862, 4_085_603, 193_690_690]),
        PerftCase(name: "position 3", fen: "8/2p5/3p4/KP5r/1R3p1k/8/4P1P1/8 w - - 0 1",
                  nodes: [14, 191, 2_812, 43_238, 674_624, 11_030_083, 178_633_661]),
        PerftCase(name: "position 4", fen: "r3k2r/Pppp1ppp/1b3nbN/nP6/BBP1P3/q4N2/Pp1P2PP/R2Q1RK1 w kq - 0 1",
                  nodes: [6, 264, 9_467, 422_333, 15_833_292]),
        PerftCase(name: "position 5", fen: "rnbq1k1r/pp1Pbppp/2p5/8/2B5/8/PPP1NnPP/RNBQK2R w KQ - 1 8",
                  nodes: [44, 1_486, 62_379, 2_103_487, 89_941_194]),
        PerftCase(name: "position 6", fen: "r4rk1/1pp1qppp/p1np1n2/2b1p1B1/2B1P1b1/P1NP1N2/1PP1QPPP/R4RK1 w - - 0 10",
                  nodes: [46, 2_079, 89_890, 3_894_594, 164_075_551]),
    ]
}

extension PerftCase {
    /// One perft count of a suite position, timed, beside the published count.
    public struct Measurement: Sendable {
        public let depth: Int
        public let nodes: UInt64
        /// The published count at `depth`.
        public let expected: UInt64
        public let duration: Duration

        /// The count matches the published one.
        public var isCorrect: Bool { nodes == expected }

        /// Leaf nodes per second of wall-clock time.
        public var nodesPerSecond: Double {
            let (seconds, attoseconds) = duration.components
            return Double(nodes) / max(Double(seconds) + Double(attoseconds) * 1e-18, 1e-9)
        }
    }

    /// Counts the position's leaf nodes at `depth` (at most the deepest published count) and times it.
    public func measure(depth: Int) -> Measurement {
        let depth = min(max(depth, 1), nodes.count)
        let position = try! Position(fen: fen)
        let clock = ContinuousClock.now
        let count = position.perft(depth)
        return Measurement(depth: depth, nodes: count, expected: nodes[depth - 1], duration: ContinuousClock.now - clock)
    }
}
