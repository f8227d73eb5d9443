import Chess
import Interpretability
import Neural

/// A chess network as every analysis sees it: how it encodes a position, the layers a
/// probe can read, their activations, gradients back to the input, and the numbers it
/// outputs, and how relevance passes through it. The probe grid, activation export, TCAV,
/// relevance maps and concept search work through this protocol alone, so a network of
/// another architecture (Stockfish's NNUE here; an lc0 residual tower with its 1,858-move
/// policy would be one more conformance, its 112 history planes left empty before the
/// position as lc0 leaves them for a FEN) needs no change to any analysis.
///
/// ```swift
/// let network: any ChessNetwork = try ModelDirectory(path: "models/default").load(step: 30_000)
/// let read = network.activations(of: [Position.start], layers: ["block6"])["block6"]!   // [1, 4096]
/// let input = network.encode([Position.start])
/// let (readout, gradient) = network.readoutGradient(input: input, layer: "block6",
///                                                   direction: [Float](repeating: 1, count: read.rowSize))
/// ```
package protocol ChessNetwork: AnyObject {
    /// Names the input encoding and its version, recorded beside every probe: a probe
    /// fitted on one encoding's activations means nothing on another's.
    var encoding: String { get }
    /// The layers a probe can read, input to output.
    var probeLayers: [String] { get }
    /// The layers whose activations an output can be differentiated with respect to (TCAV).
    var sensitivityLayers: [String] { get }
    /// The probe layers `readoutGradient` can start from.
    var gradientLayers: [String] { get }
    /// The scalar outputs the network computes for a position.
    var outputs: Set<NetworkOutput> { get }
    /// The shape of one position's activations at a probe layer (e.g. [8, 8, 64]).
    func shape(of layer: String) -> [Int]
    /// The network's input for positions, one row each: what `readoutGradient` differentiates.
    func encode(_ positions: [Position]) -> Tensor
    /// The named probe layers' activations [n, values] for positions.
    func activations(of positions: [Position], layers: Set<String>) -> [String: Tensor]
    /// For one encoded input row, which may be relaxed to real values, the read-out
    /// ⟨direction, activations at `layer`⟩ (one of `gradientLayers`) and its gradient with
    /// respect to the input.
    func readoutGradient(input: Tensor, layer: String, direction: [Float]) -> (readout: Float, gradient: Tensor)
    /// The activations at `layer` (one of `sensitivityLayers`) and the gradient of `output`
    /// with respect to them; `moves` gives each position's move when `output` is `.move`.
    func outputGradient(of positions: [Position], layer: String, output: NetworkOutput, moves: [Move]) -> (activations: Tensor, gradient: Tensor)
    /// The network's own estimate of a position for the side to move: a value head's
    /// expected score P(win) − P(loss), or an evaluation in pawns.
    func value(of position: Position) -> Double
    /// Names of the input planes relevance is summed over.
    var relevancePlanes: [String] { get }
    /// Layer-wise relevance of `source` on `position`, ranked per unit at `layer` (a probe
    /// layer at or below the one explained) and, when `selection` is given, propagated
    /// through those units (or that direction) of `layer` alone (Concept Relevance Propagation).
    func relevance(of position: Position, explaining source: RelevanceSource, rankedAt layer: String,
                   through selection: LayerwiseRelevance.Condition.Selection?, composite: RelevanceComposite) -> BoardRelevance
    /// For each position, the relevance of `source` at every value of `layer` (a probe layer
    /// at or below the one explained) and the activations there, both [n, values]: what
    /// relevance maximisation ranks a collection by.
    func layerRelevance(of positions: [Position], explaining source: RelevanceSource, at layer: String,
                        composite: RelevanceComposite) -> (relevance: Tensor, activations: Tensor)
    /// An independent network with the same weights, for another thread.
    func copy() -> any ChessNetwork
}

/// A single number a chess network computes for a position, from the side to move's view.
package enum NetworkOutput: String, Hashable, Sendable, CaseIterable {
    /// Expected score: P(win) − P(loss) of a value head.
    case value
    /// An engine's evaluation (an NNUE's output).
    case evaluation
    /// The policy logit of a given move.
    case move
}

extension ChessNetwork {
    /// Values per position at `layer`.
    package func width(of layer: String) -> Int { shape(of: layer).reduce(1, *) }

    /// The named layers' activations for many positions, `chunk` positions per forward
    /// pass, so that only the requested layers' matrices are ever held whole.
    package func activations(of positions: [Position], layers: Set<String>, chunk: Int) -> [String: Tensor] {
        let widths = Dictionary(uniqueKeysWithValues: layers.map { ($0, width(of: $0)) })
        var result = Dictionary(uniqueKeysWithValues: layers.map { ($0, [Float]()) })
        for layer in layers { result[layer]!.reserveCapacity(positions.count * widths[layer]!) }
        for start in stride(from: 0, to: positions.count, by: chunk) {
            for (layer, values) in activations(of: Array(positions[start..<min(start + chunk, positions.count)]), layers: layers) {
                result[layer]!.append(contentsOf: values.storage)
            }
        }
        return Dictionary(uniqueKeysWithValues: result.map { layer, values in (layer, Tensor(shape: [positions.count, widths[layer]!], values)) })
    }
}
