import Dispatch
import Foundation

/// Runs `body` over `0..<count` split into contiguous chunks on all cores, or inline
/// when the work is too small to be worth a thread hand-off. `body` must only write
/// state that belongs to its own range. With `chunksPerCore` above 1 a core that
/// finishes early takes the next chunk, which evens out cores that run at different
/// speeds (a virtual machine's neighbours).
public func parallelFor(_ count: Int, minimumChunk: Int = 64, chunksPerCore: Int = 1, _ body: (Range<Int>) -> Void) {
    let cores = ProcessInfo.processInfo.activeProcessorCount
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
    let chunks = max(1, min(ProcessInfo.processInfo.activeProcessorCount, count / max(minimumChunk, 1)))
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
