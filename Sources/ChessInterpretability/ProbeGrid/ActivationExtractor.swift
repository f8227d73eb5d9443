import Chess
import ChessModel
import Neural
import DataFiles

/// A network's activations at the probe layers for the rows of a sample, computed in
/// chunks so that only the requested layers' matrices are held.
///
/// The shared rows and each concept's own rows go through the network in passes of their
/// own, so that a row's activations never depend on which other rows share its chunk:
/// a concept's activations are the same whichever concepts share the run.
struct ActivationExtractor {
    /// The shared positions of the train, validation and test games.
    let shared: [DataSplit: [Position]]
    /// Each concept's own positions, by concept name.
    let own: [String: [DataSplit: [Position]]]

    /// The positions of a sample's rows.
    init(_ sample: ProbeSample) {
        shared = sample.shared.positions.mapValues { $0.map(\.position) }
        own = Dictionary(uniqueKeysWithValues: sample.own.map { index, rows in
            (sample.concepts[index].name, rows.positions.mapValues { $0.map(\.position) })
        })
    }

    /// Positions per forward pass: large enough for efficient matrix products, small
    /// enough that every captured layer of a chunk stays a few megabytes.
    static let chunk = 256

    /// Each of `layers`' activations for every set of rows, one forward pass per chunk.
    func cells(of network: any ChessNetwork, layers: [String]) -> [String: CellFit] {
        let wanted = Set(layers)
        func activations(_ positions: [DataSplit: [Position]]) -> [DataSplit: [String: Tensor]] {
            positions.mapValues { network.activations(of: $0, layers: wanted, chunk: Self.chunk) }
        }
        func rows(_ splits: [DataSplit: [String: Tensor]], _ layer: String) -> CellFit.Rows {
            CellFit.Rows(train: splits[.train]![layer]!, validation: splits[.validation]![layer]!, test: splits[.test]![layer]!)
        }
        let sharedActivations = activations(shared)
        let ownActivations = own.mapValues(activations)
        return Dictionary(uniqueKeysWithValues: layers.map { layer in
            (layer, CellFit(shared: rows(sharedActivations, layer), own: ownActivations.mapValues { rows($0, layer) }))
        })
    }
}
