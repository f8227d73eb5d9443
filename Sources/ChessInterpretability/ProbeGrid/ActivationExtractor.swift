import ChessModel
import Neural

/// A network's activations at the probe layers for the encoded positions of each
/// split, computed in chunks so that only the requested layers' matrices are held.
struct ActivationExtractor {
    /// The encoded positions (planes) of the train, validation and test games.
    let train: Tensor
    let validation: Tensor
    let test: Tensor

    /// The encoded positions of a sample's splits.
    init(_ sample: ProbeSample) {
        self.init(train: BoardEncoder.encode(sample.positions[.train]!.map(\.position)),
                  validation: BoardEncoder.encode(sample.positions[.validation]!.map(\.position)),
                  test: BoardEncoder.encode(sample.positions[.test]!.map(\.position)))
    }

    init(train: Tensor, validation: Tensor, test: Tensor) {
        self.train = train
        self.validation = validation
        self.test = test
    }

    /// Positions per forward pass: large enough for efficient matrix products, small
    /// enough that every captured layer of a chunk stays a few megabytes.
    static let chunk = 256

    /// Each of `layers`' activations for the three splits, one forward pass per chunk.
    func cells(of network: PolicyValueNetwork, layers: [String]) -> [String: CellFit] {
        let wanted = Set(layers)
        let splits = [train, validation, test].map { planes in Self.activations(of: network, planes: planes, layers: wanted) }
        return Dictionary(uniqueKeysWithValues: layers.map { layer in
            (layer, CellFit(train: splits[0][layer]!, validation: splits[1][layer]!, test: splits[2][layer]!))
        })
    }

    /// Values per position at each probe layer (from one position's forward pass).
    static func widths(of network: PolicyValueNetwork, layers: [String]) -> [String: Int] {
        let planes = Tensor(shape: [1, 8, 8, BoardEncoder.planeCount])
        return network.activations(planes, layers: Set(layers)).mapValues(\.rowSize)
    }

    /// The named layers' activations [n × values] for a batch of planes, one forward pass per chunk.
    static func activations(of network: PolicyValueNetwork, planes: Tensor, layers: Set<String>) -> [String: Tensor] {
        let n = planes.rows, planeSize = planes.rowSize
        var result = [String: [Float]]()
        var widths = [String: Int]()
        for start in stride(from: 0, to: n, by: Self.chunk) {
            let count = min(Self.chunk, n - start)
            let chunk = Tensor(shape: [count] + planes.shape.dropFirst(),
                               Array(planes.storage[(start * planeSize)..<((start + count) * planeSize)]))
            for (layer, values) in network.activations(chunk, layers: layers) {
                if result[layer] == nil {
                    widths[layer] = values.rowSize
                    result[layer] = []
                    result[layer]!.reserveCapacity(n * values.rowSize)
                }
                result[layer]!.append(contentsOf: values.storage)
            }
        }
        return Dictionary(uniqueKeysWithValues: layers.map { layer in
            let width = widths[layer] ?? 0
            return (layer, Tensor(shape: [n, width], result[layer] ?? []))
        })
    }
}
