#if canImport(Glibc)
import CMalloc
import Glibc
#endif

/// Training allocates and frees the same large arrays every step. glibc returns blocks
/// over its mmap threshold to the kernel on free, so each step would fault every page
/// in afresh (a fifth of the step time, measured); raising the thresholds keeps the
/// memory in the process for reuse. Done once, when the first layer is built.
public enum MemoryReuse {
    static let configured: Void = {
        #if canImport(Glibc)
        // 32 MiB is the largest mmap threshold glibc accepts on 64-bit systems.
        _ = mallopt(M_MMAP_THRESHOLD, 32 << 20)
        _ = mallopt(M_TRIM_THRESHOLD, 1 << 30)
        #endif
    }()

    /// Asks the kernel to back the large, not yet touched `buffer` with 2 MiB pages where
    /// it can: first touch then costs one fault per 2 MiB instead of one per 4 KiB, which
    /// on a virtual machine is most of the time spent filling a fresh gigabyte.
    public static func preferHugePages<T>(_ buffer: UnsafeMutableBufferPointer<T>) {
        #if canImport(Glibc)
        let huge = 2 << 20
        guard let base = buffer.baseAddress, buffer.count * MemoryLayout<T>.stride >= 4 * huge else { return }
        let start = (Int(bitPattern: base) + huge - 1) / huge * huge
        let end = (Int(bitPattern: base) + buffer.count * MemoryLayout<T>.stride) / huge * huge
        _ = madvise(UnsafeMutableRawPointer(bitPattern: start), end - start, MADV_HUGEPAGE)
        #endif
    }
}
