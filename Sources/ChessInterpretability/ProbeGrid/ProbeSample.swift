import Concepts
import DataFiles
import Dispatch
import Foundation
import PositionCollections

/// The positions a probe grid (or an activation export) is fitted and scored on.
///
/// Every concept is fitted and scored on the shared rows, drawn uniformly from the
/// collections and labelled with every concept, so that a scalar or categorical
/// concept's R² or balanced accuracy describes the collection itself. A binary concept
/// whose rarer value holds in fewer than `rareFloor` of the shared rows also gets rows of
/// its own: further positions of that value, drawn uniformly from the pool among the
/// positions where it takes that value. Only that concept's probe sees them. Its classes
/// keep the collection's conditional distributions, its probe weighs them equally, and
/// ROC AUC and balanced accuracy ignore the base rate: so its own rows change the
/// precision of its scores, not their meaning.
///
/// Which rows a concept uses depends on that concept, the collections, the count and the
/// seed alone, never on the other concepts of the run. Two samples with the same
/// collections, concepts, count and seed hold the same positions in the same order, so a
/// grid and an export of the same settings see the same rows.
///
/// ```swift
/// let sample = ProbeSample(data: ["games.pgn"], concepts: [inCheck, mobility], count: 3_000, seed: 1)
/// sample.rows(of: 0, in: .train)  // the shared training rows, then in_check's own
/// ```
package struct ProbeSample: Sendable {
    /// One set of rows: its positions in each split, in collection order, and their concept values.
    package struct Rows: Sendable {
        package let positions: [DataSplit: [SampledPosition]]
        /// Each position's value of every concept, in the order of `concepts`; NaN where a
        /// concept does not use the row (another concept's own rows).
        package let labels: [DataSplit: [[Double]]]

        /// Positions in all splits.
        package var count: Int { positions.values.reduce(0) { $0 + $1.count } }

        init(_ chosen: [(position: SampledPosition, labels: [Double])]) {
            var positions = [DataSplit: [SampledPosition]](), labels = [DataSplit: [[Double]]]()
            for split in DataSplit.allCases {
                let members = chosen.filter { $0.position.split == split }
                positions[split] = members.map(\.position)
                labels[split] = members.map(\.labels)
            }
            self.positions = positions
            self.labels = labels
        }
    }

    /// The rows every concept uses.
    package let shared: Rows
    /// A binary concept's own rows of its rarer value, by concept index; absent for a
    /// concept that needs none.
    package let own: [Int: Rows]
    package let concepts: [Concept]

    /// The pool a sample is chosen from, as a multiple of the sample size.
    static let poolFactor = 4
    /// The share of the shared rows below which a binary concept's rarer value gets rows
    /// of its own, up to that share: a concept true in 1% of positions would otherwise
    /// leave a few dozen positives to fit and a handful to test on.
    static let rareFloor = 1.0 / 8

    /// Draws `count` shared positions of `data`, labelled with `concepts`, and the binary
    /// concepts' own rows.
    package init(data: [String], concepts: [Concept], count: Int, seed: UInt64, onError: (CollectionError) -> Void = { _ in }) {
        let pool = PositionSample.draw(from: data, count: count * Self.poolFactor, seed: seed, onError: onError).positions
        let labels = Self.label(pool, with: concepts)
        let (shared, own) = Self.choose(pool.count, labels: labels, concepts: concepts, count: count, seed: seed)
        self.shared = Rows(shared.map { (pool[$0], labels[$0]) })
        self.own = Dictionary(uniqueKeysWithValues: own.map { concept, rows in
            (concept, Rows(rows.map { row in (pool[row], labels[row].indices.map { $0 == concept ? labels[row][$0] : .nan }) }))
        })
        self.concepts = concepts
    }

    /// Shared positions in all splits.
    package var count: Int { shared.count }

    /// Every row: the shared ones and every concept's own.
    package var rowCount: Int { shared.count + own.values.reduce(0) { $0 + $1.count } }

    /// The positions concept `index` is fitted and scored on in `split`: the shared ones,
    /// then its own.
    package func rows(of index: Int, in split: DataSplit) -> (positions: [SampledPosition], labels: [Double]) {
        let ownRows = own[index]
        return (shared.positions[split]! + (ownRows?.positions[split]! ?? []),
                (shared.labels[split]! + (ownRows?.labels[split]! ?? [])).map { $0[index] })
    }

    /// Every row of the sample with its labels: the shared rows (train, validation, test),
    /// then each concept's own rows in concept order, each tagged with whose rows they are
    /// (nil for shared). The row order of exports.
    package var ordered: [(position: SampledPosition, labels: [Double], owner: Concept?)] {
        func rows(_ set: Rows, owner: Concept?) -> [(position: SampledPosition, labels: [Double], owner: Concept?)] {
            DataSplit.allCases.flatMap { split in zip(set.positions[split]!, set.labels[split]!).map { ($0, $1, owner) } }
        }
        return rows(shared, owner: nil) + own.keys.sorted().flatMap { rows(own[$0]!, owner: concepts[$0]) }
    }

    /// The pool indices of the shared rows, a uniform draw of `count`, and of each binary
    /// concept's own rows (pool indices in ascending order). A concept's own rows come from
    /// a random order of its own, so they do not depend on the other concepts.
    static func choose(_ poolSize: Int, labels: [[Double]], concepts: [Concept], count: Int,
                       seed: UInt64) -> (shared: [Int], own: [Int: [Int]]) {
        var random = SplitMix64(seed: SplitMix64.mix(seed, "shared rows"))
        let shared = Array(Array(0..<poolSize).shuffled(using: &random).prefix(count)).sorted()
        let inShared = Set(shared)
        var own = [Int: [Int]]()
        for concept in concepts.indices where concepts[concept].kind == .binary {
            let positives = shared.count { labels[$0][concept] == 1 }
            let rare: Double = positives * 2 < shared.count ? 1 : 0
            let needed = Int((Double(shared.count) * Self.rareFloor).rounded(.up)) - min(positives, shared.count - positives)
            guard needed > 0 else { continue }
            var random = SplitMix64(seed: SplitMix64.mix(seed, "own rows of " + concepts[concept].name))
            let chosen = (0..<poolSize).filter { !inShared.contains($0) && labels[$0][concept] == rare }.shuffled(using: &random).prefix(needed)
            if !chosen.isEmpty { own[concept] = chosen.sorted() }
        }
        return (shared, own)
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
