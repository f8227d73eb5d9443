import Chess
import Testing

struct PackedPositionTests {
    @Test func fixturesSurviveThePackingExactly() throws {
        for fixture in FixturePosition.all {
            let position = try Position(fen: fixture.fen)
            let back = try #require(PackedPosition(position)).position()
            #expect(back == position)
            #expect(back.fen == fixture.normalizedFEN)
            // The pseudo-legal en passant square, which FEN leaves out, survives too.
            #expect(back.enPassantSquare == position.enPassantSquare)
            #expect(back.legalMoves.map(\.uci).sorted() == fixture.legal.map { $0[0] })
        }
    }

    @Test func clocksAndSideSurvive() throws {
        let position = try Position(fen: "4k3/8/8/8/8/8/8/4K2R b K - 99 4321")
        let back = try #require(PackedPosition(position)).position()
        #expect(back.fen == "4k3/8/8/8/8/8/8/4K2R b K - 99 4321")
    }

    @Test func moreThan32PiecesDoNotPack() throws {
        let crowded = try Position(fen: "rnbqkbnr/pppppppp/8/8/3NN3/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1")
        #expect(PackedPosition(crowded) == nil)
    }

    @Test func corruptWordsAreRejectedNamingThePart() throws {
        let start = try #require(PackedPosition(Position.start)).words
        func unpack(_ change: (inout InlineArray<4, UInt64>) -> Void) -> PackedPositionError? {
            var words = start
            change(&words)
            do {
                _ = try PackedPosition(words: words).position()
                return nil
            } catch {
                return error
            }
        }
        // a1's white rook (code 3) becomes code 15.
        #expect(unpack { $0[1] |= 15 }?.field == .placement)
        // e1's king (the fifth piece) becomes a queen: White has no king.
        #expect(unpack { $0[1] = $0[1] & ~(UInt64(15) << 16) | 4 << 16 }?.field == .setup(.placement))
        // a1's rook becomes a knight, yet White keeps the queenside right.
        #expect(unpack { $0[1] = $0[1] & ~UInt64(15) | 1 }?.field == .setup(.castling))
        #expect(unpack { $0[3] |= 1 << 50 }?.field == .state)
        #expect(unpack { $0[3] |= 9 << 5 }?.field == .state)
        #expect(unpack { _ in } == nil)
    }
}
