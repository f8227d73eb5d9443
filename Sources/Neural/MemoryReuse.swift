import CMalloc

/// Training allocates and frees the same large arrays every step. glibc returns blocks
/// over its mmap threshold to the kernel on free, so each step would fault every page
/// in afresh (a fifth of the step time, measured); raising the thresholds keeps the
/// memory in the process for reuse. Done once, when the first layer is built.
enum MemoryReuse {
    static let configured: Void = {
        // 32 MiB is the largest mmap threshold glibc accepts on 64-bit systems.
        _ = mallopt(M_MMAP_THRESHOLD, 32 << 20)
        _ = mallopt(M_TRIM_THRESHOLD, 1 << 30)
    }()
}
