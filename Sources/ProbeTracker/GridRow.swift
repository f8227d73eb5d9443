import DataFiles

/// One score of the what–when–where grid: a concept's probe at one checkpoint and
/// layer, scored on the held-out test games, beside its baselines.
public struct GridRow: Sendable, Equatable {
    public var concept: String
    public var step: Int
    public var layer: String
    /// `logistic`, `linear` or `multinomial`.
    public var probe: String
    /// `roc_auc`, `balanced_accuracy` or `r2`.
    public var metric: String
    public var score: Double
    /// 95% bootstrap interval of `score` over the test positions.
    public var low: Double
    public var high: Double
    /// The same probe on the raw input planes.
    public var inputBaseline: Double
    /// The same probe at the same layer of the network at step 0 (random weights).
    public var randomBaseline: Double
    /// The same probe fitted to shuffled labels (control task).
    public var control: Double
    /// The L2 strength chosen on the validation games.
    public var penalty: Double
    public var trainPositions: Int
    public var testPositions: Int

    /// score − control.
    public var selectivity: Double { score - control }

    public static let columns = ["concept", "step", "layer", "probe", "metric", "score", "low", "high", "input_baseline",
                                 "random_baseline", "control", "selectivity", "penalty", "train_positions", "test_positions"]

    public var values: [TableValue] {
        [.text(concept), .integer(step), .text(layer), .text(probe), .text(metric), TableValue(score), TableValue(low), TableValue(high),
         TableValue(inputBaseline), TableValue(randomBaseline), TableValue(control), TableValue(selectivity), TableValue(penalty),
         .integer(trainPositions), .integer(testPositions)]
    }
}

extension [GridRow] {
    /// Concepts in the order of the grid.
    var concepts: [String] {
        var seen = Set<String>()
        return map(\.concept).filter { seen.insert($0).inserted }
    }

    /// A concept's rows of its headline metric: the first reported for it.
    func primaryRows(of concept: String) -> [GridRow] {
        let conceptRows = filter { $0.concept == concept }
        return conceptRows.filter { $0.metric == conceptRows.first?.metric }
    }
}
