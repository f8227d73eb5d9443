import Foundation

/// Input paths as a user names them, with every directory standing for the files in it,
/// so that a collection generated in shards is named by its folder.
///
/// ```swift
/// let files = try FileList.expand(["positions/selfplay.pgn.gz", "positions/corpus"])
/// // ["positions/selfplay.pgn.gz", "positions/corpus/selfplay-0006000.pgn.gz", …]
/// ```
public enum FileList {
    /// `paths` in order, each directory replaced by its files sorted by name (hidden files
    /// and subdirectories skipped). A path that does not exist is kept, so that opening it
    /// reports the error with its name.
    public static func expand(_ paths: [String]) throws -> [String] {
        try paths.flatMap { path -> [String] in
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else { return [path] }
            let names: [String]
            do {
                names = try FileManager.default.contentsOfDirectory(atPath: path)
            } catch {
                throw DataFileError(path: path, reason: "cannot list the directory (\(error.localizedDescription))")
            }
            return names.filter { !$0.hasPrefix(".") }.sorted().map { path + "/" + $0 }.filter { file in
                var nested: ObjCBool = false
                return FileManager.default.fileExists(atPath: file, isDirectory: &nested) && !nested.boolValue
            }
        }
    }
}
