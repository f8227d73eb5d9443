/// The SplitMix64 generator: a tiny, fast, seedable source of 64-bit values.
///
/// Every random choice in the product (sampling, splits, initialisation, shuffling)
/// draws from one of these, derived from the run's `--seed`.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.mix(state)
    }

    /// A well-mixed 64-bit function of `value`: a stateless hash for deterministic choices.
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform value in [0, 1).
    /// A seed derived from `seed` and a name (a file, a concept), the same in every run.
    public static func mix(_ seed: UInt64, _ name: String) -> UInt64 {
        name.utf8.reduce(seed) { mix($0 ^ UInt64($1)) }
    }

    public mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1p-53 }
}
