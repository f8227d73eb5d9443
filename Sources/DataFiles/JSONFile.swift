import Foundation

/// JSON files as Python's `json.load` expects them: one object, keys sorted, pretty-printed,
/// written atomically.
///
/// ```swift
/// struct Summary: Codable { var concept: String; var score: Double? }
/// try JSONFile.write(Summary(concept: "in_check", score: 0.9), to: "out/summary.json")
/// let summary = try JSONFile.read(Summary.self, from: "out/summary.json")
/// ```
public enum JSONFile {
    /// Writes `value` to `path` atomically. Keys are the values' coding keys; write a missing
    /// or non-finite number as an optional that is `nil` (JSON `null`).
    public static func write<Value: Encodable>(_ value: Value, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(value)
        data.append(UInt8(ascii: "\n"))
        try AtomicFileWriter.write(data, to: path)
    }

    /// Reads a `Value` from `path`; a missing or malformed file is an error naming it.
    public static func read<Value: Decodable>(_ type: Value.Type, from path: String) throws(DataFileError) -> Value {
        guard let data = FileManager.default.contents(atPath: path) else { throw DataFileError(path: path, reason: "cannot read the file") }
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch {
            throw DataFileError(path: path, reason: "not the JSON expected here (\(error))")
        }
    }
}
