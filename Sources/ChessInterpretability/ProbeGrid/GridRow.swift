import DataFiles

/// One score of the what–when–where grid: a concept's probe at one checkpoint and
/// layer, scored on the held-out test games, beside its baselines.
package struct GridRow: Sendable, Equatable {
    package var concept: String
    package var step: Int
    package var layer: String
    /// `logistic`, `linear` or `multinomial`.
    package var probe: String
    /// The probe's kind: `linear` (dense) or `sparse:K`.
    package var readout: String
    /// `balanced` (every class weighs the same in training) or `none` (scalar concepts).
    package var classWeight: String
    /// `roc_auc`, `balanced_accuracy` or `r2`.
    package var metric: String
    package var score: Double
    /// 95% bootstrap interval of `score` over the test positions.
    package var low: Double
    package var high: Double
    /// The same probe on the raw input planes.
    package var inputBaseline: Double
    /// The same probe at the same layer of the network at step 0 (random weights).
    package var randomBaseline: Double
    /// The same probe fitted to shuffled labels (control task).
    package var control: Double
    /// The L2 strength chosen on the validation games.
    package var penalty: Double
    package var trainPositions: Int
    package var validationPositions: Int
    package var testPositions: Int
    /// Positions where a binary concept holds, in the training and test games (nil for other kinds).
    package var trainPositives: Int?
    package var testPositives: Int?

    /// score − control.
    package var selectivity: Double { score - control }

    package static let columns = ["concept", "step", "layer", "probe", "readout", "class_weight", "metric", "score", "low", "high",
                                 "input_baseline", "random_baseline", "control", "selectivity", "penalty", "train_positions",
                                 "validation_positions", "test_positions", "train_positives", "test_positives"]

    package var values: [TableValue] {
        [.text(concept), .integer(step), .text(layer), .text(probe), .text(readout), .text(classWeight), .text(metric), TableValue(score),
         TableValue(low), TableValue(high), TableValue(inputBaseline), TableValue(randomBaseline), TableValue(control),
         TableValue(selectivity), TableValue(penalty), .integer(trainPositions), .integer(validationPositions), .integer(testPositions),
         trainPositives.map { .integer($0) } ?? .missing, testPositives.map { .integer($0) } ?? .missing]
    }
}

extension GridRow {
    /// The penalty as the fit chose it: the grid writes the Float's shortest digits.
    var storedPenalty: Float { Float("\(penalty)") ?? .nan }
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

extension GridRow {
    /// The rows of a `grid.csv` written by the tracker.
    package static func read(from path: String) throws(DataFileError) -> [GridRow] {
        let table = try CSVTable(path: path)
        guard table.columns == columns else { throw DataFileError(path: path, reason: "not a probe grid (columns \(table.columns.joined(separator: ",")))") }
        return try zip(table.rows, table.lines).map { cells, line throws(DataFileError) in
            func number(_ index: Int) throws(DataFileError) -> Double {
                if CSVTable.isMissing(cells[index]) { return .nan }
                guard let value = Double(cells[index]) else { throw DataFileError(path: path, reason: "line \(line), column \(columns[index]): \"\(cells[index])\" is not a number") }
                return value
            }
            func count(_ index: Int) throws(DataFileError) -> Int? {
                let value = try number(index)
                return value.isNaN ? nil : Int(value)
            }
            return GridRow(concept: cells[0], step: Int(try number(1)), layer: cells[2], probe: cells[3], readout: cells[4], classWeight: cells[5],
                           metric: cells[6], score: try number(7), low: try number(8), high: try number(9), inputBaseline: try number(10),
                           randomBaseline: try number(11), control: try number(12), penalty: try number(14),
                           trainPositions: Int(try number(15)), validationPositions: Int(try number(16)), testPositions: Int(try number(17)),
                           trainPositives: try count(18), testPositives: try count(19))
        }
    }
}
