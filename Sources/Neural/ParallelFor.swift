import Dispatch
import Foundation

/// The cores this process may use, read once: on Linux, `activeProcessorCount` reads the
/// scheduler's files on every call, which cost a tenth of a probe fit's time when hot loops
/// asked for it.
public let processorCount = ProcessInfo.processInfo.activeProcessorCount

/// Runs `body` over `0..<count` split into contiguous chunks on all cores, or inline
/// when the work is too small to be worth a thread hand-off. `body` must only write
/// state that belongs to its own range. With `chunksPerCore` above 1 a core that
/// finishes early takes the next chunk, which evens out cores that run at different
/// speeds (a virtual machine's neighbours).
public func parallelFor(_ count: Int, minimumChunk: Int = 64, chunksPerCore: Int = 1, _ body: (Range<Int>) -> Void) {
    let cores = processorCount
    let chunks = min(cores * chunksPerCore, count / max(minimumChunk, 1))
    guard chunks > 1 else {
        body(0..<count)
        return
    }
    // Callers split the work into disjoint ranges; the closure itself is only read.
    nonisolated(unsafe) let body = body
    DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
        body((chunk * count / chunks)..<((chunk + 1) * count / chunks))
    }
}

/// Per-column totals over `0..<count` computed on all cores: `body` adds the
/// contribution of its range into a zeroed accumulator of `width` floats, and the
/// accumulators are added in range order, so the result does not depend on timing.
public func parallelSums(_ count: Int, width: Int, minimumChunk: Int = 64,
                         _ body: (Range<Int>, UnsafeMutablePointer<Float>) -> Void) -> [Float] {
    let chunks = max(1, min(processorCount, count / max(minimumChunk, 1)))
    var partials = [Float](repeating: 0, count: chunks * width)
    partials.withUnsafeMutableBufferPointer { partials in
        nonisolated(unsafe) let (body, partials) = (body, partials.baseAddress!)
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            body((chunk * count / chunks)..<((chunk + 1) * count / chunks), partials + chunk * width)
        }
    }
    guard chunks > 1 else { return partials }
    return (0..<width).map { column in (0..<chunks).reduce(0) { $0 + partials[$1 * width + column] } }
}

/// `body(&state, index)` for every index of `0..<count`, on `workers` threads that each
/// own a state made by `makeState(worker)` — an engine process, a copy of a network that
/// keeps its last pass — so workers share nothing but the results. Indices are dealt out
/// in turn (worker w takes w, w + workers, …); results come back in index order, so they
/// do not depend on the number of workers when each index's work is independent.
/// `onProgress` gets the number of indices done so far, from whichever thread finished
/// one. The first error thrown (by `makeState` or `body`) is rethrown once all stop.
public func parallelMap<State, Value, Failure: Error>(_ count: Int, workers: Int, makeState: (Int) throws(Failure) -> State,
                                                      onProgress: (Int) -> Void = { _ in },
                                                      _ body: (inout State, Int) throws(Failure) -> Value) throws(Failure) -> [Value] {
    let slots = ParallelSlots<Value, Failure>(count)
    let workers = max(1, min(workers, count))
    // Each worker reads the closures and writes only its own slots, under the lock.
    nonisolated(unsafe) let (makeState, body, onProgress) = (makeState, body, onProgress)
    DispatchQueue.concurrentPerform(iterations: workers) { worker in
        do throws(Failure) {
            var state = try makeState(worker)
            for index in stride(from: worker, to: count, by: workers) {
                if slots.lock.withLock({ slots.error != nil }) { return }
                let value = try body(&state, index)
                let done = slots.lock.withLock {
                    slots.values[index] = value
                    slots.done += 1
                    return slots.done
                }
                onProgress(done)
            }
        } catch {
            slots.lock.withLock { slots.error = slots.error ?? error }
        }
    }
    if let error = slots.error { throw error }
    return slots.values.map { $0! }
}

/// The results of `parallelMap`, filled by several threads under one lock.
private final class ParallelSlots<Value, Failure: Error>: @unchecked Sendable {
    let lock = NSLock()
    var values: [Value?]
    var done = 0
    var error: Failure?

    init(_ count: Int) { values = Array(repeating: nil, count: count) }
}
