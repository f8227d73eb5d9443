import Foundation

/// Where a run writes: a directory that is new, empty, or holds an earlier run of the same
/// kind, known by the file only that kind writes. Another command's output is refused,
/// so that no run overwrites what another made.
///
/// ```swift
/// try OutputDirectory.claim("graph-output", marker: "graph.json")
/// ```
package enum OutputDirectory {
    /// Creates `path` if needed; throws `occupiedOutput` when it holds files but no `marker`.
    package static func claim(_ path: String, marker: String) throws(RunError) {
        let existing = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        guard existing.isEmpty || existing.contains(marker) else { throw RunError.occupiedOutput(directory: path, files: existing) }
        do { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
            throw RunError.unreadableFile(path, underlying: error)
        }
    }
}
