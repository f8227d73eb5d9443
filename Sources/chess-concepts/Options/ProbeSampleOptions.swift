import ArgumentParser
import Concepts
import ChessInterpretability

/// What a probe grid and an activation export are computed on: the model's checkpoints
/// and layers, and the positions drawn from the collections.
struct ProbeSampleOptions: ParsableArguments {
    @OptionGroup var network: ModelOptions

    @OptionGroup var collections: CollectionOptions

    @Option(help: "Comma-separated concept names, or 'all'.")
    var concepts = TrackerSettings.defaultConcepts.joined(separator: ",")

    @Option(help: "Comma-separated probe layers (input, stem, block1…, policy, value; NNUE: input, accumulator, fc0, fc1, output), or 'all'.")
    var layers = "all"

    @Option(help: "Comma-separated checkpoint steps, or 'all' (step 0, the random network, is always included).")
    var steps = "all"

    @Option(help: "Positions to draw (split by game 70/15/15 into train, validation and test).")
    var positions = TrackerSettings.defaultPositions

    @OptionGroup var seeding: SeedOptions

    func validate() throws {
        do {
            _ = try ConceptCatalogue.parse(concepts)
        } catch {
            throw ValidationError(error.description)
        }
        guard steps == "all" || steps.split(separator: ",").allSatisfy({ Int($0) != nil }) else {
            throw ValidationError("--steps must be 'all' or comma-separated integers, not '\(steps)'")
        }
    }

    /// The tracker settings these options describe.
    func settings(readout: ProbeReadout = .linear) throws -> TrackerSettings {
        TrackerSettings(
            model: network.model, data: collections.data, concepts: try ConceptCatalogue.parse(concepts).map(\.name),
            layers: layers == "all" ? [] : layers.split(separator: ",").map(String.init),
            steps: steps == "all" ? [] : steps.split(separator: ",").compactMap { Int($0) },
            positions: positions, seed: seeding.seed, readout: readout)
    }
}
