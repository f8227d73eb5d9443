import Foundation

/// The reading of one concept's grid: how well the trained network holds it and
/// where, against the baselines, and from which training step it is there.
package struct ConceptEmergence: Codable, Sendable {
    package let concept: String
    package let metric: String
    /// The best layer at the last checkpoint, with its score and interval.
    package let layer: String
    package let step: Int
    package let score: Double
    package let low: Double
    package let high: Double
    package let inputBaseline: Double
    /// The best layer of the random network (step 0).
    package let randomBaseline: Double
    /// The control task's score at the same cell.
    package let control: Double
    /// The first checkpoint at which some layer's interval lies wholly above both the
    /// input and the random-network baselines; `nil` if none does.
    package let emergedAt: Int?

    /// One reading per concept from the grid's headline-metric rows.
    package static func read(_ rows: [GridRow]) -> [ConceptEmergence] {
        rows.concepts.compactMap { concept in
            let primary = rows.primaryRows(of: concept)
            guard let last = primary.map(\.step).max() else { return nil }
            let network = primary.filter { $0.layer != "input" }
            guard let best = network.filter({ $0.step == last }).max(by: { $0.score < $1.score || $0.score.isNaN }) else { return nil }
            let random = network.filter { $0.step == 0 }.map(\.score).filter { !$0.isNaN }.max() ?? .nan
            let bar = max(best.inputBaseline.isNaN ? -.infinity : best.inputBaseline, random.isNaN ? -.infinity : random)
            let emerged = network.filter { $0.step > 0 && $0.low > bar }.map(\.step).min()
            return ConceptEmergence(concept: concept, metric: best.metric, layer: best.layer, step: last, score: best.score,
                                    low: best.low, high: best.high, inputBaseline: best.inputBaseline, randomBaseline: random,
                                    control: best.control, emergedAt: emerged)
        }
    }

    /// One sentence reading the concept's row of the grid.
    package var finding: String {
        let best = String(format: "%@: best %@ %.3f at %@ (step %d)", concept as NSString, metric as NSString, score, layer as NSString, step)
        let baselines = String(format: "input planes %.3f, untrained network %.3f", inputBaseline, randomBaseline)
        if let emergedAt {
            return "\(best), above both baselines (\(baselines)) from step \(emergedAt) on: the network learned to represent it."
        }
        return "\(best), never clearly above the baselines (\(baselines)): the probe finds nothing the input or a random network does not already give."
    }

    /// The readings as CSV, one row per concept.
    package static func csv(_ readings: [ConceptEmergence]) -> String {
        var text = "concept,metric,best_layer,step,score,low,high,input_baseline,random_baseline,control,above_baselines_from_step\n"
        for reading in readings {
            text += "\(reading.concept),\(reading.metric),\(reading.layer),\(reading.step),"
                + String(format: "%.3f,%.3f,%.3f,%.3f,%.3f,%.3f,", reading.score, reading.low, reading.high, reading.inputBaseline,
                         reading.randomBaseline, reading.control)
                + (reading.emergedAt.map(String.init) ?? "never") + "\n"
        }
        return text
    }

    /// A fixed-width table of readings for a terminal.
    package static func table(_ readings: [ConceptEmergence]) -> String {
        var lines = ["concept                    metric              best layer  score (95% CI)        input  random  control  above baselines from step"]
        for reading in readings {
            lines.append(reading.concept.padding(toLength: 27, withPad: " ", startingAt: 0)
                + reading.metric.padding(toLength: 20, withPad: " ", startingAt: 0)
                + reading.layer.padding(toLength: 12, withPad: " ", startingAt: 0)
                + String(format: "%.3f (%.3f-%.3f)   %.3f  %.3f   %.3f    ", reading.score, reading.low, reading.high,
                         reading.inputBaseline, reading.randomBaseline, reading.control)
                + (reading.emergedAt.map(String.init) ?? "never"))
        }
        return lines.joined(separator: "\n")
    }
}
