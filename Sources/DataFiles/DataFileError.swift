/// DataFiles: files (gzip reading, atomic writing), tables (CSV, JSON Lines), and the small
/// utilities every layer shares (a seeded generator, durations in seconds).
///
/// A file that could not be opened, read or written, with the path and the system's reason.
public struct DataFileError: Error, Equatable, Sendable, CustomStringConvertible {
    public var path: String
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): \(reason)" }
}
