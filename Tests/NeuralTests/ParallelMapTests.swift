import Neural
import Testing

struct ParallelMapTests {
    /// Each worker keeps its own state; the results come back in index order whatever the
    /// number of workers, and every index is done once.
    @Test(arguments: [1, 2, 5])
    func resultsComeBackInOrderWithEachWorkersOwnState(_ workers: Int) {
        let squares = parallelMap(23, workers: workers, makeState: { worker in (worker: worker, calls: 0) }) { state, index in
            state.calls += 1
            // Worker w takes w, w + workers, …: its calls so far say which turn this is.
            precondition(index == state.worker + (state.calls - 1) * min(workers, 23))
            return index * index
        }
        #expect(squares == (0..<23).map { $0 * $0 })
    }

    struct Refusal: Error, Equatable { let index: Int }

    @Test func theFirstErrorIsRethrownAndProgressCounts() {
        func refuseSeven() throws(Refusal) -> [Int] {
            try parallelMap(20, workers: 2, makeState: { (_: Int) throws(Refusal) in () }) { (_: inout Void, index: Int) throws(Refusal) -> Int in
                if index == 7 { throw Refusal(index: 7) }
                return index
            }
        }
        #expect(throws: Refusal(index: 7)) { try refuseSeven() }
        nonisolated(unsafe) var highest = 0
        _ = parallelMap(10, workers: 1, makeState: { _ in () }, onProgress: { highest = max(highest, $0) }) { _, index in index }
        #expect(highest == 10)
    }
}
