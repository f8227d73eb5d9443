#!/usr/bin/env python3
"""The probe grid beside scikit-learn on an independent sample of the same collection.

`chess-concepts-bench probe` checks that our solvers agree with scikit-learn on the *same* rows.
This script checks the whole measurement instead: scikit-learn fits its own uniform draw of the
same number of positions from the same collection (another seed: other positions, another split of
the games), with its own cross-validation (RidgeCV, LogisticRegressionCV with balanced class weights,
5 folds grouped by game over the training and validation games, its own penalty grid), and scores
the test games with a 95% bootstrap interval. Each cell of our grid is compared with it: the two
estimates are independent, so they agree when their difference lies within the 95% interval of a
difference, sqrt(h_ours² + h_reference²) for half-widths h. The reference uses only the rows every
concept shares (used_by = all): a plain uniform sample.

    scripts/check-probe-independent-sample.py --out probe-reference \\
        --layers input,stem,block2,block4 --steps 30000 --positions 3000
    scripts/check-probe-independent-sample.py --out nnue-reference --model stockfish \\
        --layers input,accumulator,fc0,fc1

Writes OUT/ours (the probe run), OUT/reference-sample (the independent draw's activations) and
OUT/comparison.csv (one line per cell: both scores and intervals, the difference, the tolerance and
whether they agree); prints the summary. Needs numpy and scikit-learn (pip install scikit-learn).
"""
import argparse
import csv
import json
import multiprocessing
import os
import subprocess
import sys
import warnings

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # one process per core instead

import numpy as np

DEFAULT_CONCEPTS = ("material_balance,material_advantage,my_mobility,in_check,has_checking_move,"
                    "my_queen_attacked,has_mate_in_one,my_passed_pawns,game_phase")
RESAMPLES = 200
FOLDS = 5


def run(command):
    print("+ " + " ".join(command), file=sys.stderr, flush=True)
    subprocess.run(command, check=True)


def kinds_of(binary, concepts):
    """Each concept's kind as `chess-concepts concepts --json` reports it."""
    listing = subprocess.run([binary, "concepts", "--list", "--json"], check=True, capture_output=True, text=True).stdout
    kinds = {}
    for line in listing.splitlines():
        entry = json.loads(line)
        kinds[entry["name"]] = entry["kind"]
    return {c: kinds[c] for c in concepts}


def bootstrap(metric, y, scores, seed):
    """The 95% percentile interval of `metric` over test rows resampled with replacement."""
    random = np.random.default_rng(seed)
    values = []
    for _ in range(RESAMPLES):
        rows = random.integers(0, len(y), len(y))
        try:
            values.append(metric(y[rows], scores[rows]))
        except ValueError:  # a resample holding one class
            continue
    values = [v for v in values if np.isfinite(v)]
    if len(values) < RESAMPLES // 2:  # too few test positives for an interval
        return float("nan"), float("nan")
    return float(np.percentile(values, 2.5)), float(np.percentile(values, 97.5))


