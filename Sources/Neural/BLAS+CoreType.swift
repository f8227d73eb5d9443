import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension BLAS {
    /// The OpenBLAS core type to ask for when OpenBLAS did not recognise this processor,
    /// or nil when it did or the user chose one.
    ///
    /// An OpenBLAS older than the processor (Debian 12's 0.3.21 on Sapphire and Emerald
    /// Rapids) falls back to its SSE3 "Prescott" kernels: 5–7× slower matrix products
    /// and eigensolvers here, measured. OpenBLAS reads `OPENBLAS_CORETYPE` only while it
    /// loads, so a program that wants the right kernels sets it and starts itself again
    /// (`restartWithRecommendedCore()`).
    public static var recommendedCoreType: String? {
        guard ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil, coreName.lowercased() == "prescott" else { return nil }
        let level = KernelMachine.vectorLevel
        if level.hasPrefix("x86-64-v4") { return "SkylakeX" }
        if level.hasPrefix("x86-64-v3") { return "Haswell" }
        return nil
    }

    /// Starts this program again, with the same arguments, under the recommended
    /// OpenBLAS core type, when there is one; otherwise (or when the restart fails)
    /// returns and the program goes on with the kernels it has. Call it first in `main`.
    public static func restartWithRecommendedCore() {
        #if os(Linux)
        guard let core = recommendedCoreType else { return }
        setenv("OPENBLAS_CORETYPE", core, 1)
        let arguments = CommandLine.arguments.map { strdup($0) } + [nil]
        execv("/proc/self/exe", arguments)
        // Only reached when execv failed: carry on as we are.
        unsetenv("OPENBLAS_CORETYPE")
        #endif
    }
}
