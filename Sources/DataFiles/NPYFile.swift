import Foundation

/// NumPy's `.npy` format (version 1.0) for little-endian float32 arrays in C order,
/// which `numpy.load` reads as they are.
///
/// ```swift
/// try NPYFile.write(values, shape: [rows, columns], to: "step-0002000-block2.npy")
/// ```
public enum NPYFile {
    /// The file's bytes: the magic string, a header padded to 64 bytes, then the values.
    public static func data(_ values: [Float], shape: [Int]) -> Data {
        precondition(values.count == shape.reduce(1, *), "\(values.count) values for shape \(shape)")
        let dimensions = shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? "," : "")
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(dimensions)), }"
        // Magic (6) + version (2) + length (2) + header + newline is a multiple of 64.
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        data.append(contentsOf: [UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)])
        data.append(contentsOf: Array(header.utf8))
        values.withUnsafeBytes { data.append(contentsOf: $0) }
        return data
    }

    /// Writes the array atomically.
    public static func write(_ values: [Float], shape: [Int], to path: String) throws {
        try AtomicFileWriter.write(data(values, shape: shape), to: path)
    }
}
