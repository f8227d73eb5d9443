import Chess
import DataFiles
import Foundation
import Neural

/// One training example: a position, the move played from it and how the game ended.
package struct TrainingExample: Sendable {
    package let position: Position
    package let move: Move
    /// The game's result from the side to move's view: 0 win, 1 draw, 2 loss.
    package let outcome: Int
}

/// Every main-line position of some PGN collections with a move and a known result,
/// split by game into training and validation sets. Games are streamed from the files
/// into packed, memory-mapped examples (36 bytes each), so memory stays flat as the
/// corpus grows; positions are encoded into planes a batch at a time.
package struct TrainingCorpus: Sendable {
    package let train: PackedExamples
    package let validation: PackedExamples
    /// Games that could not be read, and games without a result (skipped).
    package private(set) var skippedGames = 0

    /// A corpus of given examples, e.g. another corpus's with some left out.
    package init(train: some Sequence<TrainingExample>, validation: some Sequence<TrainingExample>) throws {
        self.train = try PackedExamples(train)
        self.validation = try PackedExamples(validation)
    }

    /// Reads `paths` (a directory stands for the files in it); `validationFraction` of the
    /// games (chosen by `seed`) go to validation.
    package init(paths: [String], seed: UInt64, validationFraction: Double = 0.1,
                maximumGames: Int = .max, onProgress: (Int) -> Void = { _ in }) throws {
        let train = try PackedExamples.Writer(), validation = try PackedExamples.Writer()
        var games = 0
        for path in try FileList.expand(paths) {
            let file = try CompressedFileReader(path: path)
            let source = URL(fileURLWithPath: path).lastPathComponent
            var reader = PGNReader(file: path) { try file.read(into: $0) }
            while games < maximumGames, let result = reader.next() {
                guard case .success(let game) = result, let white = Self.whiteOutcome(game.result) else {
                    skippedGames += 1
                    continue
                }
                games += 1
                if games % 500 == 0 { onProgress(games) }
                let split = DataSplit(source: source, game: game.number, seed: seed, fractions: (1 - validationFraction, validationFraction))
                let writer = split == .train ? train : validation
                let line = game.mainline
                for (index, next) in zip(line, line.dropFirst()) {
                    let position = game.nodes[index].position
                    let outcome = position.sideToMove == .white ? white : 2 - white
                    try writer.append(TrainingExample(position: position, move: game.nodes[next].move, outcome: outcome))
                }
            }
        }
        self.train = try train.finish()
        self.validation = try validation.finish()
    }

    /// 0 White won, 1 draw, 2 Black won; `nil` for an unfinished game.
    static func whiteOutcome(_ result: String) -> Int? {
        switch result {
        case "1-0": 0
        case "1/2-1/2": 1
        case "0-1": 2
        default: nil
        }
    }
}

extension RandomAccessCollection where Element == TrainingExample, Index == Int {
    /// At most `count` examples spread evenly over the collection: a held-out sample that
    /// covers every game instead of the first few.
    package func evenlySpaced(_ count: Int) -> [TrainingExample] {
        Array(Swift.stride(from: startIndex, to: endIndex, by: Swift.max(1, self.count / Swift.max(count, 1))).prefix(count).map { self[$0] })
    }
}

/// A batch ready for the network: planes, legal-move masks and targets.
package struct TrainingBatch {
    package let planes: Tensor
    package let masks: Tensor
    package let moves: [Int]
    package let outcomes: [Int]

    package init(_ examples: [TrainingExample]) {
        planes = BoardEncoder.encode(examples.map(\.position))
        var masks = Tensor(shape: [examples.count, MoveIndex.count])
        masks.storage.withUnsafeMutableBufferPointer { buffer in
            for (index, example) in examples.enumerated() {
                MoveIndex.legalMask(example.position, into: UnsafeMutableBufferPointer(rebasing: buffer[(index * MoveIndex.count)..<((index + 1) * MoveIndex.count)]))
            }
        }
        self.masks = masks
        moves = examples.map { MoveIndex.index(of: $0.move, in: $0.position) }
        outcomes = examples.map(\.outcome)
    }
}
