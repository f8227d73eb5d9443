import Dispatch
import Foundation

/// Runs `body` over `0..<count` split into contiguous chunks on all cores, or inline
/// when the work is too small to be worth a thread hand-off. `body` must only write
/// state that belongs to its own range.
public func parallelFor(_ count: Int, minimumChunk: Int = 64, _ body: (Range<Int>) -> Void) {
    let cores = ProcessInfo.processInfo.activeProcessorCount
    let chunks = min(cores, count / max(minimumChunk, 1))
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
