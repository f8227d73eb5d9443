import Chess
import Testing

struct PerftTests {
    /// Depths that keep the debug-build run to a few seconds per position.
    static let standardCases = PerftCase.standardSuite.map { testCase in
        (testCase, testCase.nodes.lastIndex(where: { $0 <= 700_000 })! + 1)
    }

    @Test(arguments: standardCases)
    func standardSuite(_ testCase: PerftCase, depth: Int) throws {
        let position = try Position(fen: testCase.fen)
        for d in 1...depth {
            #expect(position.perft(d) == testCase.nodes[d - 1], "\(testCase.name) depth \(d)")
        }
    }

    @Test func randomPositionsMatchStockfish() throws {
        for fixture in FixturePosition.all {
            let position = try Position(fen: fixture.fen)
            for (index, expected) in fixture.perft.enumerated() {
                #expect(position.perft(index + 1) == expected, "\(fixture.fen) depth \(index + 1)")
            }
        }
    }

    @Test func divideSumsToTotalAndIsSortedByUCI() throws {
        let position = try Position(fen: PerftCase.standardSuite[1].fen)
        let split = position.perftDivide(3)
        #expect(split.count == 48)
        #expect(split.map(\.nodes).reduce(0, +) == 97_862)
        #expect(split.map(\.move.uci) == split.map(\.move.uci).sorted())
    }

    @Test func depthZeroIsOneNode() {
        #expect(Position.start.perft(0) == 1)
    }
}

extension PerftCase: CustomTestStringConvertible {
    public var testDescription: String { name }
}
