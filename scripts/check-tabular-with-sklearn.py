#!/usr/bin/env python3
"""The scikit-learn reference for `chess-concepts tabular`: the same network (two ReLU
layers of 64, Adam at 1e-3, batches of 64, 60 epochs, standardised features and target
from the training rows) trained by scikit-learn's MLPRegressor on a random 80/20 split of
the same CSV, and a ridge probe (RidgeCV) for a ratio concept read from its last hidden
layer. Prints, per seed and as a mean, the regressor's and the probe's test R², to stand
beside the R² values the Swift command prints.

The split is scikit-learn's own, not the Swift command's: the two agree on the data, the
architecture and the optimiser, so the figures are comparable as distributions, not row
for row.

Usage: pip install scikit-learn && python3 scripts/check-tabular-with-sklearn.py \
    ../shared/data/california_housing.csv median_house_value total_bedrooms population
"""
import csv
import sys
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import RidgeCV
from sklearn.metrics import r2_score
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPRegressor
from sklearn.preprocessing import StandardScaler


def last_hidden_layer(network, x):
    for weights, bias in zip(network.coefs_[:-1], network.intercepts_[:-1]):
        x = np.maximum(x @ weights + bias, 0)
    return x


def read_numeric_table(path):
    """The numeric columns of the CSV (text columns excluded) and the rows with none missing,
    as the Swift command's defaults read them."""
    with open(path, newline="") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]

    def number(text):
        try:
            return float(text)
        except ValueError:
            return None

    numeric = [c for c in range(len(header)) if all(row[c] == "" or number(row[c]) is not None for row in body)]
    complete = [row for row in body if all(row[c] != "" for c in numeric)]
    return [header[c] for c in numeric], np.array([[float(row[c]) for c in numeric] for row in complete])


def run(names, values, target, numerator, denominator, seed):
    y = values[:, names.index(target)]
    features = np.delete(values, names.index(target), axis=1)
    train, test = train_test_split(np.arange(len(values)), test_size=0.2, random_state=seed)
    scale_x = StandardScaler().fit(features[train])
    scale_y = StandardScaler().fit(y[train].reshape(-1, 1))
    x_train, x_test = scale_x.transform(features[train]), scale_x.transform(features[test])
    y_train = scale_y.transform(y[train].reshape(-1, 1)).ravel()
    network = MLPRegressor(hidden_layer_sizes=(64, 64), solver="adam", learning_rate_init=1e-3, batch_size=64,
                           max_iter=60, alpha=0.0, tol=0.0, n_iter_no_change=10_000, shuffle=True, random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        network.fit(x_train, y_train)
    predictions = scale_y.inverse_transform(network.predict(x_test).reshape(-1, 1)).ravel()
    model_r2 = r2_score(y[test], predictions)
    concept = values[:, names.index(numerator)] / values[:, names.index(denominator)]
    probe = RidgeCV(alphas=np.logspace(-4, 3, 15)).fit(last_hidden_layer(network, x_train), concept[train])
    probe_r2 = r2_score(concept[test], probe.predict(last_hidden_layer(network, x_test)))
    return model_r2, probe_r2


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    path, target, numerator, denominator = sys.argv[1:]
    names, values = read_numeric_table(path)
    results = [run(names, values, target, numerator, denominator, seed) for seed in (1, 2, 3)]
    for seed, (model_r2, probe_r2) in zip((1, 2, 3), results):
        print(f"seed {seed}: regressor test R² {model_r2:.3f}, probe for {numerator} / {denominator} test R² {probe_r2:.3f}")
    model_mean, probe_mean = np.mean(results, axis=0)
    print(f"mean of 3: regressor test R² {model_mean:.3f}, probe test R² {probe_mean:.3f} ({len(values)} rows)")


if __name__ == "__main__":
    main()
