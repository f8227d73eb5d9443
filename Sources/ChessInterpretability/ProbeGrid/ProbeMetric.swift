import Interpretability

/// How a probe's test predictions are scored.
enum ProbeMetric: String, Sendable {
    /// Binary concepts: threshold-free, 0.5 at chance.
    case rocAUC = "roc_auc"
    /// Binary and categorical concepts: the mean per-class recall, 1/classes at chance.
    case balancedAccuracy = "balanced_accuracy"
    /// Scalar concepts: 0 for predicting the mean.
    case r2 = "r2"

    /// The score of raw probe `scores` [rows × outputs] against `target`'s labels over the given rows.
    func score(_ scores: [Float], target: ProbeTarget, rows: [Int]) -> Double {
        let labels = rows.map { target.labels[$0] }
        switch self {
        case .rocAUC:
            return Metrics.rocAUC(labels: labels, scores: rows.map { Double(scores[$0]) })
        case .r2:
            return Metrics.r2(labels: labels, predictions: rows.map { Double(scores[$0]) })
        case .balancedAccuracy:
            let k = target.kind.outputs
            let classes = rows.map { row -> Double in
                if k == 1 { return scores[row] > 0 ? 1 : 0 }
                let slice = scores[(row * k)..<((row + 1) * k)]
                return Double(slice.indices.max { slice[$0] < slice[$1] }! - row * k)
            }
            return Metrics.balancedAccuracy(labels: labels, predictions: classes)
        }
    }
}
