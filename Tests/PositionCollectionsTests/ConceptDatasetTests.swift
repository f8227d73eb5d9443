import Concepts
import DataFiles
import PositionCollections
import Testing

struct ConceptDatasetTests {
    static let quirks = CollectionTests.fixture("quirks.pgn.gz")

    @Test func samplesAreBoundedReproducibleAndSplitByGame() {
        let all = PositionSample.draw(from: [Self.quirks], count: 1_000, seed: 7)
        #expect(all.positions.count == 61)
        let small = PositionSample.draw(from: [Self.quirks], count: 20, seed: 7, workers: 1)
        let again = PositionSample.draw(from: [Self.quirks], count: 20, seed: 7, workers: 3)
        let other = PositionSample.draw(from: [Self.quirks], count: 20, seed: 8)
        #expect(small.positions.count == 20)
        #expect(small.positions.map(\.position.fen) == again.positions.map(\.position.fen))
        #expect(small.positions.map(\.position.fen) != other.positions.map(\.position.fen))
        // Every game lies wholly in one split.
        var splitOfGame = [Int: DataSplit]()
        for position in all.positions {
            #expect(splitOfGame[position.game, default: position.split] == position.split)
            splitOfGame[position.game] = position.split
        }
        #expect(Set(splitOfGame.values).count > 1)
    }

    @Test func balancedBinaryDatasetsHaveEqualClassesPerSplit() throws {
        let sample = PositionSample.draw(from: [Self.quirks], count: 1_000, seed: 1, fractions: (0.5, 0.25))
        let concept = try ConceptCatalogue.named("has_checking_move")
        let dataset = ConceptDataset(concept: concept, sample: sample, balanced: true, seed: 3)
        #expect(!dataset.labels.isEmpty)
        for split in DataSplit.allCases {
            let labels = dataset.indices(in: split).map { dataset.labels[$0] }
            #expect(labels.count { $0 == 1 } == labels.count { $0 == 0 })
        }
        let unbalanced = ConceptDataset(concept: concept, sample: sample)
        #expect(unbalanced.labels.count == 61)
    }

    @Test func undefinedLabelsAreLeftOut() throws {
        let sample = PositionSample.draw(from: [CollectionTests.fixture("suite.epd")], count: 100, seed: 1)
        // EPD positions carry no game result, so the outcome concept is undefined everywhere.
        let dataset = ConceptDataset(concept: try ConceptCatalogue.named("game_outcome"), sample: sample)
        #expect(sample.positions.count == 4)
        #expect(dataset.labels.isEmpty)
    }
}
