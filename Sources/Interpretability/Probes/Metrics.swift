import DataFiles

/// Scores of a probe's predictions against the true labels.
public enum Metrics {
    /// The mean of the per-class recalls of class indices (0/1 for a binary concept):
    /// chance is 1/classes whatever the class balance. Classes absent from `labels` are skipped.
    public static func balancedAccuracy(labels: [Double], predictions: [Double]) -> Double {
        var hits = [Int: Double](), totals = [Int: Double]()
        for (label, prediction) in zip(labels, predictions) {
            let actual = Int(label)
            totals[actual, default: 0] += 1
            if Int(prediction) == actual { hits[actual, default: 0] += 1 }
        }
        guard !totals.isEmpty else { return .nan }
        // Summed in class order, so that equal inputs give bit-equal scores.
        return totals.keys.sorted().reduce(0) { $0 + hits[$1, default: 0] / totals[$1]! } / Double(totals.count)
    }

    /// The area under the ROC curve: the chance that a random positive scores above a
    /// random negative (ties count half), from ranks.
    public static func rocAUC(labels: [Double], scores: [Double]) -> Double {
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var ranks = [Double](repeating: 0, count: scores.count)
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count && scores[order[end + 1]] == scores[order[start]] { end += 1 }
            let averageRank = Double(start + end) / 2 + 1
            for position in start...end { ranks[order[position]] = averageRank }
            start = end + 1
        }
        let positives = labels.filter { $0 > 0.5 }.count, negatives = labels.count - positives
        guard positives > 0 && negatives > 0 else { return .nan }
        let positiveRankSum = zip(labels, ranks).filter { $0.0 > 0.5 }.reduce(0) { $0 + $1.1 }
        return (positiveRankSum - Double(positives * (positives + 1)) / 2) / Double(positives * negatives)
    }

    /// The coefficient of determination, 1 − SSE/SST.
    public static func r2(labels: [Double], predictions: [Double]) -> Double {
        let mean = labels.reduce(0, +) / Double(labels.count)
        let total = labels.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        let residual = zip(labels, predictions).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        return total > 0 ? 1 - residual / total : .nan
    }

    /// Plain accuracy of class predictions.
    public static func accuracy(labels: [Double], predictions: [Double]) -> Double {
        Double(zip(labels, predictions).count { $0.0 == $0.1 }) / Double(max(labels.count, 1))
    }

    /// A 95% percentile bootstrap interval of `metric` over resamples of the examples.
    public static func bootstrapInterval(count: Int, resamples: Int = 200, seed: UInt64,
                                         metric: ([Int]) -> Double) -> (low: Double, high: Double) {
        var random = SplitMix64(seed: seed)
        var values = [Double]()
        for _ in 0..<resamples {
            let sample = (0..<count).map { _ in Int(random.next() % UInt64(count)) }
            let value = metric(sample)
            if !value.isNaN { values.append(value) }
        }
        guard !values.isEmpty else { return (.nan, .nan) }
        values.sort()
        return (values[Int(0.025 * Double(values.count - 1))], values[Int((0.975 * Double(values.count - 1)).rounded())])
    }
}
