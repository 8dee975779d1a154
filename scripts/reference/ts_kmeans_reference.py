#!/usr/bin/python3
"""Independent numpy reference of segcast's TimeSeries K-Means under DTW (tslearn's definitions).

Written from the definitions, not from segcast's code, and vectorised differently (many series
against one centroid at a time, backtracking every path of a length group at once):
  dtw(x, y)  = sqrt(min over warping paths of the sum of squared Euclidean distances), full window
  DBA        = tslearn's dtw_barycenter_averaging (30 iterations, tol 1e-5, stop on increase),
               paths from dtw_path(barycenter, x) broken towards diagonal, then up, then left
  k-means    = tslearn's _fit_one_init: assign (inertia = mean squared distance), DBA update,
               stop when |previous inertia - inertia| < tol; then one more assignment
Initial centroids are given series (extended by repeating their last step), so both sides start
from the same point. Prints a JSON document with the labels and inertia of every iteration.

Usage:
  ts_kmeans_reference.py --ts FILE.ts.gz [--ts FILE2.ts.gz] --k 2 --max-iter 10 --seed 0 > out.json
  ts_kmeans_reference.py --lrfm lrfm.csv --k 4 ...      (the `segcast panel` output; log1p of F and
                                                         M, then min-max per feature over the panel)
"""
import argparse
import gzip
import json
import sys

import numpy as np


def read_ts(paths):
    series, labels = [], []
    for path in paths:
        opener = gzip.open if path.endswith(".gz") else open
        in_data = False
        with opener(path, "rt") as handle:
            for line in handle:
                line = line.strip()
                if not line or line.startswith("#"):
                    continue
                if not in_data:
                    in_data = line.lower().startswith("@data")
                    continue
                fields = line.split(":")
                labels.append(fields[-1])
                dims = [np.array([float(v) for v in f.split(",")]) for f in fields[:-1]]
                series.append(np.stack(dims, axis=1))
    return series, labels


def read_lrfm(path):
    rows = {}
    order = []
    with open(path) as handle:
        header = handle.readline().strip().split(",")
        assert header[:2] == ["customer_id", "month"], header
        for line in handle:
            fields = line.rstrip("\n").split(",")
            if fields[0] not in rows:
                rows[fields[0]] = []
                order.append(fields[0])
            rows[fields[0]].append((fields[1], [float(v) for v in fields[2:6]]))
    series = []
    for customer in order:
        months = sorted(rows[customer])
        series.append(np.array([values for _, values in months]))
    # log1p of F and M, then min-max per feature over every observed cell.
    for s in series:
        s[:, 2:4] = np.log1p(s[:, 2:4])
    cells = np.concatenate(series)
    low, high = cells.min(axis=0), cells.max(axis=0)
    span = np.where(high > low, high - low, 1.0)
    return [(s - low) / span for s in series], order


def padded(s, length):
    out = np.empty((length, s.shape[1]))
    out[: len(s)] = s[:length]
    out[len(s):] = s[-1]
    return out


def groups_by_length(series):
    groups = {}
    for index, s in enumerate(series):
        groups.setdefault(len(s), []).append(index)
    return {length: (np.array(idx), np.stack([series[i] for i in idx])) for length, idx in groups.items()}


def accumulated(batch, c):
    """Accumulated squared-cost matrices (g, n+1, m+1) of every series of `batch` (g, n, d) vs c."""
    g, n, _ = batch.shape
    m = len(c)
    cost = ((batch[:, :, None, :] - c[None, None, :, :]) ** 2).sum(axis=-1)
    acc = np.full((g, n + 1, m + 1), np.inf)
    acc[:, 0, 0] = 0.0
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            acc[:, i, j] = cost[:, i - 1, j - 1] + np.minimum(
                np.minimum(acc[:, i - 1, j - 1], acc[:, i - 1, j]), acc[:, i, j - 1])
    return acc


def distances_sq(groups, count, centroid):
    out = np.empty(count)
    for _, (idx, batch) in groups.items():
        out[idx] = accumulated(batch, centroid)[:, -1, -1]
    return out


