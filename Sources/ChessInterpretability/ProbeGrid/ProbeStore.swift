import ChessModel
import Foundation
import Interpretability

/// The probes a `probe` run saved (`DIR/probes/<concept>/step-NNNNNNN-<layer>.safetensors`),
/// with a missing one fitted on demand — one tracker cell — and saved there for next time,
/// beside the run's files and without touching them.
package struct ProbeStore: Sendable {
    /// A `probe` output directory.
    package let directory: String
    /// The model whose activations the probes read.
    package let model: String
    /// Collections to fit a missing probe on.
    package let data: [String]
    package let seed: UInt64
    /// Positions drawn to fit a missing probe.
    package let positions: Int

    package init(directory: String, model: String, data: [String], seed: UInt64, positions: Int = TrackerSettings.defaultPositions) {
        self.directory = directory
        self.model = model
        self.data = data
        self.seed = seed
        self.positions = positions
    }

    package func path(concept: String, step: Int, layer: String) -> String {
        "\(directory)/probes/\(concept)/\(ModelDirectory.stepName(step))-\(layer).safetensors"
    }

    /// The saved probe of (concept, step, layer), fitting it first when none is saved.
    package func probe(concept: String, step: Int, layer: String, onWarning: (String) -> Void) throws(RunError) -> LinearProbe {
        let path = path(concept: concept, step: step, layer: layer)
        if !FileManager.default.fileExists(atPath: path) {
            onWarning("no saved probe at \(path); fitting one")
            let settings = TrackerSettings(model: model, data: data, concepts: [concept], layers: [layer], steps: [step], positions: positions,
                                           seed: seed)
            do {
                _ = try ProbeTracker(settings: settings).fitProbe(concept: concept, step: step, layer: layer, out: directory,
                                                                  onError: { onWarning("warning: \($0)") })
            } catch let error as RunError {
                throw error
            } catch {
                throw RunError.unreadableFile(directory, underlying: error)
            }
        }
        do { return try LinearProbe.read(from: path).probe } catch { throw RunError.unreadableFile(path, underlying: error) }
    }
}
