import DataFiles
import Foundation

/// Feature columns and a target column of a CSV table as numbers, with missing values and
/// text (categorical) columns handled as the user chose, and a note of what was done.
package struct TabularDataset: Sendable {
    /// What to do with a row that lacks a value in a used column.
    package enum MissingValues: String, Codable, Sendable, CaseIterable {
        /// Leave the row out.
        case drop
        /// Use the column's mean over the rows that have it.
        case mean
        /// Stop with an error naming the first such cell.
        case fail
    }

    /// What to do with text columns among the features.
    package enum CategoricalColumns: String, Codable, Sendable, CaseIterable {
        /// One 0/1 column per value (`column=value`).
        case oneHot = "one-hot"
        case exclude
    }

    package let featureNames: [String]
    /// Rows × features, in original units.
    package let features: [[Double]]
    package let target: [Double]
    /// The file line of each kept row.
    package let lines: [Int]
    /// What was dropped, filled or excluded, for the user.
    package let notes: [String]

    /// `featureColumns` nil means every column but the target.
    package init(table: CSVTable, target targetName: String, featureColumns: [String]?, missing: MissingValues,
                categorical: CategoricalColumns) throws(DataFileError) {
        let targetIndex = try table.index(of: targetName)
        guard table.isNumeric(targetIndex) else { throw DataFileError(path: table.path, reason: "the target column \(targetName) is not numeric") }
        var notes = [String]()
        let requested = try (featureColumns ?? table.columns.filter { $0 != targetName }).map { name throws(DataFileError) in try table.index(of: name) }
        // Columns as numeric vectors (nil = missing); text columns expanded or left out.
        var names = [String](), columns = [[Double?]]()
        for index in requested {
            let name = table.columns[index]
            if table.isNumeric(index) {
                names.append(name)
                columns.append(try table.numbers(index))
                continue
            }
            switch categorical {
            case .exclude:
                notes.append("excluded the text column \(name) (use one-hot encoding to include it)")
            case .oneHot:
                let cells = table.rows.map { $0[index].trimmingCharacters(in: .whitespaces) }
                let values = Set(cells.filter { !CSVTable.isMissing($0) }).sorted()
                for value in values {
                    names.append("\(name)=\(value)")
                    columns.append(cells.map { CSVTable.isMissing($0) ? nil : $0 == value ? 1 : 0 })
                }
                notes.append("one-hot encoded \(name) into \(values.count) columns")
            }
        }
        let targetValues = try table.numbers(targetIndex)
        let used = columns + [targetValues]
        let usedNames = names + [targetName]
        var keep = Array(table.rows.indices)
        for (column, name) in zip(used, usedNames) {
            let missingRows = column.indices.filter { column[$0] == nil }
            guard !missingRows.isEmpty else { continue }
            switch missing {
            case .fail:
                throw DataFileError(path: table.path, reason: "line \(table.lines[missingRows[0]]), column \(name): missing value "
                                    + "(\(missingRows.count) in the column; choose to drop those rows or fill them with the mean)")
            case .drop:
                notes.append("\(name): \(missingRows.count) missing values, rows dropped")
                let gone = Set(missingRows)
                keep = keep.filter { !gone.contains($0) }
            case .mean:
                notes.append("\(name): \(missingRows.count) missing values filled with the column mean")
            }
        }
        let means = used.map { column in
            let present = column.compactMap { $0 }
            return present.isEmpty ? 0 : present.reduce(0, +) / Double(present.count)
        }
        guard !keep.isEmpty else { throw DataFileError(path: table.path, reason: "no rows left after dropping missing values") }
        featureNames = names
        features = keep.map { row in columns.indices.map { columns[$0][row] ?? means[$0] } }
        target = keep.map { targetValues[$0] ?? means[used.count - 1] }
        lines = keep.map { table.lines[$0] }
        self.notes = notes
    }
}
