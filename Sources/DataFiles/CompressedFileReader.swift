import CZlib
import Foundation

/// Reads a file in chunks, decompressing it on the fly when it is gzip-compressed
/// (plain files pass through unchanged), so collections of any size stream in
/// constant memory.
public final class CompressedFileReader {
    public let path: String
    private var file: gzFile?

    /// Opens `path` (`-` for standard input).
    public init(path: String) throws(DataFileError) {
        self.path = path
        let handle = path == "-" ? gzdopen(dup(0), "rb") : gzopen(path, "rb")
        guard let handle else {
            throw DataFileError(path: path, reason: String(cString: strerror(errno)))
        }
        gzbuffer(handle, 1 << 17)
        file = handle
    }

    deinit {
        if let file { gzclose(file) }
    }

    /// The rest of the file (decompressed), for files small enough to hold whole.
    public func readToEnd() throws(DataFileError) -> [UInt8] {
        var bytes = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count: Int
            do { count = try chunk.withUnsafeMutableBytes { try read(into: $0) } } catch { throw error as! DataFileError }
            if count == 0 { return bytes }
            bytes += chunk[..<count]
        }
    }

    /// Fills `buffer` with the next bytes and returns how many; 0 at the end of the file.
    /// A damaged or truncated compressed file is an error naming the file.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(DataFileError) -> Int {
        guard let file, let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        let count = gzread(file, base, UInt32(min(buffer.count, Int(Int32.max))))
        if count < 0 {
            var code: Int32 = 0
            let message = String(cString: gzerror(file, &code))
            throw DataFileError(path: path, reason: code == Z_ERRNO ? String(cString: strerror(errno)) : "damaged compressed data (\(message))")
        }
        if count == 0 && gzeof(file) == 0 {
            throw DataFileError(path: path, reason: "read failed")
        }
        return Int(count)
    }
}
