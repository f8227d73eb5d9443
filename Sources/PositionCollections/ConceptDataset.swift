import Chess
import Concepts
import DataFiles

/// Positions labelled with one concept, split by game into train, validation and test.
public struct ConceptDataset: Sendable {
    public let concept: Concept
    public let positions: [SampledPosition]
    public let labels: [Double]

    /// Labels a sample with `concept`. Positions where the concept is undefined (NaN)
    /// are left out. With `balanced`, a binary concept keeps as many negatives as
    /// positives in each split (chosen with `seed`), so that a probe cannot score by
    /// predicting the majority class.
    public init(concept: Concept, sample: PositionSample, balanced: Bool = false, seed: UInt64 = 0) {
        self.concept = concept
        var kept = [(SampledPosition, Double)]()
        for position in sample.positions {
            let label = concept.value(position.conceptInput)
            if !label.isNaN { kept.append((position, label)) }
        }
        if balanced && concept.kind == .binary {
            var random = SplitMix64(seed: seed)
            var balancedKept = [(SampledPosition, Double)]()
            for split in DataSplit.allCases {
                let inSplit = kept.filter { $0.0.split == split }
                let positives = inSplit.filter { $0.1 == 1 }, negatives = inSplit.filter { $0.1 != 1 }
                let size = min(positives.count, negatives.count)
                balancedKept += positives.shuffled(using: &random).prefix(size) + negatives.shuffled(using: &random).prefix(size)
            }
            kept = balancedKept
        }
        positions = kept.map(\.0)
        labels = kept.map(\.1)
    }

    /// Indices of the positions in `split`.
    public func indices(in split: DataSplit) -> [Int] {
        positions.indices.filter { positions[$0].split == split }
    }
}
