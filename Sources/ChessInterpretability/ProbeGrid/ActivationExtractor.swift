import Chess
import ChessModel
import Neural

/// A network's activations at the probe layers for the positions of each split,
/// computed in chunks so that only the requested layers' matrices are held.
struct ActivationExtractor {
    /// The positions of the train, validation and test games.
    let train: [Position]
    let validation: [Position]
    let test: [Position]

    /// The positions of a sample's splits.
    init(_ sample: ProbeSample) {
        train = sample.positions[.train]!.map(\.position)
        validation = sample.positions[.validation]!.map(\.position)
        test = sample.positions[.test]!.map(\.position)
    }

    /// Positions per forward pass: large enough for efficient matrix products, small
    /// enough that every captured layer of a chunk stays a few megabytes.
    static let chunk = 256

    /// Each of `layers`' activations for the three splits, one forward pass per chunk.
    func cells(of network: any ChessNetwork, layers: [String]) -> [String: CellFit] {
        let wanted = Set(layers)
        let splits = [train, validation, test].map { network.activations(of: $0, layers: wanted, chunk: Self.chunk) }
        return Dictionary(uniqueKeysWithValues: layers.map { layer in
            (layer, CellFit(train: splits[0][layer]!, validation: splits[1][layer]!, test: splits[2][layer]!))
        })
    }
}
