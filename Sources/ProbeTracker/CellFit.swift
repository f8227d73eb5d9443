import DataFiles
import Neural
import Probing

/// Every concept's probe at one checkpoint and layer: a regularisation path fitted on
/// the training games (all concepts together, warm-started from the stronger penalty),
/// the penalty chosen per concept on the validation games, the test score with a
/// bootstrap interval, and the control task at the chosen penalty.
struct CellFit {
    /// One concept's outcome.
    struct Outcome: Sendable {
        let probe: LinearProbe
        let penalty: Float
        /// Test scores by metric, with their intervals, and the control task's scores.
        let scores: [ProbeMetric: (score: Double, low: Double, high: Double)]
        let control: [ProbeMetric: Double]
    }

    let train: Tensor
    let validation: Tensor
    let test: Tensor

    /// Fits `tasks` (all informative); the outcome of each in order.
    func run(_ tasks: [ProbeTask], penalties: [Float], resamples: Int, seed: UInt64) -> [Outcome] {
        guard !tasks.isEmpty else { return [] }
        let design = StandardizedActivations(fitting: train)
        let validationRows = tasks.map { labelledRows($0.validation) }
        // Along the path from strong to weak penalties, each concept keeps its best probe on validation.
        var best = [(probe: LinearProbe, penalty: Float, score: Double)?](repeating: nil, count: tasks.count)
        var previous: [LinearProbe]?
        for penalty in penalties {
            let probes = fitter(penalty).fit(design, targets: tasks.map(\.train), start: previous)
            previous = probes
            for (index, probe) in probes.enumerated() {
                let metric = tasks[index].metrics[0]
                let score = metric.score(probe.scores(validation), target: tasks[index].validation, rows: validationRows[index])
                if best[index] == nil || score > best[index]!.score || best[index]!.score.isNaN {
                    best[index] = (probe, penalty, score)
                }
            }
        }
        // The control task at each concept's chosen penalty, all concepts together.
        let controls = fitter(0).fit(design, targets: tasks.map(\.controlTrain), penalties: best.map { $0!.penalty })
        return tasks.indices.map { index in
            let task = tasks[index], chosen = best[index]!
            let rows = labelledRows(task.test)
            let scores = chosen.probe.scores(test)
            let controlScores = controls[index].scores(test)
            var results = [ProbeMetric: (Double, Double, Double)](), control = [ProbeMetric: Double]()
            for metric in task.metrics {
                let interval = Metrics.bootstrapInterval(count: rows.count, resamples: resamples, seed: SplitMix64.mix(seed, task.concept.name)) { sample in
                    metric.score(scores, target: task.test, rows: sample.map { rows[$0] })
                }
                results[metric] = (metric.score(scores, target: task.test, rows: rows), interval.low, interval.high)
                control[metric] = metric.score(controlScores, target: task.controlTest, rows: labelledRows(task.controlTest))
            }
            return Outcome(probe: chosen.probe, penalty: chosen.penalty, scores: results, control: control)
        }
    }

    private func fitter(_ penalty: Float) -> ProbeFitter {
        // The scores settle long before the loss does: a looser tolerance than the default saves most iterations.
        ProbeFitter(l2: penalty, maximumIterations: 100, tolerance: 1e-5)
    }

    private func labelledRows(_ target: ProbeTarget) -> [Int] {
        target.weights.indices.filter { target.weights[$0] > 0 }
    }
}
