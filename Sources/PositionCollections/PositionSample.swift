import Chess
import Concepts
import DataFiles
import Foundation

/// A position drawn from a collection, with what concepts need to label it.
public struct SampledPosition: Sendable {
    public let position: Position
    public let start: Position
    public let history: [Move]
    public let result: String?
    public let source: String
    public let game: Int
    public let ply: Int
    public let split: DataSplit

    /// The input concepts are computed from.
    public var conceptInput: ConceptInput {
        ConceptInput(position, history: history[...], start: start, result: result)
    }
}

/// A uniform random sample of the positions of some collections, each tagged with
/// its game's split; reproducible from the seed, in memory bounded by the sample size.
public struct PositionSample: Sendable {
    public let positions: [SampledPosition]

    /// Draws up to `count` positions (reservoir sampling over every main-line position).
    /// `fractions` gives the train/validation/test shares of games.
    public static func draw(from paths: [String], count: Int, seed: UInt64,
                            fractions: (train: Double, validation: Double) = (0.7, 0.15),
                            workers: Int = ProcessInfo.processInfo.activeProcessorCount,
                            onError: (CollectionError) -> Void = { _ in }) -> PositionSample {
        var reservoir = [SampledPosition]()
        reservoir.reserveCapacity(count)
        var random = SplitMix64(seed: seed)
        var seen = 0
        for path in paths {
            let reader: CollectionReader
            do {
                reader = try CollectionReader(path: path)
            } catch {
                onError(error)
                continue
            }
            let source = URL(fileURLWithPath: path).lastPathComponent
            orderedParallelMap(workers: workers, produce: { () -> [CollectionItem]? in
                let batch = reader.nextBatch()
                return batch.isEmpty ? nil : batch
            }, transform: { batch in
                batch.map { positions(of: $0, path: path, source: source, seed: seed, fractions: fractions) }
            }, consume: { results in
                for result in results {
                    switch result {
                    case .failure(let error):
                        onError(error)
                    case .success(let (drawn, warnings)):
                        warnings.forEach(onError)
                        for position in drawn {
                            seen += 1
                            if reservoir.count < count {
                                reservoir.append(position)
                            } else {
                                let slot = Int(random.next() % UInt64(seen))
                                if slot < count { reservoir[slot] = position }
                            }
                        }
                    }
                }
            })
        }
        return PositionSample(positions: reservoir)
    }

    private static func positions(of item: CollectionItem, path: String, source: String, seed: UInt64,
                                  fractions: (train: Double, validation: Double)) -> Result<([SampledPosition], [CollectionError]), CollectionError> {
        switch item {
        case .failure(let error):
            return .failure(error)
        case .line(let text, let number, let format, let fenReading):
            let split = DataSplit(source: source, game: number, seed: seed, fractions: fractions)
            return CollectionItem.position(line: text, number: number, format: format, fenReading: fenReading, path: path).map { read in
                ([SampledPosition(position: read.position, start: read.position, history: [], result: nil,
                                  source: source, game: number, ply: 0, split: split)], read.repairs)
            }
        case .game(let raw):
            switch raw.build() {
            case .failure(let error):
                return .failure(CollectionError(error, file: path))
            case .success(let game):
                let split = DataSplit(source: source, game: game.number, seed: seed, fractions: fractions)
                let moves = game.mainlineMoves
                let result = game.result == "*" ? nil : game.result
                return .success((game.mainline.enumerated().map { ply, index in
                    SampledPosition(position: game.nodes[index].position, start: game.startPosition, history: Array(moves[..<ply]),
                                    result: result, source: source, game: game.number, ply: ply, split: split)
                }, game.issues.map { CollectionError($0, file: path) }))
            }
        }
    }

    /// The positions of one split.
    public func positions(in split: DataSplit) -> [SampledPosition] { positions.filter { $0.split == split } }
}
