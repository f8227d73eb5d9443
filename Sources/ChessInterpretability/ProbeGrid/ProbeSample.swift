import Concepts
import DataFiles
import Dispatch
import Foundation
import PositionCollections

/// The positions a probe grid (or an activation export) is fitted and scored on:
/// drawn uniformly from the collections, with rare values of binary concepts enriched,
/// labelled with every concept, and grouped by their games' split.
///
/// Two samples with the same collections, concepts, count and seed hold the same
/// positions in the same order, so a grid and an export of the same settings see the
/// same rows.
package struct ProbeSample: Sendable {
    /// Positions of each split, in collection order.
    package let positions: [DataSplit: [SampledPosition]]
    /// Each position's value of every concept, in the order of `concepts`.
    package let labels: [DataSplit: [[Double]]]
    package let concepts: [Concept]

    /// The pool a sample is chosen from, as a multiple of the sample size.
    static let poolFactor = 4

    /// Draws `count` positions of `data`, labelled with `concepts`.
    package init(data: [String], concepts: [Concept], count: Int, seed: UInt64, onError: (CollectionError) -> Void = { _ in }) {
        let pool = PositionSample.draw(from: data, count: count * Self.poolFactor, seed: seed, onError: onError)
        let (sample, sampleLabels) = Self.enrich(pool.positions, labels: Self.label(pool.positions, with: concepts), concepts: concepts,
                                                 count: count, seed: seed)
        var positions = [DataSplit: [SampledPosition]](), labels = [DataSplit: [[Double]]]()
        for split in DataSplit.allCases {
            let members = sample.indices.filter { sample[$0].split == split }
            positions[split] = members.map { sample[$0] }
            labels[split] = members.map { sampleLabels[$0] }
        }
        self.positions = positions
        self.labels = labels
        self.concepts = concepts
    }

    /// Positions in all splits.
    package var count: Int { positions.values.reduce(0) { $0 + $1.count } }

    /// Every position, train then validation then test: the row order of exports.
    package var ordered: [(position: SampledPosition, labels: [Double])] {
        DataSplit.allCases.flatMap { split in zip(positions[split]!, labels[split]!).map { ($0, $1) } }
    }

    /// Chooses `count` positions of a labelled pool: first, for each binary concept, up
    /// to count/(2·binary concepts) positions of its rarer value, then the rest at random.
    /// A concept true in 1% of positions would otherwise leave a few dozen positives to
    /// fit and a handful to test on; the probes weigh classes equally and AUC ignores the
    /// base rate, so enrichment changes the precision of the scores, not their meaning.
    static func enrich(_ pool: [SampledPosition], labels: [[Double]], concepts: [Concept], count: Int,
                       seed: UInt64) -> (positions: [SampledPosition], labels: [[Double]]) {
        var random = SplitMix64(seed: SplitMix64.mix(seed, "enrichment"))
        let order = pool.indices.shuffled(using: &random)
        var chosen = [Int](), taken = Set<Int>()
        let binary = concepts.indices.filter { concepts[$0].kind == .binary }
        let quota = count / max(2 * binary.count, 1)
        for concept in binary {
            let positives = order.count { labels[$0][concept] == 1 }
            let rare: Double = positives * 2 < order.count ? 1 : 0
            var added = 0
            for index in order where added < quota && chosen.count < count && labels[index][concept] == rare && !taken.contains(index) {
                chosen.append(index)
                taken.insert(index)
                added += 1
            }
        }
        for index in order where chosen.count < count && !taken.contains(index) {
            chosen.append(index)
            taken.insert(index)
        }
        chosen.sort()
        return (chosen.map { pool[$0] }, chosen.map { labels[$0] })
    }

    /// Every concept's value on every position, positions across the cores.
    static func label(_ positions: [SampledPosition], with concepts: [Concept]) -> [[Double]] {
        let parts = ProcessInfo.processInfo.activeProcessorCount
        let results = UnsafeMutableBufferPointer<[[Double]]>.allocate(capacity: parts)
        _ = results.initialize(from: repeatElement([], count: parts))
        defer { results.deinitialize().deallocate() }
        nonisolated(unsafe) let slots = results
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            let range = (part * positions.count / parts)..<((part + 1) * positions.count / parts)
            slots[part] = positions[range].map { concepts.values($0.conceptInput) }
        }
        return Array(results.joined())
    }
}
