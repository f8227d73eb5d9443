import DataFiles
import Foundation

/// Reads and writes the safetensors format (an 8-byte little-endian header length,
/// a JSON header naming each tensor's dtype, shape and byte range, then the raw
/// little-endian data), so that `safetensors.torch.load_file` opens our checkpoints.
public enum Safetensors {
    /// How the values of a tensor are stored on disk. Tensors in memory are always Float32;
    /// the half-precision kinds halve a checkpoint and are rounded to nearest on writing.
    public enum Precision: String, Codable, CaseIterable, Sendable {
        /// IEEE 754 single precision.
        case float32 = "F32"
        /// IEEE 754 half precision (PyTorch's `torch.float16`).
        case float16 = "F16"
        /// The upper half of a Float32 (PyTorch's `torch.bfloat16`): Float32's range, 8 bits of mantissa.
        case bfloat16 = "BF16"

        /// Bytes per stored value.
        public var width: Int { self == .float32 ? 4 : 2 }
    }

    /// Writes `tensors` and string `metadata` to `path` atomically, each tensor's values
    /// stored with `precision`.
    ///
    /// ```swift
    /// try Safetensors.write(["w": Tensor(shape: [2], [1, 2])], precision: .float16, to: "w.safetensors")
    /// let (tensors, _) = try Safetensors.read(from: "w.safetensors")   // Float32 again
    /// ```
    public static func write(_ tensors: [String: Tensor], metadata: [String: String] = [:], precision: Precision = .float32,
                             to path: String) throws {
        var entries = [String]()
        var offset = 0
        let names = tensors.keys.sorted()
        for name in names {
            let tensor = tensors[name]!
            let size = tensor.count * precision.width
            entries.append("\(json(name)):{\"dtype\":\"\(precision.rawValue)\",\"shape\":[\(tensor.shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(offset + size)]}")
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
                switch precision {
                case .float32:
                    for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
                case .float16:
                    for value in values { withUnsafeBytes(of: Float16(value).bitPattern.littleEndian) { data.append(contentsOf: $0) } }
                case .bfloat16:
                    for value in values { withUnsafeBytes(of: bfloat16Bits(value).littleEndian) { data.append(contentsOf: $0) } }
                }
            }
        }
        try AtomicFileWriter.write(data, to: path)
    }

    /// Reads every tensor and the metadata of a safetensors file, checking its structure;
    /// a truncated or corrupt file is an error saying what is wrong.
    public static func read(from path: String) throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        guard let data = FileManager.default.contents(atPath: path) else { throw SafetensorsError(path: path, reason: "cannot read the file") }
        return try read(data, path: path)
    }

    /// Reads the bytes of a safetensors file; `path` only names it in errors.
    public static func read(_ data: Data, path: String) throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        func fail(_ reason: String) -> SafetensorsError { SafetensorsError(path: path, reason: reason) }
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
            guard let precision = Precision(rawValue: dtype) else {
                throw fail("tensor '\(name)' has dtype \(dtype); F32, F16 and BF16 are supported")
            }
            let count = shape.reduce(1, *)
            guard offsets[0] >= 0, offsets[1] - offsets[0] == count * precision.width else {
                throw fail("tensor '\(name)' of shape \(shape) needs \(count * precision.width) bytes, its offsets give \(offsets[1] - offsets[0])")
            }
            guard offsets[1] <= dataSize else {
                throw fail("tensor '\(name)' ends at byte \(offsets[1]) of a \(dataSize)-byte data section: the file is truncated")
            }
            var values = [Float](repeating: 0, count: count)
            data.withUnsafeBytes { raw in
                let start = base + offsets[0]
                switch precision {
                case .float32:
                    for i in 0..<count { values[i] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: start + 4 * i, as: UInt32.self))) }
                case .float16:
                    for i in 0..<count { values[i] = Float(Float16(bitPattern: UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: start + 2 * i, as: UInt16.self)))) }
                case .bfloat16:
                    for i in 0..<count { values[i] = Float(bitPattern: UInt32(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: start + 2 * i, as: UInt16.self))) << 16) }
                }
            }
            tensors[name] = Tensor(shape: shape, values)
        }
        return (tensors, metadata)
    }

    /// The bfloat16 nearest `value` (ties to even), as PyTorch rounds; NaN stays NaN.
    static func bfloat16Bits(_ value: Float) -> UInt16 {
        let bits = value.bitPattern
        if value.isNaN { return UInt16(bits >> 16) | 0x40 }
        let rounding = 0x7FFF + ((bits >> 16) & 1)
        return UInt16((bits &+ rounding) >> 16)
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
