import Chess
import ChessModel
import DataFiles
import Testing

struct EncodingTests {
    /// Positions from seeded random games, started from positions rich in castling,
    /// en passant and promotions, with both colours to move.
    static let positions: [Position] = {
        var random = SplitMix64(seed: 2024)
        let starts = [Position.startFEN, "r3k2r/p1ppqpb1/bn2pnp1/3PN3/1p2P3/2N2Q1p/PPPBBPPP/R3K2R w KQkq - 0 1",
                      "n1n5/PPPk4/8/8/8/8/4Kppp/5N1N b - - 0 1", "r3k2r/8/8/8/8/8/8/R3K2R w KQkq - 0 1",
                      "rnbqkbnr/ppp1p1pp/8/3pPp2/8/8/PPPP1PPP/RNBQKBNR w KQkq f6 0 3"]
        var result = [Position]()
        for game in 0..<60 {
            var position = try! Position(fen: starts[game % starts.count])
            for _ in 0..<80 {
                result.append(position)
                let moves = position.legalMoves
                guard !moves.isEmpty else { break }
                position.play(moves[Int(random.next() % UInt64(moves.count))])
            }
        }
        return result
    }()

    @Test func decoderInvertsTheEncoder() {
        #expect(Self.positions.count > 3000)
        #expect(Self.positions.contains { $0.sideToMove == .black } && Self.positions.contains { $0.legalEnPassantSquare != nil })
        #expect(Self.positions.contains { !$0.castlingRights.isEmpty && $0.sideToMove == .black })
        for position in Self.positions {
            let planes = BoardEncoder.encode([position])
            let decoded = planes.storage.withUnsafeBufferPointer { BoardEncoder.decode($0, fullmoveNumber: position.fullmoveNumber) }
            // The planes hold what FEN holds: an en passant square only when the capture is legal.
            #expect(decoded?.fen == position.fen, "\(position.fen)")
        }
    }

    @Test func aPlayedPositionEncodesAsTheSameOneRead() throws {
        // Black's d4 pawn stands beside the pushed one, but capturing en passant would open
        // the fourth rank from the h4 rook to the king: the square is set, the capture illegal.
        var played = try Position(fen: "8/8/8/8/k2p3R/8/4P3/4K3 w - - 0 1")
        played.play(try played.move(uci: "e2e4"))
        #expect(played.enPassantSquare != nil && played.legalEnPassantSquare == nil)
        let read = try Position(fen: "8/8/8/8/k2pP2R/8/8/4K3 b - - 0 1")
        #expect(BoardEncoder.encode([played]) == BoardEncoder.encode([read]))
        // With a pawn beside the pushed one the square is marked, on plane 16 from Black's side (e3 seen as e6, index 44).
        let capturable = try Position(fen: "rnbqkbnr/ppp1pppp/8/8/3pP3/8/PPPP1PPP/RNBQKBNR b KQkq e3 0 3")
        #expect(BoardEncoder.encode([capturable]).storage[44 * BoardEncoder.planeCount + 16] == 1)
    }

    @Test func theBoardIsSeenFromTheSideToMove() throws {
        // After 1. e4 Black to move: Black's own pawns fill its "second rank" (plane 0, squares 8–15).
        let position = try Position(fen: "rnbqkbnr/pppppppp/8/8/4P3/8/PPPP1PPP/RNBQKBNR b KQkq - 0 1")
        let planes = BoardEncoder.encode([position])
        let planeCount = BoardEncoder.planeCount
        #expect((8..<16).allSatisfy { planes.storage[$0 * planeCount + 0] == 1 })
        // The opponent's e-pawn on e4 appears at e5 from Black's side (index 36), in plane 6.
        #expect(planes.storage[36 * planeCount + 6] == 1)
        #expect(planes.storage[18] == 1)
    }

    @Test func invalidPlanesDecodeToNil() {
        var planes = BoardEncoder.encode([Position.start])
        planes.storage[0 * BoardEncoder.planeCount + 7] = 1  // a second piece on a1
        #expect(planes.storage.withUnsafeBufferPointer { BoardEncoder.decode($0) } == nil)
    }

    @Test func moveIndexIsABijectionOnLegalMoves() {
        for position in Self.positions {
            let moves = position.legalMoves
            let indices = moves.map { MoveIndex.index(of: $0, in: position) }
            #expect(Set(indices).count == moves.count, "\(position.fen)")
            #expect(indices.allSatisfy { (0..<MoveIndex.count).contains($0) })
            for (move, index) in zip(moves, indices) {
                #expect(MoveIndex.move(at: index, in: position) == move, "\(position.fen) \(move)")
            }
        }
    }

    @Test func legalMaskMarksExactlyTheLegalMoves() {
        var mask = [Float](repeating: 0, count: MoveIndex.count)
        mask.withUnsafeMutableBufferPointer { MoveIndex.legalMask(.start, into: $0) }
        #expect(mask.reduce(0, +) == 20)
    }
}

struct ActivationTests {
    @Test func activationsOfEveryProbeLayerMatchTheForwardPass() {
        let network = PolicyValueNetwork(.init(blocks: 2, channels: 8), seed: 5)
        let planes = BoardEncoder.encode(Array(EncodingTests.positions.prefix(6)))
        #expect(network.probeLayers == ["input", "stem", "block1", "block2", "policy", "value"])
        let all = network.activations(planes, layers: Set(network.probeLayers))
        #expect(Set(all.keys) == Set(network.probeLayers))
        #expect(all["input"] == planes)
        #expect(all["block2"] == network.trunk.forward(planes, mode: .inference))
        #expect(all["block2"]!.shape == [6, 8, 8, 8])
        #expect(all["policy"]!.shape == [6, 8, 8, 8] && all["value"]!.shape == [6, 64])
        // Asking for one early layer runs only the prefix and gives the same tensor.
        #expect(network.activations(planes, layers: ["stem"]) == ["stem": all["stem"]!])
    }
}
