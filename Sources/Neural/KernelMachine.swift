import Dispatch
import Foundation
import NeuralKernels

/// What the kernels of `NeuralKernels` run on: the instruction-set level of the clones
/// the loader picked for this processor, and the multiply-add ceiling to measure them by.
public enum KernelMachine {
    /// "x86-64-v4 (AVX-512)", "x86-64-v3 (AVX2 + FMA)", "x86-64 baseline (SSE2)", or "portable vectors" elsewhere.
    public static var vectorLevel: String { String(cString: ck_vector_level()) }

    /// Multiply-add GFLOP/s of `cores` cores running at once, the best of `rounds`.
    public static func peakGigaflops(cores: Int, rounds: Int = 3) -> Double {
        let iterations = 20_000_000
        var best = 0.0
        for _ in 0..<rounds {
            let start = ContinuousClock.now
            DispatchQueue.concurrentPerform(iterations: cores) { _ in _ = ck_multiply_add_peak(iterations) }
            let flops = Double(cores) * Double(iterations) * 24 * 16 * 2
            best = max(best, flops / (ContinuousClock.now - start).seconds / 1e9)
        }
        return best
    }
}
