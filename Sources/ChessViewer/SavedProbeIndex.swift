import ChessModel
import Foundation

/// The probes a `probe` run saved, found by their file names
/// (`DIR/probes/<concept>/step-NNNNNNN-<layer>.safetensors`).
struct SavedProbeIndex: Sendable {
    struct Entry: Sendable, Hashable {
        let concept: String, step: Int, layer: String
        let path: String
    }

    let directory: String
    let entries: [Entry]

    /// Every saved probe under `directory`; none when it holds no `probes` folder.
    init(directory: String) {
        self.directory = directory
        let root = directory + "/probes"
        var found = [Entry]()
        for concept in (try? FileManager.default.contentsOfDirectory(atPath: root))?.sorted() ?? [] {
            for file in (try? FileManager.default.contentsOfDirectory(atPath: root + "/" + concept))?.sorted() ?? [] {
                guard file.hasPrefix("step-"), file.hasSuffix(".safetensors") else { continue }
                let stem = file.dropFirst("step-".count).dropLast(".safetensors".count)
                guard let dash = stem.firstIndex(of: "-"), let step = Int(stem[..<dash]) else { continue }
                found.append(Entry(concept: concept, step: step, layer: String(stem[stem.index(after: dash)...]), path: "\(root)/\(concept)/\(file)"))
            }
        }
        entries = found
    }

    /// The saved probe of `concept` at `layer` and `step`.
    func entry(concept: String, step: Int, layer: String) -> Entry? {
        entries.first { $0.concept == concept && $0.step == step && $0.layer == layer }
    }
}
