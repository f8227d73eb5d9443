import ArgumentParser
import Testing
@testable import chess_concepts

/// Options whose meaning is more than their value: the demo's checkpoints, and the
/// search spaces and sweeps of `maximise`.
struct OptionParsingTests {
    @Test func theDemoGridSpreadsSixCheckpointsOverTraining() {
        let saved = [0, 1, 2, 4, 8, 16, 31, 62, 122, 243, 484, 961, 1911, 3798, 7547, 15000, 16875, 18750, 20625, 22500, 24375, 26250, 28125, 30000]
        #expect(DemoCommand.gridSteps(saved) == [8, 62, 484, 3798, 15000, 30000])
        // The old 13-checkpoint history: 8, 63, 502 and 2,000 (half-way is 1,002, and 4,096 falls back on 2,000).
        #expect(DemoCommand.gridSteps([0, 1, 2, 4, 8, 16, 32, 63, 126, 252, 502, 1002, 2000]) == [8, 63, 502, 1002, 2000])
        #expect(DemoCommand.gridSteps([0]) == [0])
    }

    @Test func maximiseNamesItsEditsPlayAndSweeps() throws {
        let play = try MaximiseCommand.parse(["--concept", "in_check", "--fen", "8/8/8/8/8/8/8/K1k5 w - - 0 1", "--edits", "play", "--plies", "3"])
        #expect(play.edits == "play" && play.plies == 3)
        #expect(throws: (any Error).self) { try MaximiseCommand.parse(["--concept", "in_check", "--edits", "put,jump"]) }
        #expect(throws: (any Error).self) { try MaximiseCommand.parse(["--concept", "in_check", "--edits", "move", "--preserve-material"]) }
        #expect(throws: (any Error).self) { try MaximiseCommand.parse(["--concept", "in_check", "--sweep", "0,-1"]) }
        let sweep = try MaximiseCommand.parse(["--concept", "in_check", "--sweep", "0, 0.1", "--preserve-material"])
        #expect(sweep.sweep == "0, 0.1" && sweep.preserveMaterial)
    }
}
