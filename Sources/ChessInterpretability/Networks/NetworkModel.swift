import ChessModel
import Foundation
import NNUE

/// The network a run reads, as its `model` setting names it: a trained model directory
/// (`config.json` and checkpoints), a Stockfish 15.1 network file (`*.nnue`), or
/// `stockfish`, the installed engine's own network (exported once into a cache).
///
/// A trained model has one network per saved checkpoint. A fixed network such as NNUE has
/// one checkpoint, step 1; its step 0 is the random-network baseline every analysis
/// compares with: the same weights shuffled within each layer, which keeps their
/// quantisation ranges and destroys what training put in them.
///
/// ```swift
/// let model = try NetworkModel("stockfish")
/// let (step, network) = try model.network(checkpoint: nil, seed: 1)   // step 1, any ChessNetwork
/// ```
package struct NetworkModel {
    package enum Source {
        case trained(ModelDirectory)
        case stockfish(path: String)
    }

    /// The `model` setting as given.
    package let name: String
    package let source: Source

    /// The step of a fixed network's one checkpoint.
    package static let fixedStep = 1

    package init(_ name: String, engine: String? = nil) throws(RunError) {
        self.name = name
        if name == "stockfish" {
            do { source = .stockfish(path: try StockfishNetworkExport(engine: engine).networkPath()) } catch {
                throw RunError.unreadableSetting("model", underlying: error)
            }
        } else if name.hasSuffix(".nnue") {
            guard FileManager.default.fileExists(atPath: name) else {
                throw RunError.invalidSetting("model", value: name, requirement: "no such network file")
            }
            source = .stockfish(path: name)
        } else {
            let directory = ModelDirectory(path: name)
            do { _ = try directory.readConfiguration() } catch { throw RunError.unreadableFile(name, underlying: error) }
            source = .trained(directory)
        }
    }

    /// The checkpoints saved, ascending.
    package var steps: [Int] {
        switch source {
        case .trained(let directory): directory.savedSteps()
        case .stockfish: [Self.fixedStep]
        }
    }

    /// Checks that `step` (or, when nil, the last step) is a checkpoint and returns it.
    package func checkpoint(_ step: Int?) throws(RunError) -> Int {
        guard let chosen = step ?? steps.last else { throw RunError.missingCheckpoint(model: name, step: nil, saved: []) }
        guard steps.contains(chosen) else { throw RunError.missingCheckpoint(model: name, step: chosen, saved: steps) }
        return chosen
    }

    /// The network at a checked checkpoint (when nil, the last): what a run that reads one
    /// checkpoint starts from.
    package func network(checkpoint: Int?, seed: UInt64) throws(RunError) -> (step: Int, network: any ChessNetwork) {
        let step = try self.checkpoint(checkpoint)
        return (step, try network(at: step, seed: seed))
    }

    /// The network at `step`. Step 0 without a saved checkpoint is the random baseline:
    /// a trained model's initialisation, or a fixed network's weights shuffled with `seed`.
    package func network(at step: Int, seed: UInt64 = RunDefaults.seed) throws(RunError) -> any ChessNetwork {
        switch source {
        case .trained(let directory):
            do {
                if step == 0 && !directory.savedSteps().contains(0) {
                    let configuration = try directory.readConfiguration()
                    return PolicyValueNetwork(configuration.architecture, seed: configuration.seed)
                }
                return try directory.load(step: step)
            } catch { throw RunError.unreadableFile(name, underlying: error) }
        case .stockfish(let path):
            guard step == 0 || step == Self.fixedStep else { throw RunError.missingCheckpoint(model: name, step: step, saved: steps) }
            let network: StockfishNetwork
            do { network = try StockfishNetwork(contentsOf: path) } catch { throw RunError.unreadableFile(path, underlying: error) }
            return step == 0 ? network.shuffled(seed: seed) : network
        }
    }
}
