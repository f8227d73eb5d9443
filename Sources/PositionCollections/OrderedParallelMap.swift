import Foundation

/// Runs `transform` on items from a sequential `produce` on several threads and hands
/// the outputs to `consume` in input order, holding at most a few items per thread
/// in memory at once.
///
/// Producing happens under a lock, interleaved with other threads' transforms, so a
/// cheap sequential reader feeds expensive parallel work.
public func orderedParallelMap<Input, Output>(
    workers: Int,
    produce: @escaping () -> Input?,
    transform: @escaping (Input) -> Output,
    consume: (Output) -> Void
) {
    let state = PipelineState<Output>(window: 4 * max(1, workers), workers: max(1, workers))
    // `produce` runs under the state's lock and `transform` on inputs no other thread sees.
    let shared = UncheckedBox((produce, transform))
    for _ in 0..<max(1, workers) {
        Thread {
            let (produce, transform) = shared.value
            while let (index, input) = state.take(produce) {
                state.put(transform(input), at: index)
            }
            state.workerFinished()
        }.start()
    }
    while let output = state.nextInOrder() { consume(output) }
}

/// Shared bookkeeping of `orderedParallelMap`, guarded by one condition lock.
private final class PipelineState<Output>: @unchecked Sendable {
    private let condition = NSCondition()
    private let window: Int
    private var produced = 0, consumed = 0, runningWorkers: Int
    private var exhausted = false
    private var outputs = [Int: Output]()

    init(window: Int, workers: Int) {
        self.window = window
        runningWorkers = workers
    }

    /// The next input and its index; waits while the consumer is too far behind.
    func take<Input>(_ produce: () -> Input?) -> (Int, Input)? {
        condition.lock()
        defer { condition.unlock() }
        while !exhausted && produced - consumed >= window { condition.wait() }
        guard !exhausted, let input = produce() else {
            exhausted = true
            condition.broadcast()
            return nil
        }
        produced += 1
        return (produced - 1, input)
    }

    func put(_ output: Output, at index: Int) {
        condition.lock()
        outputs[index] = output
        condition.broadcast()
        condition.unlock()
    }

    func workerFinished() {
        condition.lock()
        runningWorkers -= 1
        condition.broadcast()
        condition.unlock()
    }

    /// The output for the next index, waiting for it; `nil` once everything has been consumed.
    func nextInOrder() -> Output? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let output = outputs.removeValue(forKey: consumed) {
                consumed += 1
                condition.broadcast()
                return output
            }
            // Every worker must be gone before returning: they use closures that do not escape.
            if exhausted && consumed == produced && runningWorkers == 0 { return nil }
            condition.wait()
        }
    }
}

/// Carries a value across threads where the code guarantees exclusive or read-only use.
final class UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
