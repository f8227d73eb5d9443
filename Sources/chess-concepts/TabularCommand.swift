import ArgumentParser
import DataFiles
import Foundation
import Interpretability
import Tabular

struct TabularCommand: WritesOutputDirectory {
    static let configuration = CommandConfiguration(
        commandName: "tabular",
        abstract: "Concept backpropagation on a table: perturb rows until an MLP's hidden layer reads a formula concept.",
        discussion: """
            Trains an MLP regressor of --target on the features (standardised), fits a linear probe for the \
            concept formula at its last hidden layer, and perturbs held-out rows (Adam with an L1/L2 penalty on the \
            perturbation) until the probe reads --concept-target. Writes OUT/feature_changes.csv and the figure OUT/feature_changes in each --format (each \
            feature's mean change, in its units and in standard deviations), OUT/rows.csv (rows before and after), and \
            for a reference to refit on the same data OUT/split.csv (each used row's line, split and concept value) and \
            OUT/activations.npy (the probed layer's activations of every used row). \
            Example (the paper's case): --csv housing.csv --target median_house_value \
            --concept "total_bedrooms / population" --missing drop.
            """)

    @Option(help: "The CSV file (header row; plain or gzip).")
    var csv = "data/penguins.csv"

    @Option(help: "The numeric column the MLP predicts.")
    var target = "body_mass_g"

    @Option(help: "Feature columns, comma-separated (default: every column but the target).")
    var features: String?

    @Option(help: "The concept: a column or a formula over feature columns, e.g. 'total_bedrooms / population'.")
    var concept = "bill_length_mm / bill_depth_mm"

    @Option(help: "The probe value to reach (default: the concept's 95th percentile).")
    var conceptTarget: Double?

    @Option(help: "Rows with a missing value: drop, mean (fill with the column mean) or fail.")
    var missing = TabularDataset.MissingValues.drop

    @Option(help: "Text columns among the features: exclude or one-hot.")
    var categorical = TabularDataset.CategoricalColumns.exclude

    @Option(help: "λ₁: L1 penalty on the perturbation (standardised units).")
    var l1: Float = 0.01

    @Option(help: "λ₂: L2 penalty on the perturbation.")
    var l2: Float = 0

    @Option(help: "Regressor training epochs.")
    var epochs = 60

    @Option(help: "Held-out rows to perturb (those whose formula is below the target, unless --all-rows).")
    var rows = 200

    @Flag(help: "Perturb every held-out row, also those already at or above the target.")
    var allRows = false

    @Option(help: "The probe value that counts as reached (default: the one 90% of held-out rows at or above the target pass).")
    var probeThreshold: Double?

    @Option(parsing: .singleValue, help: "A formula to watch as rows move (repeatable), e.g. 'total_rooms / population'.")
    var watch: [String] = []

    @Option(help: "λ₁ values to sweep, comma-separated (e.g. 0,0.01,0.03,0.1,0.3): OUT/sweep.csv and the figure OUT/sweep.")
    var sweep: String?

    @OptionGroup var destination: OutputOptions

    @OptionGroup var figures: FigureOptions

    @OptionGroup var seeding: SeedOptions

    func run() throws {
        var settings = TabularExperiment.Settings(csv: csv, target: target, concept: concept)
        settings.features = features?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        settings.conceptTarget = conceptTarget
        settings.missing = missing
        settings.categorical = categorical
        settings.search = PerturbationSearch(l1: l1, l2: l2)
        settings.epochs = epochs
        settings.rows = rows
        settings.allRows = allRows
        settings.probeThreshold = probeThreshold
        settings.watched = watch
        settings.sweep = try SweepList.parse(sweep)?.map(Float.init)
        settings.seed = seeding.seed
        let experiment: TabularExperiment
        do { experiment = try TabularExperiment(settings: settings) } catch { throw ValidationError("\(error)") }
        let line = ProgressLine(unit: "")
        let summary = try experiment.run(out: outputDirectory, formats: figures.formats) { line.status($0) }
        line.clear()
        for note in summary.notes { printError("note: \(note)") }
        print(String(format: "regressor test R² %.3f; probe for %@ at the last hidden layer, test R² %.3f", summary.modelR2, concept, summary.probeR2))
        let search = summary.search
        print(String(format: "%d held-out rows below the target %.3g: the formula moved toward it in %.1f%% and reached it in %.1f%%; "
                     + "the probe passed %.3g in %.1f%% (fooled %.1f%%); %.2f features changed per row",
                     summary.rows, summary.conceptTarget, 100 * search.conceptTowardTarget, 100 * search.conceptReached, summary.probeThreshold,
                     100 * search.probeReached, 100 * search.fooled, search.meanFeaturesChanged))
        print(String(format: "probe %.3f → %.3f; formula median %.3f → %.3f (mean %.3f → %.3f)", summary.probeBefore, summary.probeAfter,
                     summary.conceptMedianBefore, summary.conceptMedianAfter, summary.conceptBefore, summary.conceptAfter))
        for watched in summary.watched {
            print(String(format: "watched %@: rose in %.1f%% of rows (mean %.3f → %.3f)", watched.formula, 100 * watched.rose, watched.meanBefore, watched.meanAfter))
        }
        for point in summary.sweep {
            print(String(format: "sweep λ₁ %g: toward target %.1f%%, reached %.1f%%, probe gain %.3f, %.2f features changed", point.l1,
                         100 * point.conceptTowardTarget, 100 * point.conceptReached, point.probeGain, point.meanFeaturesChanged))
        }
        print("feature,mean_change,mean_change_sd")
        for change in summary.changes { print(String(format: "%@,%.4g,%.3f", change.name, change.meanChange, change.standardizedChange)) }
        print("Wrote \(outputDirectory)/feature_changes.csv, rows.csv, split.csv, activations.npy, " + figures.files("feature_changes"))
    }
}

extension TabularDataset.MissingValues: ExpressibleByArgument {}
extension TabularDataset.CategoricalColumns: ExpressibleByArgument {}
