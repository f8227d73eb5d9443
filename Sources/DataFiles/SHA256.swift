import Digests
import Foundation

/// The SHA-256 digest (FIPS 180-4), for recognising files by content: a network exported
/// by an engine is trusted only when its digest is the one its name promises.
///
/// ```swift
/// SHA256.hex(of: Data("abc".utf8))   // "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
/// ```
public enum SHA256 {
    /// The 32-byte digest of `data`.
    public static func digest(of data: Data) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: 32)
        data.withUnsafeBytes { bytes in digest_sha256(bytes.bindMemory(to: UInt8.self).baseAddress, bytes.count, &digest) }
        return digest
    }

    /// The digest as 64 lower-case hexadecimal digits.
    public static func hex(of data: Data) -> String { digest(of: data).map { String(format: "%02x", $0) }.joined() }

    /// The hexadecimal digest of a file's contents, read through a memory map.
    public static func hex(ofFile path: String) throws(DataFileError) -> String {
        do { return hex(of: try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)) } catch {
            throw DataFileError(path: path, reason: "cannot read the file")
        }
    }
}
