import ArgumentParser
import ChessModel
import Concepts
import DataFiles
import Foundation
import Neural
import ChessInterpretability

struct ProbeBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "The probe grid on a real network's activations beside scikit-learn on the same rows: scores and fit time.",
        discussion: """
            Exports the activations of the model's first and last checkpoints at every layer (the sample a \
            'probe' run draws), runs the grid, and fits scikit-learn on the exported arrays with the same split \
            and penalty grid (Ridge, LogisticRegression with balanced class weights; penalty chosen on the \
            validation games). Every cell must score at least scikit-learn's minus --tolerance. Then it times one \
            checkpoint × layer with every concept: ours (the grid's cell, forward pass included) against \
            scikit-learn's RidgeCV and LogisticRegressionCV over the same penalties.
            """)

    @Option(help: "The network: a model directory, a Stockfish 15.1 .nnue file, or 'stockfish'.")
    var model = "models/default"

    @Option(parsing: .upToNextOption, help: "Collections to draw positions from.")
    var data: [String] = ["positions/selfplay.pgn.gz"]

    @Option(help: "Positions to draw.")
    var positions = 3_000

    @Option(help: "The layer timed for the speed comparison (at the last checkpoint; NNUE: e.g. accumulator).")
    var speedLayer = "block2"

    @Option(help: "How far below scikit-learn a score may fall.")
    var tolerance = 0.005

    @Option(help: "Where the exported arrays, both grids and the comparison are written.")
    var out = "probe-bench-output"

    @Option(help: "The Python interpreter with scikit-learn and numpy installed.")
    var python = "python3"

    func run() throws {
        guard !FileManager.default.fileExists(atPath: out) else {
            throw ValidationError("\(out) exists; name a new directory with --out")
        }
        let last = try NetworkModel(model).checkpoint(nil)
        let settings = TrackerSettings(model: model, data: data, concepts: TrackerSettings.defaultConcepts, steps: [last], positions: positions)
        print("OpenBLAS kernels: \(BLAS.coreName); NeuralKernels: \(KernelMachine.vectorLevel)")
        print("\(model), steps 0 and \(last), every layer, \(positions) positions, \(settings.penalties.count) penalties")

        let arrays = "\(out)/activations"
        _ = try ActivationExport(settings: settings).run(out: arrays)
        var cellTimes = [String: Double]()
        var previous: (detail: String, time: ContinuousClock.Instant)?
        _ = try ProbeTracker(settings: settings).run(out: "\(out)/grid", progress: { progress in
            // Each report starts a cell (or the figures): the time since the previous report is that cell's.
            let now = ContinuousClock.now
            if let previous { cellTimes[previous.detail] = (now - previous.time).seconds }
            previous = (progress.detail, now)
        })

        let kinds = try ConceptCatalogue.parse(TrackerSettings.defaultConcepts.joined(separator: ",")).map(\.kind.name)
        let penalties = settings.penalties.map { String($0) }.joined(separator: ",")
        let started = ContinuousClock.now
        try PythonReference.run(python: python, script: Self.agreementScript,
                                arguments: [arrays, "\(out)/scikit-learn.csv", penalties, kinds.joined(separator: ",")],
                                install: "pip install scikit-learn numpy")
        let referenceSeconds = (ContinuousClock.now - started).seconds
        let comparison = try compare(grid: "\(out)/grid/grid.csv", reference: "\(out)/scikit-learn.csv")
        print("agreement: \(comparison.within) of \(comparison.cells) cells at or above scikit-learn − \(tolerance) (scikit-learn grid \(String(format: "%.0f", referenceSeconds)) s)")
        for line in comparison.below { print("  below: \(line)") }

        let speedFile = "\(ModelDirectory.stepName(last))-\(speedLayer).npy"
        let timing: Double = try PythonReference.measure(python: python, script: Self.speedScript,
                                                 arguments: [arrays, speedFile, penalties, kinds.joined(separator: ",")], expecting: 1,
                                                 install: "pip install scikit-learn numpy")[0]
        guard let ours = cellTimes["step \(last), \(speedLayer)"] else { throw ValidationError("no cell timed for \(speedLayer)") }
        print(String(format: "one cell (step %d, %@, %d concepts): ours %.1f s, scikit-learn RidgeCV + LogisticRegressionCV %.1f s: %.1f× faster",
                     last, speedLayer as NSString, kinds.count, ours, timing, timing / ours))
    }

    /// Cells of our grid against scikit-learn's on the same split: how many are within tolerance.
    private func compare(grid: String, reference: String) throws -> (cells: Int, within: Int, below: [String]) {
        let ours = try CSVTable(path: grid), theirs = try CSVTable(path: reference)
        func index(_ table: CSVTable, _ name: String) throws -> Int {
            guard let column = table.columns.firstIndex(of: name) else { throw ValidationError("\(name) missing from a grid") }
            return column
        }
        let keys = try ["concept", "step", "layer", "metric"].map { try index(ours, $0) }
        let score = try index(ours, "score")
        var mine = [String: Double]()
        for row in ours.rows { mine[keys.map { row[$0] }.joined(separator: "/")] = Double(row[score]) }
        let theirKeys = try ["concept", "step", "layer", "metric"].map { try index(theirs, $0) }
        let theirScore = try index(theirs, "score")
        var cells = 0, within = 0, below = [String]()
        for row in theirs.rows {
            let key = theirKeys.map { row[$0] }.joined(separator: "/")
            guard let reference = Double(row[theirScore]), let value = mine[key] else { continue }
            cells += 1
            if value >= reference - tolerance {
                within += 1
            } else {
                below.append(String(format: "%@ ours %.4f, scikit-learn %.4f", key as NSString, value, reference))
            }
        }
        return (cells, within, below)
    }

    /// Every exported cell fitted by scikit-learn as the grid fits it: standardised on the
    /// training rows, each penalty of the path (ridge α = λ·n, logistic C = 1/(λ·n), balanced
    /// class weights, warm-started from strong to weak), the best on validation scored on test.
    static let agreementScript = """
        import os
        os.environ["OPENBLAS_NUM_THREADS"] = "1"  # one process per core instead
        import csv, json, multiprocessing, sys, warnings
        import numpy as np
        from sklearn.linear_model import LogisticRegression, Ridge
        from sklearn.metrics import balanced_accuracy_score, r2_score, roc_auc_score
        from sklearn.preprocessing import StandardScaler
        folder, out, penalties, kinds = sys.argv[1], sys.argv[2], [float(p) for p in sys.argv[3].split(",")], sys.argv[4].split(",")
        meta = json.load(open(f"{folder}/activations.json"))
        rows = list(csv.DictReader(open(f"{folder}/positions.csv")))
        split = np.array([r["split"] for r in rows])
        concepts = meta["concepts"]
        labels = {c: np.array([float(r[c]) if r[c] not in ("", "nan") else np.nan for r in rows]) for c in concepts}

        def score(model, kind, x, y):
            if kind == "scalar":
                return r2_score(y, model.predict(x))
            if kind == "binary":
                return roc_auc_score(y, model.decision_function(x))
            return balanced_accuracy_score(y, model.predict(x))

        def cell(array):
            warnings.simplefilter("ignore")
            x = np.load(f"{folder}/{array['file']}")
            results = []
            for concept, kind in zip(concepts, kinds):
                y = labels[concept]
                masks = [(split == s) & ~np.isnan(y) for s in ("train", "validation", "test")]
                if any(len(np.unique(y[m])) < 2 for m in (masks[0], masks[2])):
                    continue
                scaler = StandardScaler().fit(x[masks[0]])
                xtr, xva, xte = (scaler.transform(x[m]) for m in masks)
                ytr, yva, yte = (y[m] if kind == "scalar" else y[m].astype(int) for m in masks)
                n, best, model = len(ytr), None, None
                for penalty in penalties:
                    if kind == "scalar":
                        model = Ridge(alpha=penalty * n).fit(xtr, ytr)
                    else:
                        model = model or LogisticRegression(class_weight="balanced", max_iter=10000, warm_start=True)
                        model.set_params(C=1.0 / (penalty * n)).fit(xtr, ytr)
                    value = score(model, kind, xva, yva)
                    if best is None or value > best[0]:
                        best = (value, score(model, kind, xte, yte), penalty)
                metric = {"scalar": "r2", "binary": "roc_auc", "categorical": "balanced_accuracy"}[kind]
                results.append([concept, array["step"], array["layer"], metric, repr(best[1]), repr(best[2])])
            return results

        # The input planes do not change with training: one cell serves every step.
        arrays = [a for i, a in enumerate(meta["arrays"]) if a["layer"] != "input" or
                  all(b["layer"] != "input" for b in meta["arrays"][:i])]
        with multiprocessing.Pool(os.cpu_count()) as pool:
            cells = pool.map(cell, arrays, chunksize=1)
        with open(out + ".partial", "w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["concept", "step", "layer", "metric", "score", "penalty"])
            for results in cells:
                writer.writerows(results)
        os.replace(out + ".partial", out)
        """

    /// One cell with scikit-learn's own cross-validating estimators over the same penalties:
    /// RidgeCV for the scalar concepts, LogisticRegressionCV (the validation games as its one
    /// fold, refitted at the best penalty) for the others. Prints the seconds taken.
    static let speedScript = """
        import csv, json, sys, time, warnings
        import numpy as np
        from sklearn.linear_model import LogisticRegressionCV, RidgeCV
        from sklearn.model_selection import PredefinedSplit
        from sklearn.preprocessing import StandardScaler
        warnings.simplefilter("ignore")
        folder, name, penalties, kinds = sys.argv[1], sys.argv[2], [float(p) for p in sys.argv[3].split(",")], sys.argv[4].split(",")
        meta = json.load(open(f"{folder}/activations.json"))
        rows = list(csv.DictReader(open(f"{folder}/positions.csv")))
        split = np.array([r["split"] for r in rows])
        x = np.load(f"{folder}/{name}")
        start = time.perf_counter()
        fit = (split == "train") | (split == "validation")
        scaler = StandardScaler().fit(x[split == "train"])
        xs = scaler.transform(x[fit])
        n = int((split == "train").sum())
        folds = PredefinedSplit(np.where(split[fit] == "train", -1, 0))
        for concept, kind in zip(meta["concepts"], kinds):
            y = np.array([float(r[concept]) for r in rows])[fit]
            if kind == "scalar":
                RidgeCV(alphas=[p * n for p in penalties]).fit(xs, y)
            else:
                LogisticRegressionCV(Cs=[1.0 / (p * n) for p in penalties], cv=folds, class_weight="balanced", max_iter=10000,
                                     scoring="roc_auc" if kind == "binary" else "balanced_accuracy").fit(xs, y.astype(int))
        print(time.perf_counter() - start)
        """
}
