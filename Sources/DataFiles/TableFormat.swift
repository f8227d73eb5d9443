/// How a table is written: CSV with a header line, or JSON Lines (one object per row).
public enum TableFormat: String, Sendable, CaseIterable {
    case csv
    case jsonl

    /// The header line, or `nil` for formats without one.
    public func header(_ columns: [String]) -> String? {
        self == .csv ? columns.map(Self.csvField).joined(separator: ",") + "\n" : nil
    }

    /// One row as a line of text (with its line end).
    public func row(_ values: [TableValue], columns: [String]) -> String {
        switch self {
        case .csv:
            return values.map { value in
                switch value {
                case .text(let text): Self.csvField(text)
                case .integer(let number): String(number)
                case .number(let number): number.isFinite ? "\(number)" : ""
                case .boolean(let flag): flag ? "1" : "0"
                case .missing: ""
                }
            }.joined(separator: ",") + "\n"
        case .jsonl:
            let members = zip(columns, values).map { column, value in
                let json: String = switch value {
                case .text(let text): Self.jsonString(text)
                case .integer(let number): String(number)
                case .number(let number): number.isFinite ? "\(number)" : "null"
                case .boolean(let flag): flag ? "true" : "false"
                case .missing: "null"
                }
                return Self.jsonString(column) + ":" + json
            }
            return "{" + members.joined(separator: ",") + "}\n"
        }
    }

    /// RFC 4180: quote a field holding a comma, quote or line break, doubling inner quotes.
    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacing("\"", with: "\"\"") + "\""
    }

    /// `number` as a JSON number, or `null` when it is not finite (JSON has no NaN).
    public static func jsonNumber(_ number: Double) -> String { number.isFinite ? "\(number)" : "null" }

    /// `text` as a JSON string literal.
    public static func jsonString(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
