import ArgumentParser
import ChessInterpretability
import Foundation

struct MaximiseBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "maximise",
        abstract: "Concept search: the gradient-ranked method beside greedy exact search on the same held-out positions.",
        discussion: "Network evaluations and searches per second at the success rate each reaches; the goal is 10× fewer evaluations.")

    @Option(help: "The concept to maximise.")
    var concept = "in_check"

    @Option(help: "Held-out positions to search from.")
    var limit = 50

    @Option(help: "The model directory.")
    var model = "models/default"

    @Option(help: "The collection whose test games give the positions.")
    var positions = "positions/selfplay.pgn.gz"

    @Option(help: "A 'probe' output directory with saved probes (fitted there when missing).")
    var probes = "probe-output"

    func run() throws {
        var settings = MaximiseRun.Settings(concept: concept)
        settings.model = model
        settings.positions = positions
        settings.limit = limit
        settings.probes = probes
        settings.methods = [.gradient, .greedy]
        settings.out = FileManager.default.temporaryDirectory.appendingPathComponent("maximise-bench-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: settings.out) }
        let run = try MaximiseRun(settings: settings)
        let outcome = try run.run(onWarning: { FileHandle.standardError.write(Data(($0 + "\n").utf8)) })
        print("\(run.concept.name) at \(run.layer), step \(run.step), budget \(settings.budget), \(outcome.starts) held-out positions where it is false, "
              + String(format: "probe threshold %.3f", outcome.probeThreshold))
        print("method     concept true  probe reached  mean edits  evaluations/search  searches/s")
        for summary in outcome.summaries {
            print(summary.method.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)
                  + String(format: "  %11.1f%%  %12.1f%%  %10.2f  %18.1f  %10.2f", 100 * summary.conceptTrue, 100 * summary.probeReached,
                           summary.meanSteps, summary.meanEvaluations, summary.searchesPerSecond))
        }
        let (gradient, greedy) = (outcome.summaries[0], outcome.summaries[1])
        print(String(format: "gradient: %.0f× fewer evaluations, %.1f× the searches per second, concept true %+.1f points against greedy",
                     greedy.meanEvaluations / max(gradient.meanEvaluations, 1e-9), gradient.searchesPerSecond / max(greedy.searchesPerSecond, 1e-9),
                     100 * (gradient.conceptTrue - greedy.conceptTrue)))
    }
}
