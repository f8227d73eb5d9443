/// Serves the lines of a byte stream one at a time from a reusable buffer, so a
/// file of any size is read in constant memory.
///
/// Accepts LF and CRLF line ends and drops a leading UTF-8 byte-order mark. A line longer
/// than `maximumLineLength` is skipped, never held, and reported as `LineTooLong`.
public struct LineReader {
    /// The longest line served: a whole game's movetext on one line is a few tens of kilobytes.
    public static let maximumLineLength = 4 << 20

    /// A line past `maximumLineLength`, skipped; reading goes on with the next line.
    public struct LineTooLong: Error, CustomStringConvertible {
        public let line: Int
        public var description: String { "line \(line) is longer than \(LineReader.maximumLineLength >> 20) MiB and was skipped" }
    }

    private let read: (UnsafeMutableRawBufferPointer) throws -> Int
    private var buffer = [UInt8](repeating: 0, count: 1 << 16)
    private var start = 0, end = 0
    private var exhausted = false
    /// Inside a line past the limit: its bytes are dropped until its end.
    private var skipping = false
    /// The 1-based number of the line most recently served.
    public private(set) var lineNumber = 0

    /// Reads from `read`, which fills the buffer it is given and returns the byte count (0 at the end).
    public init(read: @escaping (UnsafeMutableRawBufferPointer) throws -> Int) {
        self.read = read
    }

    /// The next line without its line end, or `nil` at the end. The slice shares the
    /// reader's buffer: use it before asking for the next line.
    public mutating func nextLine() throws -> ArraySlice<UInt8>? {
        while true {
            if let newline = buffer[start..<end].firstIndex(of: UInt8(ascii: "\n")) {
                return try finish(serve(upTo: newline, skip: 1))
            }
            if exhausted {
                guard start < end || skipping else { return nil }
                return try finish(serve(upTo: end, skip: 0))
            }
            if end - start >= Self.maximumLineLength {
                // Drop what is held of the over-long line and keep looking for its end.
                skipping = true
                start = end
            }
            try refill()
        }
    }

    /// The line just served, or, when it was the end of an over-long line, the error naming it.
    private mutating func finish(_ line: ArraySlice<UInt8>) throws(LineTooLong) -> ArraySlice<UInt8> {
        guard skipping else { return line }
        skipping = false
        throw LineTooLong(line: lineNumber)
    }

    private mutating func serve(upTo lineEnd: Int, skip: Int) -> ArraySlice<UInt8> {
        var lineStart = start, trimmedEnd = lineEnd
        if lineNumber == 0, lineEnd - lineStart >= 3, buffer[lineStart] == 0xEF, buffer[lineStart + 1] == 0xBB, buffer[lineStart + 2] == 0xBF {
            lineStart += 3
        }
        if trimmedEnd > lineStart, buffer[trimmedEnd - 1] == UInt8(ascii: "\r") { trimmedEnd -= 1 }
        lineNumber += 1
        start = lineEnd + skip
        return buffer[lineStart..<trimmedEnd]
    }

    private mutating func refill() throws {
        // Keep the unfinished line, moved to the front; grow only for lines longer than the buffer.
        if start > 0 {
            buffer.withUnsafeMutableBufferPointer { storage in
                for index in 0..<(end - start) { storage[index] = storage[start + index] }
            }
            end -= start
            start = 0
        }
        if end == buffer.count { buffer.append(contentsOf: repeatElement(0, count: buffer.count)) }
        let count = try buffer.withUnsafeMutableBytes { try read(UnsafeMutableRawBufferPointer(rebasing: $0[end...])) }
        if count == 0 { exhausted = true } else { end += count }
    }
}

extension LineReader {
    /// Lines of an in-memory text.
    public init(text: String) {
        var bytes = Array(text.utf8)[...]
        self.init { destination in
            let count = min(destination.count, bytes.count)
            destination.copyBytes(from: bytes.prefix(count))
            bytes = bytes.dropFirst(count)
            return count
        }
    }
}
