@testable import Chess
import Testing

struct AttackTests {
    @Test func magicLookupsMatchRayWalkingOnRandomOccupancies() {
        var state: UInt64 = 0x1234_5678
        func random() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state ^ (state >> 29)
        }
        let tables = AttackTables.shared
        for _ in 0..<2000 {
            let occupied = random() & random()
            let square = Int(random() % 64)
            #expect(tables.rookAttacks(square, occupied)
                    == AttackTables.slidingAttacks(square, occupied: occupied, directions: AttackTables.rookDirections))
            #expect(tables.bishopAttacks(square, occupied)
                    == AttackTables.slidingAttacks(square, occupied: occupied, directions: AttackTables.bishopDirections))
        }
    }

    @Test func attackersOfASquare() throws {
        let position = try Position(fen: "4k3/8/8/3p4/2N1B3/8/3R4/4K3 w - - 0 1")
        let d5 = Square("d5")!
        #expect(position.attackers(of: d5, by: .white) == Bitboard([Square("d2")!, Square("e4")!]))
        #expect(position.isAttacked(Square("e4")!, by: .black))
        #expect(position.attacks(from: Square("c4")!).count == 8)
    }

    @Test func pinnedPiecesAndPinRays() throws {
        let position = try Position(fen: "4k3/4r3/8/8/1b6/8/3N4/4K3 w - - 0 1")
        #expect(position.pinnedPieces(of: .white) == Bitboard([Square("d2")!]))
        #expect(position.pinRay(of: Square("d2")!, color: .white)?.contains(Square("a5")!) == true)
        #expect(position.pinRay(of: Square("e1")!, color: .white) == nil)
        // The d2 knight cannot move at all.
        #expect(!position.legalMoves.contains { $0.from == Square("d2")! })
    }

    @Test func checkersIncludeDiscoveredCheck() throws {
        // Bishop b4 moved off the e-file, uncovering the e1 rook: one checker, the rook.
        let position = try Position(fen: "4k3/8/8/8/1B6/8/8/4R1K1 b - - 0 1")
        #expect(position.checkers == Bitboard([Square("e1")!]))
    }
}
