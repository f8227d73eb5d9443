import ArgumentParser
import Concepts
import DataFiles
import PositionCollections

struct ConceptBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "concepts",
        abstract: "Labelling throughput of the full native concept catalogue on one core.")

    @Argument(help: "A collection to draw positions from.")
    var file = "positions/selfplay.pgn.gz"

    @Option(help: "Positions to label.")
    var positions = 50_000

    @Option(help: "Label the sample this many times; the median and the best round are reported (a shared VM's neighbours slow single rounds).")
    var rounds = 5

    @Flag(help: "Also time each concept alone (fresh shared facts for each), slowest first.")
    var perConcept = false

    func run() throws {
        let sample = PositionSample.draw(from: [file], count: positions, seed: 1)
        let concepts = ConceptCatalogue.all
        var checksum = 0.0
        var roundSeconds = [Double]()
        var inputs = [ConceptInput]()
        for _ in 0..<max(1, rounds) {
            // Fresh inputs each round: their shared facts are computed lazily, once per input.
            inputs = sample.positions.map(\.conceptInput)
            checksum = 0
            let start = ContinuousClock.now
            for input in inputs {
                for value in concepts.values(input) where !value.isNaN { checksum += value }
            }
            roundSeconds.append((ContinuousClock.now - start).seconds)
        }
        roundSeconds.sort()
        let seconds = roundSeconds[roundSeconds.count / 2]
        if perConcept {
            var costs = [(String, Double)]()
            for concept in concepts {
                let fresh = sample.positions.map(\.conceptInput)
                let start = ContinuousClock.now
                for input in fresh { checksum += concept.value(input).isNaN ? 0 : 1 }
                costs.append((concept.name, (ContinuousClock.now - start).seconds / Double(fresh.count) * 1e6))
            }
            for (name, micros) in costs.sorted(by: { $0.1 > $1.1 }).prefix(12) {
                print(name.padding(toLength: 28, withPad: " ", startingAt: 0) + String(format: "%7.2f µs", micros))
            }
        }
        print(String(format: "%d concepts on %d positions, %d rounds: median %.0f positions/s on one core (best %.0f; %.2f µs per concept value; checksum %.0f)",
                     concepts.count, inputs.count, roundSeconds.count, Double(inputs.count) / seconds, Double(inputs.count) / roundSeconds[0],
                     seconds / Double(inputs.count * concepts.count) * 1e6, checksum))
    }
}
