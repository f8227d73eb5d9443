import DataFiles
import Foundation

/// Reads and writes the safetensors format (an 8-byte little-endian header length,
/// a JSON header naming each tensor's dtype, shape and byte range, then the raw
/// little-endian data), so that `safetensors.torch.load_file` opens our checkpoints.
public enum Safetensors {
    /// Writes `tensors` (Float32) and string `metadata` to `path` atomically.
    public static func write(_ tensors: [String: Tensor], metadata: [String: String] = [:], to path: String) throws {
        var entries = [String]()
        var offset = 0
        let names = tensors.keys.sorted()
        for name in names {
            let tensor = tensors[name]!
            let size = tensor.count * 4
            entries.append("\(json(name)):{\"dtype\":\"F32\",\"shape\":[\(tensor.shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(offset + size)]}")
            offset += size
        }
        if !metadata.isEmpty {
            let pairs = metadata.keys.sorted().map { "\(json($0)):\(json(metadata[$0]!))" }
            entries.insert("\"__metadata__\":{\(pairs.joined(separator: ","))}", at: 0)
        }
        var header = Array(("{" + entries.joined(separator: ",") + "}").utf8)
        // Pad the header with spaces so the data starts 8-byte aligned, as the reference writer does.
        while header.count % 8 != 0 { header.append(UInt8(ascii: " ")) }
        var data = Data(capacity: 8 + header.count + offset)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: header)
        for name in names {
            tensors[name]!.storage.withUnsafeBufferPointer { values in
                for value in values {
                    withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) }
                }
            }
        }
        try AtomicFileWriter.write(data, to: path)
    }

    /// Reads every tensor and the metadata of a safetensors file, checking its structure;
    /// a truncated or corrupt file is an error saying what is wrong.
    public static func read(from path: String) throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        func fail(_ reason: String) -> SafetensorsError { SafetensorsError(path: path, reason: reason) }
        guard let data = FileManager.default.contents(atPath: path) else { throw fail("cannot read the file") }
        guard data.count >= 8 else { throw fail("only \(data.count) bytes: too short to hold a header length") }
        let headerLength = data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard headerLength <= UInt64(data.count - 8), headerLength < 100_000_000 else {
            throw fail("header length \(headerLength) exceeds the file (\(data.count) bytes): truncated or not a safetensors file")
        }
        let headerData = data.subdata(in: 8..<(8 + Int(headerLength)))
        guard let header = try? JSONSerialization.jsonObject(with: headerData) as? [String: Any] else {
            throw fail("the header is not a JSON object")
        }
        let base = 8 + Int(headerLength)
        let dataSize = data.count - base
        var tensors = [String: Tensor]()
        var metadata = [String: String]()
        for (name, value) in header {
            if name == "__metadata__" {
                guard let pairs = value as? [String: String] else { throw fail("__metadata__ must map strings to strings") }
                metadata = pairs
                continue
            }
            guard let entry = value as? [String: Any], let dtype = entry["dtype"] as? String,
                  let shape = entry["shape"] as? [Int], let offsets = entry["data_offsets"] as? [Int], offsets.count == 2
            else { throw fail("tensor '\(name)' lacks dtype, shape or data_offsets") }
            guard dtype == "F32" else { throw fail("tensor '\(name)' has dtype \(dtype); only F32 is supported") }
            let count = shape.reduce(1, *)
            guard offsets[0] >= 0, offsets[1] - offsets[0] == count * 4 else {
                throw fail("tensor '\(name)' of shape \(shape) needs \(count * 4) bytes, its offsets give \(offsets[1] - offsets[0])")
            }
            guard offsets[1] <= dataSize else {
                throw fail("tensor '\(name)' ends at byte \(offsets[1]) of a \(dataSize)-byte data section: the file is truncated")
            }
            var values = [Float](repeating: 0, count: count)
            data.withUnsafeBytes { raw in
                for i in 0..<count {
                    let bits = raw.loadUnaligned(fromByteOffset: base + offsets[0] + 4 * i, as: UInt32.self)
                    values[i] = Float(bitPattern: UInt32(littleEndian: bits))
                }
            }
            tensors[name] = Tensor(shape: shape, values)
        }
        return (tensors, metadata)
    }

    private static func json(_ text: String) -> String {
        TableFormat.jsonString(text)
    }
}

/// A safetensors file that could not be read, and why.
public struct SafetensorsError: Error, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "\(path): \(reason)" }

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
}
