import Foundation

/// Where a run writes: a directory that is new, empty, or holds an earlier run of the same
/// kind, known by the file only that kind writes. Another command's output is refused,
/// so that no run overwrites what another made.
///
/// ```swift
/// try OutputDirectory.claim("graph-output", marker: "graph.json")
/// ```
public enum OutputDirectory {
    /// The directory holds files, none of them the claiming run's marker.
    public struct Occupied: Error, Equatable, Sendable, CustomStringConvertible {
        public let directory: String
        public let files: [String]

        public var description: String {
            "\(directory) holds other files (\(files.sorted().prefix(3).joined(separator: ", "))…); write into a new directory"
        }
    }

    /// Creates `path` if needed; throws `Occupied` when it holds files but no `marker`, and
    /// a `DataFileError` when it cannot be made.
    public static func claim(_ path: String, marker: String) throws {
        let existing = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        guard existing.isEmpty || existing.contains(marker) else { throw Occupied(directory: path, files: existing) }
        do { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
            throw DataFileError(path: path, reason: "cannot make the directory: \(error.localizedDescription)")
        }
    }
}