def dba(groups_members, barycenter, max_iter=30, tol=1e-5):
    m, d = barycenter.shape
    cost_prev = np.inf
    for _ in range(max_iter):
        sums = np.zeros((m, d))
        counts = np.zeros(m)
        costs = []
        order = []
        for _, (idx, batch) in groups_members.items():
            n = batch.shape[1]
            # Rows = barycenter, columns = series, as tslearn's dtw_path(barycenter, x).
            acc = np.full((len(idx), m + 1, n + 1), np.inf)
            acc[:, 0, 0] = 0.0
            cost = ((barycenter[None, :, None, :] - batch[:, None, :, :]) ** 2).sum(axis=-1)
            for i in range(1, m + 1):
                for j in range(1, n + 1):
                    acc[:, i, j] = cost[:, i - 1, j - 1] + np.minimum(
                        np.minimum(acc[:, i - 1, j - 1], acc[:, i - 1, j]), acc[:, i, j - 1])
            costs.append(np.sqrt(acc[:, m, n]) ** 2)
            order.append(idx)
            # Backtrack every path of the group at once.
            g = len(idx)
            rows = np.full(g, m - 1)
            cols = np.full(g, n - 1)
            lanes = np.arange(g)
            active = np.ones(g, dtype=bool)
            while True:
                np.add.at(sums, rows[active], batch[lanes[active], cols[active]])
                np.add.at(counts, rows[active], 1.0)
                active = (rows > 0) | (cols > 0)
                if not active.any():
                    break
                # acc is shifted by one: acc[i + 1, j + 1] holds cell (i, j).
                diag = acc[lanes, rows, cols]          # (i-1, j-1)
                up = acc[lanes, rows, cols + 1]        # (i-1, j)
                left = acc[lanes, rows + 1, cols]      # (i, j-1)
                take_diag = (diag <= up) & (diag <= left)
                take_up = ~take_diag & (up <= left)
                take_left = ~take_diag & ~take_up
                at_top = rows == 0
                at_left = cols == 0
                interior = ~at_top & ~at_left
                move_row = at_left | (interior & (take_diag | take_up))
                move_col = at_top | (interior & (take_diag | take_left))
                rows = rows - (active & move_row)
                cols = cols - (active & move_col)
        all_idx = np.concatenate(order)
        all_costs = np.concatenate(costs)[np.argsort(all_idx, kind="stable")]
        cost = all_costs.sum() / len(all_costs)
        barycenter = sums / counts[:, None]
        if abs(cost_prev - cost) < tol:
            break
        if cost_prev < cost:
            break
        cost_prev = cost
    return barycenter


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ts", action="append", default=[])
    parser.add_argument("--lrfm")
    parser.add_argument("--k", type=int, required=True)
    parser.add_argument("--max-iter", type=int, default=10)
    parser.add_argument("--tol", type=float, default=1e-6)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if args.lrfm:
        series, ids = read_lrfm(args.lrfm)
        source = {"lrfm": args.lrfm}
    else:
        series, _ = read_ts(args.ts)
        source = {"ts": args.ts}
    count = len(series)
    length = max(len(s) for s in series)
    init = sorted(np.random.RandomState(args.seed).choice(count, args.k, replace=False).tolist())
    centroids = np.stack([padded(series[i], length) for i in init])
    groups = groups_by_length(series)
    history = []
    old = np.inf
    converged = False
    for _ in range(args.max_iter):
        dist = np.stack([np.sqrt(distances_sq(groups, count, c)) for c in centroids], axis=1)
        labels = dist.argmin(axis=1)
        inertia = float((dist[np.arange(count), labels] ** 2).sum() / count)
        history.append({"inertia": inertia, "labels": "".join(str(v) for v in labels)})
        for cluster in range(args.k):
            members = [series[i] for i in np.flatnonzero(labels == cluster)]
            if not members:
                raise SystemExit("empty cluster: choose another seed (tslearn would restart)")
            centroids[cluster] = dba(groups_by_length(members), centroids[cluster].copy())
        if abs(old - inertia) < args.tol:
            converged = True
            break
        old = inertia
    dist = np.stack([np.sqrt(distances_sq(groups, count, c)) for c in centroids], axis=1)
    final = dist.argmin(axis=1)
    json.dump({"source": source, "k": args.k, "count": count, "length": length,
               "init_indices": init, "max_iter": args.max_iter, "tol": args.tol,
               "converged": converged, "iterations": history,
               "final_labels": "".join(str(v) for v in final),
               "final_distances": dist[np.arange(count), final].tolist()[:50]},
              sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
