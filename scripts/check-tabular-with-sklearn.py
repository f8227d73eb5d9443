#!/usr/bin/env python3
"""The scikit-learn reference for `chess-concepts tabular`, on the same rows and the same
activations as the Swift runs it is given.

For each run directory (a `tabular` output: run.json, split.csv, activations.npy) it reads
the run's CSV, target, features, epochs and seed from run.json, and the run's own 80/20
split and concept values from split.csv, and reports beside the run's figures:

- the regressor: scikit-learn's MLPRegressor with the same network (two ReLU layers of
  the run's width, Adam at 1e-3, batches of 64, the run's epochs, features and target
  standardised on the training rows), trained on the run's training rows with
  random_state = the run's seed, and scored on its test rows;
- the probe solver on the same activations: scikit-learn's Ridge on the run's own
  last-hidden-layer activations (activations.npy) with the penalty the run used
  (alpha = lambda * n on standardised activations, lambda = 1e-3), which must give the
  run's probe R² (probe_difference); and RidgeCV there, to show what tuning the penalty
  would add;
- the probe on scikit-learn's own network: RidgeCV on the MLPRegressor's last hidden layer.

A table row is matched to a split row by its line in the CSV file (a row's last physical
line, which is its only one unless a quoted field holds a line break).

Usage: pip install scikit-learn && python3 scripts/check-tabular-with-sklearn.py RUN_DIR [RUN_DIR ...]
"""
import csv
import json
import sys
import warnings
from pathlib import Path

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Ridge, RidgeCV
from sklearn.metrics import r2_score
from sklearn.neural_network import MLPRegressor
from sklearn.preprocessing import StandardScaler

PROBE_PENALTY = 1e-3  # TabularExperiment's ProbeFitter(l2:)


def read_table(path):
    """Every column of the CSV by name, as text, and each row's line."""
    with open(path, newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        columns, lines = {name: [] for name in header}, []
        for row in reader:
            lines.append(reader.line_num)
            for name, cell in zip(header, row):
                columns[name].append(cell.strip())
    return columns, lines


def number(text):
    try:
        return float(text)
    except ValueError:
        return None


def feature(name, columns, rows):
    """A feature as the run named it: a numeric column, its missing cells filled with the
    column's mean (a run that dropped them has none here), or `column=value`, one-hot."""
    if name not in columns and "=" in name:
        column, value = name.split("=", 1)
        return np.array([1.0 if columns[column][row] == value else 0.0 for row in rows])
    values = [number(cell) for cell in columns[name]]
    present = [value for value in values if value is not None]
    mean = sum(present) / len(present)
    return np.array([mean if values[row] is None else values[row] for row in rows])


def last_hidden_layer(network, x):
    for weights, bias in zip(network.coefs_[:-1], network.intercepts_[:-1]):
        x = np.maximum(x @ weights + bias, 0)
    return x


def finite_r2(labels, predictions):
    keep = np.isfinite(labels)
    return r2_score(labels[keep], predictions[keep])


def reference(run):
    manifest = json.loads((run / "run.json").read_text())
    settings, outcome = manifest["settings"], manifest["outcome"]
    columns, lines = read_table(settings["csv"])
    row_of_line = {line: row for row, line in enumerate(lines)}
    with open(run / "split.csv", newline="") as handle:
        split = list(csv.DictReader(handle))
    used = [row_of_line[int(entry["line"])] for entry in split]
    train = np.array([i for i, entry in enumerate(split) if entry["split"] == "train"])
    test = np.array([i for i, entry in enumerate(split) if entry["split"] == "test"])
    concept = np.array([float(entry["concept"]) for entry in split])
    x = np.column_stack([feature(change["name"], columns, used) for change in outcome["changes"]])
    y = feature(settings["target"], columns, used)

    scale_x = StandardScaler().fit(x[train])
    scale_y = StandardScaler().fit(y[train].reshape(-1, 1))
    network = MLPRegressor(hidden_layer_sizes=(settings["hiddenWidth"],) * 2, solver="adam", learning_rate_init=1e-3, batch_size=64,
                           max_iter=settings["epochs"], alpha=0.0, tol=0.0, n_iter_no_change=10_000, shuffle=True,
                           random_state=settings["seed"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        network.fit(scale_x.transform(x[train]), scale_y.transform(y[train].reshape(-1, 1)).ravel())
    predictions = scale_y.inverse_transform(network.predict(scale_x.transform(x[test])).reshape(-1, 1)).ravel()

    fit_rows = train[np.isfinite(concept[train])]
    activations = np.load(run / "activations.npy").astype(np.float64)
    assert activations.shape[0] == len(used), f"{run}: {activations.shape[0]} activation rows for {len(used)} split rows"
    standard = StandardScaler().fit(activations[fit_rows])
    same_penalty = Ridge(alpha=PROBE_PENALTY * len(fit_rows)).fit(standard.transform(activations[fit_rows]), concept[fit_rows])
    tuned = RidgeCV(alphas=np.logspace(-4, 3, 15)).fit(activations[fit_rows], concept[fit_rows])
    hidden = last_hidden_layer(network, scale_x.transform(x))
    own = RidgeCV(alphas=np.logspace(-4, 3, 15)).fit(hidden[fit_rows], concept[fit_rows])
    same_r2 = finite_r2(concept[test], same_penalty.predict(standard.transform(activations[test])))
    return {
        "seed": settings["seed"], "rows": len(used),
        "swift_regressor": outcome["modelR2"], "sklearn_regressor": r2_score(y[test], predictions),
        "swift_probe": outcome["probeR2"],
        "sklearn_ridge_same_activations": same_r2,
        "probe_difference": abs(same_r2 - outcome["probeR2"]),
        "sklearn_ridgecv_same_activations": finite_r2(concept[test], tuned.predict(activations[test])),
        "sklearn_ridgecv_own_network": finite_r2(concept[test], own.predict(hidden[test])),
    }


def main():
    runs = [Path(argument) for argument in sys.argv[1:]]
    if not runs or any(not (run / "split.csv").exists() for run in runs):
        sys.exit(__doc__)
    results = [reference(run) for run in runs]
    keys = list(results[0])

    def cell(key, value):
        return str(value) if key in ("seed", "rows") else f"{value:.1e}" if key == "probe_difference" else f"{value:.4f}"

    print(",".join(keys))
    for result in results:
        print(",".join(cell(key, result[key]) for key in keys))
    if len(results) > 1:
        print("mean,," + ",".join(cell(key, np.mean([result[key] for result in results])) for key in keys[2:]))


if __name__ == "__main__":
    main()
