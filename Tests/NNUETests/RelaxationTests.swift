import Chess
import ChessModel
import DataFiles
import Foundation
@testable import NNUE
import Neural
import Testing

/// The float relaxation that gradients are taken through: close to the integer pass on
/// boards, and its gradients equal to finite differences.
@Suite(.enabled(if: InstalledNetwork.network != nil, Comment(rawValue: InstalledNetwork.missing)))
struct RelaxationTests {
    static let fens = ["r1bqkbnr/pppp1ppp/2n5/4p3/4P3/5N2/PPPP1PPP/RNBQKB1R w KQkq - 2 3", "8/5pk1/6p1/8/3R4/6P1/5PK1/2r5 b - - 4 41",
                       "r2q1rk1/pp2bppp/2n1pn2/3p4/3P4/2NBPN2/PP3PPP/R2Q1RK1 b - - 3 10"]

    @Test func theRelaxedOutputIsTheIntegerOutputBeforeRounding() throws {
        let network = try #require(InstalledNetwork.network)
        for fen in Self.fens {
            let position = try Position(fen: fen)
            let exact = network.activations(of: [position], layers: ["output", "fc0", "accumulator"])
            let input = network.encode([position])
            let relaxed = network.readoutGradient(input: input, layer: "output", direction: [1, 1]).readout
            let integer = exact["output"]!.storage.reduce(0, +)
            // The integer pass floors at each layer; the relaxation keeps the fractions.
            #expect(abs(relaxed - integer) < 0.05 * abs(integer) + 8, "\(fen): relaxed \(relaxed), integer \(integer)")
            // The accumulators hold no rounding at all.
            let width = 2 * NNUEFile.halfDimensions
            let accumulator = network.readoutGradient(input: input, layer: "accumulator", direction: [Float](repeating: 1, count: width)).readout
            #expect(accumulator == exact["accumulator"]!.storage.reduce(0, +))
        }
    }

    @Test(arguments: ["output", "fc1", "fc0", "accumulator"])
    func gradientsMatchFiniteDifferences(layer: String) throws {
        let network = try #require(InstalledNetwork.network)
        var random = SplitMix64(seed: 7)
        for fen in Self.fens {
            let position = try Position(fen: fen)
            let direction = (0..<network.width(of: layer)).map { _ in Float(random.nextUnit() * 2 - 1) }
            // The accumulators of a board are integers, often exactly on a clipping kink (0 or
            // 127); relaxed feature values a little off 1 move them off the kinks.
            var input = network.encode([position])
            let active = input.storage.indices.filter { input.storage[$0] > 0 }
            for index in active { input.storage[index] += Float(random.nextUnit() * 0.2 - 0.1) }
            let (_, gradient) = network.readoutGradient(input: input, layer: layer, direction: direction)
            let inactive = (0..<16).map { _ in Int(random.next() % UInt64(input.count)) }
            let indices = active.shuffled(using: &random).prefix(16) + inactive
            var checked = 0, failures = [String]()
            for index in indices {
                let step = 1e-4
                var up = input.storage.map(Double.init), down = up
                up[index] += step
                down[index] -= step
                let difference = (network.relaxedReadout(input: up, layer: layer, direction: direction)
                    - network.relaxedReadout(input: down, layer: layer, direction: direction)) / (2 * step)
                let analytic = Double(gradient.storage[index])
                if abs(difference - analytic) <= 0.02 * max(abs(analytic), abs(difference)) + 0.05 { checked += 1 } else { failures.append("\(index): \(analytic) vs \(difference)") }
            }
            // A step can still cross a kink; nearly all must agree.
            #expect(checked >= indices.count - 2, "\(layer), \(fen): \(checked) of \(indices.count); \(failures.prefix(4))")
        }
    }
}
