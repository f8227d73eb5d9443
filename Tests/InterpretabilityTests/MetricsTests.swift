import Interpretability
import Testing

struct MetricsTests {
    @Test func balancedAccuracyAveragesTheClassRecalls() {
        // Positives: 3 of 4 right; negatives: 1 of 2 right.
        let labels: [Double] = [1, 1, 1, 1, 0, 0], predictions: [Double] = [1, 1, 1, 0, 0, 1]
        #expect(Metrics.balancedAccuracy(labels: labels, predictions: predictions) == (0.75 + 0.5) / 2)
        // Three classes: recalls 1/2, 1, 0.
        #expect(Metrics.balancedAccuracy(labels: [0, 0, 1, 2], predictions: [0, 2, 1, 1]) == 0.5)
    }

    @Test func rocAUCCountsOrderedPairsWithTiesAsHalf() {
        // Pairs (positive, negative): (0.8,0.3) ✓, (0.8,0.5) ✓, (0.5,0.3) ✓, (0.5,0.5) tie → 3.5 / 4.
        #expect(Metrics.rocAUC(labels: [1, 1, 0, 0], scores: [0.8, 0.5, 0.3, 0.5]) == 0.875)
        #expect(Metrics.rocAUC(labels: [1, 0], scores: [0.1, 0.9]) == 0)
        #expect(Metrics.rocAUC(labels: [1, 1], scores: [0.1, 0.9]).isNaN)
    }

    @Test func r2AgainstTheMean() {
        #expect(Metrics.r2(labels: [1, 2, 3], predictions: [1, 2, 3]) == 1)
        #expect(Metrics.r2(labels: [1, 2, 3], predictions: [2, 2, 2]) == 0)
        #expect(Metrics.r2(labels: [1, 2, 3], predictions: [1, 2, 4]) == 0.5)
    }

    @Test func bootstrapIntervalIsReproducibleAndBracketsTheEstimate() {
        let labels: [Double] = (0..<200).map { Double($0 % 2) }
        // Every fifth prediction is wrong: accuracy 0.8.
        let predictions: [Double] = (0..<200).map { (index: Int) -> Double in
            let label = Double(index % 2)
            return index % 5 == 0 ? 1 - label : label
        }
        let metric = { (indices: [Int]) in Metrics.accuracy(labels: indices.map { labels[$0] }, predictions: indices.map { predictions[$0] }) }
        let interval = Metrics.bootstrapInterval(count: 200, seed: 4, metric: metric)
        #expect(interval == Metrics.bootstrapInterval(count: 200, seed: 4, metric: metric))
        #expect(interval.low < 0.8 && 0.8 < interval.high && interval.high - interval.low < 0.15)
    }
}
