import Foundation

/// Writes a file through a temporary sibling that is renamed into place by
/// `commit()`, so an interrupted run never leaves a half-written file behind.
/// With path `-` it writes to standard output instead.
public final class AtomicFileWriter {
    public let path: String
    private let temporaryPath: String?
    private var stream: UnsafeMutablePointer<FILE>?

    public init(path: String) throws(DataFileError) {
        self.path = path
        if path == "-" {
            temporaryPath = nil
            stream = fdopen(dup(1), "wb")
        } else {
            let url = URL(fileURLWithPath: path)
            let temporary = url.deletingLastPathComponent()
                .appendingPathComponent(".\(url.lastPathComponent).\(getpid()).partial").path
            guard let handle = fopen(temporary, "wb") else {
                throw DataFileError(path: path, reason: String(cString: strerror(errno)))
            }
            temporaryPath = temporary
            stream = handle
        }
    }

    deinit {
        // Not committed: the partial file is abandoned, and the destination left as it was.
        if let temporaryPath, let stream {
            fclose(stream)
            unlink(temporaryPath)
        }
    }

    public func write(_ text: String) throws {
        var text = text
        try text.withUTF8 { try write(bytes: UnsafeRawBufferPointer($0)) }
    }

    public func write(bytes: UnsafeRawBufferPointer) throws(DataFileError) {
        guard let stream else { return }
        guard bytes.count == 0 || fwrite(bytes.baseAddress, 1, bytes.count, stream) == bytes.count else {
            throw DataFileError(path: path, reason: String(cString: strerror(errno)))
        }
    }

    /// Flushes everything to disk and moves the file into place.
    public func commit() throws(DataFileError) {
        guard let stream else { return }
        self.stream = nil
        guard let temporaryPath else {
            fclose(stream)
            return
        }
        let failed = fflush(stream) != 0 || fsync(fileno(stream)) != 0
        fclose(stream)
        if failed || rename(temporaryPath, path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(temporaryPath)
            throw DataFileError(path: path, reason: reason)
        }
    }

    /// Writes `data` to `path` atomically in one call.
    public static func write(_ data: Data, to path: String) throws {
        let writer = try AtomicFileWriter(path: path)
        try data.withUnsafeBytes { try writer.write(bytes: $0) }
        try writer.commit()
    }
}
