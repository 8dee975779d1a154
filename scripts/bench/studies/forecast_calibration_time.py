#!/usr/bin/python3
"""Checks the horizon calibration of the forecast intervals in time order, on the tourism
validation folds and the synthetic set only (the test parts are never read).

  scripts/bench/studies/forecast_calibration_time.py BENCH ["extra forecast_bench args"] [--out DIR]
                                             [--reuse] [--default A,B]

Like scripts/bench/studies/forecast_calibration.py, forecast_bench writes every scored point of the four
folds (cut 60, 48, 36, 24: oldest to newest origin) and of the synthetic set with the multiplier
switched off, so the coverage under any s(h) = a + b (h - 1) is known exactly without refitting.
Printed:

* each fold's coverage by horizon band under the multiplier given by --default (the shipped
  0.90, 0.017) and under (a, b) re-learned on all four folds for this configuration;
* the time-ordered evaluation: (a, b) learned on the folds older than a target fold only, scored
  on the target (cut 36 and cut 24), for three ways of using the older folds: pooled with equal
  weight (the shipped rule), the most recent older fold alone, and recency-weighted (each fold
  half the weight of the next newer one). "Older" folds overlap the target's scored months
  (folds are 12 months apart, each scores 24), so a stricter variant uses only folds whose scored
  months end at or before the target's origin (cut >= target + 24) and is printed too;
* per rule, the mean absolute distance from 80% of the held-out band coverages (2 targets x 4
  bands), and the (a, b) the rule gives when applied to all four folds with the pooled validation
  and synthetic coverage by band under it.
"""
import argparse

import numpy as np
import pandas as pd

from forecast_points import A_GRID, B_GRID, collect

CUTS = (60, 48, 36, 24)  # oldest origin first
TARGETS = (36, 24)
BANDS = [(1, 6), (7, 12), (13, 18), (19, 24)]
HORIZON = 24


def coverage_grid(frames, weights):
    """Coverage at each h (rows) for every (a, b) of the grid: array [h, a, b]. Each frame's points
    count with its weight, so equal weights give the pooled coverage."""
    result = np.zeros((HORIZON, len(A_GRID), len(B_GRID)))
    scales = np.maximum(0.1, A_GRID[:, None] + B_GRID[None, :] * np.arange(HORIZON)[:, None, None])
    for h in range(1, HORIZON + 1):
        r = np.concatenate([f.r[f.h == h].to_numpy() for f in frames])
        w = np.concatenate([np.full(int((f.h == h).sum()), wt) for f, wt in zip(frames, weights)])
        order = np.argsort(r)
        r, cumulative = r[order], np.concatenate([[0.0], np.cumsum(w[order])])
        covered = cumulative[np.searchsorted(r, scales[h - 1], side="right")]
        result[h - 1] = covered / cumulative[-1]
    return result


def fit(frames, weights=None):
    weights = weights or [1.0] * len(frames)
    loss = ((coverage_grid(frames, weights) - 0.8) ** 2).sum(axis=0)
    i, j = np.unravel_index(np.argmin(loss), loss.shape)  # first minimum: lowest a, then b
    return A_GRID[i], B_GRID[j]


def bands(points, a, b):
    covered = points.r <= np.maximum(0.1, a + b * (points.h - 1))
    by_h = covered.groupby(points.h).mean()
    return 100 * covered.mean(), [100 * by_h.loc[low:high].mean() for low, high in BANDS]


def text(points, a, b):
    total, values = bands(points, a, b)
    return "%5.1f%%  bands %s" % (total, " ".join("%5.1f" % v for v in values))


def distance(values):
    return float(np.mean([abs(v - 80.0) for v in values]))


RULES = {
    "pooled older folds (shipped rule)": lambda older: (older, [1.0] * len(older)),
    "most recent older fold only": lambda older: (older[-1:], [1.0]),
    "recency-weighted (x0.5 per older fold)": lambda older: (
        older, [0.5 ** (len(older) - 1 - k) for k in range(len(older))]),
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("bench")
    parser.add_argument("extra", nargs="?", default="")
    parser.add_argument("--out", default="/tmp/forecast-calibration-time")
    parser.add_argument("--reuse", action="store_true", help="read the points already in --out")
    parser.add_argument("--default", default="0.90,0.017", help="shipped a,b")
    options = parser.parse_args()
    folds, synthetic = collect(options.bench, options.extra, options.out, CUTS, options.reuse)
    pooled = pd.concat(folds.values())
    a0, b0 = (float(v) for v in options.default.split(","))
    a_all, b_all = fit(list(folds.values()))
    print("configuration: %s" % (options.extra or "(defaults)"))
    print("per-fold coverage (all, bands h 1-6 7-12 13-18 19-24), shipped (%.2f, %.3f) | "
          "re-learned on all four folds (%.2f, %.3f):" % (a0, b0, a_all, b_all))
    for cut in CUTS:
        print("  cut %d  %s | %s" % (cut, text(folds[cut], a0, b0), text(folds[cut], a_all, b_all)))
    print("  pooled  %s | %s" % (text(pooled, a0, b0), text(pooled, a_all, b_all)))
    print("  synthetic  %s | %s" % (text(synthetic, a0, b0), text(synthetic, a_all, b_all)))
    for strict in (False, True):
        print("time-ordered: learned on %s, scored on the target fold:" % (
            "folds whose scored months end by the target's origin (cut >= target + 24)" if strict
            else "all older folds"))
        for name, rule in RULES.items():
            held_out = []
            pieces = []
            for target in TARGETS:
                older = [cut for cut in CUTS if cut > target and (not strict or cut >= target + 24)]
                frames, weights = rule([folds[cut] for cut in older])
                a, b = fit(frames, weights)
                total, values = bands(folds[target], a, b)
                held_out += values
                pieces.append("cut %d from %s: a %.2f b %.3f %5.1f%% (%s)" % (
                    target, "+".join(str(c) for c in older) if len(frames) > 1 else
                    str(older[-1]), a, b, total, " ".join("%.1f" % v for v in values)))
            print("  %-40s held-out band distance from 80%%: %.2f" % (name, distance(held_out)))
            for piece in pieces:
                print("      " + piece)
    print("each rule applied to all four folds (what it would ship), pooled validation and synthetic:")
    for name, rule in RULES.items():
        frames, weights = rule([folds[cut] for cut in CUTS])
        a, b = fit(frames, weights)
        _, pooled_bands = bands(pooled, a, b)
        _, synthetic_bands = bands(synthetic, a, b)
        print("  %-40s a %.2f b %.3f  pooled %s (distance %.2f)  synthetic %s (distance %.2f)" % (
            name, a, b, text(pooled, a, b), distance(pooled_bands), text(synthetic, a, b),
            distance(synthetic_bands)))


if __name__ == "__main__":
    main()
