import Foundation

/// A comma-separated table with a header row, read as text cells (RFC 4180: quoted
/// fields may hold commas, doubled quotes and line breaks). Columns are turned into
/// numbers on request, with the line of any bad value in the message.
public struct CSVTable: Sendable {
    public let path: String
    public let columns: [String]
    /// Cells by row; every row has one cell per column.
    public let rows: [[String]]
    /// The file line each row starts on (1 is the header).
    public let lines: [Int]

    /// Cells that mean "no value".
    public static let missingMarkers: Set<String> = ["", "NA", "N/A", "NaN", "nan", "null", "NULL", "?"]

    /// Reads `path` (plain or gzip-compressed).
    public init(path: String) throws(DataFileError) {
        let bytes = try CompressedFileReader(path: path).readToEnd()
        try self.init(text: String(decoding: bytes, as: UTF8.self), path: path)
    }

    /// Parses `text`; `path` names the source in messages.
    public init(text: String, path: String) throws(DataFileError) {
        var records = [[String]](), starts = [Int]()
        var record = [String](), field = "", quoted = false, atFieldStart = true
        var line = 1, recordLine = 1
        var characters = text.makeIterator()
        var pending: Character?
        func endRecord() {
            record.append(field)
            if !(record.count == 1 && record[0].isEmpty) { records.append(record); starts.append(recordLine) }
            record = []
            field = ""
            atFieldStart = true
        }
        while let character = pending ?? characters.next() {
            pending = nil
            if quoted {
                if character == "\"" {
                    let next = characters.next()
                    if next == "\"" { field.append("\"") } else { quoted = false; pending = next }
                } else {
                    if character == "\n" || character == "\r\n" { line += 1 }
                    field.append(character)
                }
                continue
            }
            switch character {
            case "\"" where atFieldStart:
                quoted = true
                atFieldStart = false
            case ",":
                record.append(field)
                field = ""
                atFieldStart = true
            case "\n", "\r\n", "\r":
                endRecord()
                line += 1
                recordLine = line
            default:
                field.append(character)
                atFieldStart = false
            }
        }
        if quoted { throw DataFileError(path: path, reason: "line \(recordLine): a quoted field is not closed") }
        if !field.isEmpty || !record.isEmpty { endRecord() }
        guard let header = records.first else { throw DataFileError(path: path, reason: "no header row") }
        let columns = header.map { $0.trimmingCharacters(in: .whitespaces) }
        if let duplicate = Dictionary(grouping: columns, by: { $0 }).first(where: { $0.value.count > 1 })?.key {
            throw DataFileError(path: path, reason: "line 1: the column \"\(duplicate)\" appears twice")
        }
        for (record, start) in zip(records.dropFirst(), starts.dropFirst()) where record.count != columns.count {
            throw DataFileError(path: path, reason: "line \(start): \(record.count) fields where the header has \(columns.count)")
        }
        self.path = path
        self.columns = columns
        rows = Array(records.dropFirst())
        lines = Array(starts.dropFirst())
    }

    /// The position of `name` among the columns.
    public func index(of name: String) throws(DataFileError) -> Int {
        guard let index = columns.firstIndex(of: name) else {
            throw DataFileError(path: path, reason: "no column \"\(name)\" (columns: \(columns.joined(separator: ", ")))")
        }
        return index
    }

    /// Whether every present cell of the column reads as a number.
    public func isNumeric(_ column: Int) -> Bool {
        rows.allSatisfy { row in Self.isMissing(row[column]) || Double(row[column].trimmingCharacters(in: .whitespaces)) != nil }
    }

    /// The column as numbers, `nil` for missing cells; a cell that is neither is an error naming its line.
    public func numbers(_ column: Int) throws(DataFileError) -> [Double?] {
        var values = [Double?]()
        values.reserveCapacity(rows.count)
        for (row, line) in zip(rows, lines) {
            let cell = row[column].trimmingCharacters(in: .whitespaces)
            if Self.isMissing(cell) {
                values.append(nil)
            } else if let value = Double(cell), value.isFinite {
                values.append(value)
            } else {
                throw DataFileError(path: path, reason: "line \(line), column \(columns[column]): \"\(cell)\" is not a number")
            }
        }
        return values
    }

    public static func isMissing(_ cell: String) -> Bool { missingMarkers.contains(cell.trimmingCharacters(in: .whitespaces)) }
}
