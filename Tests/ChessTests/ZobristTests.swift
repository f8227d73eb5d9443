import Chess
import Testing

struct ZobristTests {
    @Test func polyglotSpecificationExamples() throws {
        // Key values published with the Polyglot book format.
        #expect(Position.start.zobristKey == 0x463B_9618_1691_FC9C)
        var position = Position.start
        position.play(try position.move(san: "e4"))
        #expect(position.zobristKey == 0x823C_9B50_FD11_4196)
        position.play(try position.move(san: "d5"))
        #expect(position.zobristKey == 0x0756_B944_61C5_0FB0)
        position.play(try position.move(san: "e5"))
        position.play(try position.move(san: "f5"))
        #expect(position.zobristKey == 0x22A4_8B5A_8E47_FF78)
    }

    @Test func fixtureKeysMatchPythonChess() throws {
        for fixture in FixturePosition.all {
            let key = try Position(fen: fixture.fen).zobristKey
            #expect(String(key, radix: 16).leftPadded(to: 16) == fixture.zobrist, "\(fixture.fen)")
        }
    }
}

extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
