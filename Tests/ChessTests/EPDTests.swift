import Chess
import Testing

struct EPDTests {
    @Test func operationsWithQuotesNumbersAndMoves() throws {
        let record = try EPDRecord(#"2rr3k/pp3pp1/1nnqbN1p/3pN3/2pP4/2P3Q1/PPB4P/R4RK1 w - - bm Qg6; id "WAC.001"; c0 "a; tricky \"one\""; ce 250; acd 12; pv Qg6 fxg6;"#)
        #expect(record["bm"] == ["Qg6"])
        #expect(record["id"] == ["WAC.001"])
        #expect(record["c0"] == [#"a; tricky "one""#])
        #expect(record["ce"] == ["250"])
        #expect(try record.moves("bm").map(\.uci) == ["g3g6"])
        #expect(try record.moves("pv").map(\.uci) == ["g3g6", "f7g6"])
        #expect(try EPDRecord(record.epd) == record)
        #expect(record.epd.hasPrefix("2rr3k/pp3pp1/1nnqbN1p/3pN3/2pP4/2P3Q1/PPB4P/R4RK1 w - - bm Qg6; id \"WAC.001\";"))
    }

    @Test func clocksFromOperationsOrAFullFEN() throws {
        let fromOperations = try EPDRecord("4k3/8/8/8/8/8/8/4K3 w - - hmvc 12; fmvn 40;")
        #expect(fromOperations.position.halfmoveClock == 12 && fromOperations.position.fullmoveNumber == 40)
        let fromFEN = try EPDRecord("4k3/8/8/8/8/8/8/4K3 b - - 3 9 id \"x\";")
        #expect(fromFEN.position.fen == "4k3/8/8/8/8/8/8/4K3 b - - 3 9")
        #expect(fromFEN["id"] == ["x"])
    }

    @Test func errorsSayWhy() {
        #expect(throws: EPDError(reason: "expected at least 4 fields, found 2")) { try EPDRecord("4k3/8/8/8/8/8/8/4K3 w") }
        #expect(throws: EPDError(reason: "unterminated quoted operand")) { try EPDRecord("4k3/8/8/8/8/8/8/4K3 w - - id \"x;") }
        #expect { try EPDRecord("4k3/8/8/8/8/8/8/4K3 x - - id \"x\";") } throws: { error in
            (error as? EPDError)?.reason.contains("side to move") == true
        }
    }
}