def fit_cell(job):
    """scikit-learn's own cross-validated probe of one concept on one array; its test scores with intervals."""
    from sklearn.linear_model import LogisticRegressionCV, RidgeCV
    from sklearn.metrics import balanced_accuracy_score, r2_score, roc_auc_score
    from sklearn.model_selection import GroupKFold
    from sklearn.preprocessing import StandardScaler
    warnings.simplefilter("ignore")
    folder, array, concept, kind, step, layer = job
    rows = list(csv.DictReader(open(f"{folder}/positions.csv")))
    shared = np.array([r["used_by"] == "all" for r in rows])
    x = np.load(f"{folder}/{array}", mmap_mode="r")[shared]
    rows = [r for r, keep in zip(rows, shared) if keep]
    split = np.array([r["split"] for r in rows])
    games = np.array([f'{r["source"]}#{r["game"]}' for r in rows])
    y = np.array([float(r[concept]) if r[concept] not in ("", "nan") else np.nan for r in rows])
    pool = (split != "test") & ~np.isnan(y)
    test = (split == "test") & ~np.isnan(y)
    if len(np.unique(y[pool])) < 2 or len(np.unique(y[test])) < 2:
        return []
    scaler = StandardScaler().fit(x[pool])
    xp, xt = scaler.transform(x[pool]), scaler.transform(x[test])
    yp, yt = y[pool], y[test]
    folds = list(GroupKFold(n_splits=FOLDS).split(xp, yp, games[pool]))
    results = []
    if kind == "scalar":
        model = RidgeCV(alphas=np.logspace(-2, 6, 17), cv=folds).fit(xp, yp)
        scores = model.predict(xt)
        results.append(("r2", r2_score(yt, scores), bootstrap(r2_score, yt, scores, 1)))
    elif kind == "binary":
        yp, yt = yp.astype(int), yt.astype(int)
        model = LogisticRegressionCV(Cs=np.logspace(-6, 1, 8), cv=folds, class_weight="balanced", scoring="roc_auc",
                                     max_iter=3000).fit(xp, yp)
        scores = model.decision_function(xt)
        results.append(("roc_auc", roc_auc_score(yt, scores), bootstrap(roc_auc_score, yt, scores, 1)))
        predictions = (scores > 0).astype(int)
        results.append(("balanced_accuracy", balanced_accuracy_score(yt, predictions),
                         bootstrap(balanced_accuracy_score, yt, predictions, 1)))
    else:
        yp, yt = yp.astype(int), yt.astype(int)
        model = LogisticRegressionCV(Cs=np.logspace(-6, 1, 8), cv=folds, class_weight="balanced", scoring="balanced_accuracy",
                                     max_iter=3000).fit(xp, yp)
        predictions = model.predict(xt)
        results.append(("balanced_accuracy", balanced_accuracy_score(yt, predictions),
                        bootstrap(balanced_accuracy_score, yt, predictions, 1)))
    return [(concept, step, layer, metric, score, low, high) for metric, score, (low, high) in results]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True, help="a new directory for both runs and the comparison")
    parser.add_argument("--binary", default=".build/release/chess-concepts", help="the chess-concepts executable")
    parser.add_argument("--model", default="models/default")
    parser.add_argument("--data", default="positions/selfplay.pgn.gz")
    parser.add_argument("--concepts", default=DEFAULT_CONCEPTS)
    parser.add_argument("--layers", default="input,stem,block2,block4")
    parser.add_argument("--steps", default="all", help="checkpoints (step 0 is always included)")
    parser.add_argument("--positions", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=1, help="our run's seed")
    parser.add_argument("--reference-seed", type=int, default=2, help="the reference sample's seed")
    parser.add_argument("--workers", type=int, default=os.cpu_count())
    arguments = parser.parse_args()
    if os.path.exists(arguments.out):
        sys.exit(f"{arguments.out} exists; name a new directory with --out")
    concepts = arguments.concepts.split(",")
    common = ["--model", arguments.model, "--data", arguments.data, "--concepts", arguments.concepts,
              "--layers", arguments.layers, "--steps", arguments.steps, "--positions", str(arguments.positions)]
    run([arguments.binary, "probe", *common, "--seed", str(arguments.seed), "--format", "png", "--out", f"{arguments.out}/ours"])
    run([arguments.binary, "activations", *common, "--seed", str(arguments.reference_seed), "--out", f"{arguments.out}/reference-sample"])

    kinds = kinds_of(arguments.binary, concepts)
    folder = f"{arguments.out}/reference-sample"
    arrays = json.load(open(f"{folder}/activations.json"))["arrays"]
    first_step = min(a["step"] for a in arrays)
    # The input planes do not change with training: one cell, at the first checkpoint, as the grid fits it.
    jobs = [(folder, a["file"], c, kinds[c], a["step"], a["layer"]) for a in arrays for c in concepts
            if a["layer"] != "input" or a["step"] == first_step]
    with multiprocessing.Pool(arguments.workers) as pool:
        reference = {(c, s, l, m): (v, lo, hi) for cell in pool.imap_unordered(fit_cell, jobs)
                     for c, s, l, m, v, lo, hi in cell}

    columns = ["concept", "step", "layer", "metric", "ours", "ours_low", "ours_high", "reference", "reference_low",
               "reference_high", "difference", "tolerance", "agrees"]
    lines, disagreements, undetermined = [], [], []
    for row in csv.DictReader(open(f"{arguments.out}/ours/grid.csv")):
        step = int(row["step"]) if row["layer"] != "input" else first_step
        key = (row["concept"], step, row["layer"], row["metric"])
        if key not in reference or (row["layer"] == "input" and int(row["step"]) != first_step):
            continue
        ours, low, high = float(row["score"]), float(row["low"]), float(row["high"])
        theirs, their_low, their_high = reference[key]
        tolerance = np.hypot((high - low) / 2, (their_high - their_low) / 2)
        if not np.isfinite(tolerance):
            # The reference's own uniform sample holds too few test positives of a rare concept to bound it.
            lines.append([*key, ours, low, high, theirs, their_low, their_high, ours - theirs, tolerance, ""])
            undetermined.append(f"{'/'.join(map(str, key))}: ours {ours:.3f} ({low:.3f}-{high:.3f}), scikit-learn {theirs:.3f} (no interval)")
            continue
        agrees = abs(ours - theirs) <= tolerance
        lines.append([*key, ours, low, high, theirs, their_low, their_high, ours - theirs, tolerance, agrees])
        if not agrees:
            disagreements.append(f"{'/'.join(map(str, key))}: ours {ours:.3f} ({low:.3f}-{high:.3f}), "
                                 f"scikit-learn {theirs:.3f} ({their_low:.3f}-{their_high:.3f})")
    with open(f"{arguments.out}/comparison.csv.partial", "w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(columns)
        writer.writerows(lines)
    os.replace(f"{arguments.out}/comparison.csv.partial", f"{arguments.out}/comparison.csv")
    differences = np.array([line[10] for line in lines])
    compared = len(lines) - len(undetermined)
    print(f"{arguments.model}: {compared - len(disagreements)} of {compared} cells agree with scikit-learn on an independent "
          f"sample of {arguments.positions} positions (difference within the 95% interval of a difference); "
          f"difference mean {differences.mean():+.4f}, median |d| {np.median(np.abs(differences)):.4f}, "
          f"largest |d| {np.abs(differences).max():.4f}")
    for line in disagreements:
        print("  disagrees: " + line)
    if undetermined:
        print(f"{len(undetermined)} cells have too few test positives in the reference's sample for an interval:")
        for line in undetermined:
            print("  undetermined: " + line)
    return 0 if not disagreements else 1


if __name__ == "__main__":
    sys.exit(main())
