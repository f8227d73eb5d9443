import Chess
import ChessModel
import NNUE
import Testing

/// Layer-wise relevance through NNUE on real positions.
@Suite(.enabled(if: InstalledNetwork.network != nil, Comment(rawValue: InstalledNetwork.missing)))
struct RelevanceTests {
    static let middlegame = try! Position(fen: "r2q1rk1/pp2bppp/2n1pn2/3p4/3P4/2NBPN2/PP3PPP/R2Q1RK1 b - - 3 10")

    @Test func thePSQTTermSplitsExactlyOntoThePieces() throws {
        let network = try #require(InstalledNetwork.network)
        let map = network.relevance(of: Self.middlegame, explaining: .probe(layer: "output", direction: [1, 0]), rankedAt: "output",
                                    through: nil, composite: .standard)
        let psqt = network.activations(of: [Self.middlegame], layers: ["output"])["output"]!.storage[0]
        // The PSQT term is linear in the features and has no bias: nothing is absorbed.
        #expect(abs(map.total - Double(psqt)) < 0.01 * abs(Double(psqt)) + 0.1)
        #expect(abs(map.absorbed) < 1e-6 * abs(map.total) + 1e-9)
        #expect(map.squares.enumerated().allSatisfy { Self.middlegame.piece(at: Square(rawValue: UInt8($0.offset))) != nil || $0.element == 0 })
    }

    @Test func conditionalMapsAddUpToTheWholeMap() throws {
        let network = try #require(InstalledNetwork.network)
        let whole = network.relevance(of: Self.middlegame, explaining: .output, rankedAt: "fc0", through: nil, composite: .standard)
        var sum = [Double](repeating: 0, count: 64)
        for unit in 0..<16 {
            let part = network.relevance(of: Self.middlegame, explaining: .output, rankedAt: "fc0", through: .channels([unit]), composite: .standard)
            for square in 0..<64 { sum[square] += part.squares[square] }
        }
        // The PSQT term bypasses fc0, so each of the 16 maps holds it once; everything else
        // flows through exactly one of fc0's units.
        let psqtOnly = network.relevance(of: Self.middlegame, explaining: .output, rankedAt: "fc0", through: .channels([]), composite: .standard)
        #expect(psqtOnly.squares.contains { $0 != 0 })
        for square in 0..<64 {
            let reassembled = sum[square] - 15 * psqtOnly.squares[square]
            #expect(abs(reassembled - whole.squares[square]) < 1e-9 * (1 + abs(whole.squares[square])), "square \(square)")
        }
        #expect(whole.units.count == 16)
    }

    @Test func anExtraQueenCarriesTheEvaluation() throws {
        let network = try #require(InstalledNetwork.network)
        let position = try Position(fen: "4k3/pppp4/8/8/8/8/PPPP4/3QK3 w - - 0 1")
        let map = network.relevance(of: position, explaining: .output, rankedAt: "accumulator", through: nil, composite: .standard)
        #expect(network.value(of: position) > 5)
        let strongest = map.squares.indices.max { abs(map.squares[$0]) < abs(map.squares[$1]) }!
        #expect(Square(rawValue: UInt8(strongest)) == Square("d1"))
        #expect(map.squares[strongest] > 0)
        #expect(map.planes.count == 12 && map.planes[4] > 0)
    }
}
