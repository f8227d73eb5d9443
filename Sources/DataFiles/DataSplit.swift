/// Which part of a dataset a game belongs to. Splits are by game, never by position,
/// so that neighbouring positions of one game never sit on both sides.
public enum DataSplit: String, Sendable, CaseIterable {
    case train, validation, test

    /// The split of a game: a fixed function of the seed, the file name and the game
    /// number, so every tool that splits the same collection with the same seed agrees.
    public init(source: String, game: Int, seed: UInt64, fractions: (train: Double, validation: Double)) {
        let key = SplitMix64.mix(seed, source)
        let unit = Double(SplitMix64.mix(key ^ UInt64(game)) >> 11) * 0x1p-53
        self = unit < fractions.train ? .train : unit < fractions.train + fractions.validation ? .validation : .test
    }
}
