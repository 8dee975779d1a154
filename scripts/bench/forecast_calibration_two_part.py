#!/usr/bin/python3
"""Two-part interval calibration on the tourism validation folds and the synthetic set only (the
test parts are never read).

  scripts/bench/forecast_calibration_two_part.py BENCH [--out DIR] [--reuse]

Instead of one horizon multiplier of both bounds, the simulated observation noise is scaled by c_n
and the simulated deviations of the trend (future rate changes, damping spread, the fitted mean's
parameter uncertainty) by c_t (forecast_bench keys inoise= itrend=). The quantiles of a sum are not
the sum of quantiles, so every (c_n, c_t) of the grid is a refit of the four folds and the
synthetic set (about 2.5 s each with 2 threads). Printed, as forecast_calibration_time.py does for
(a, b): the time-ordered evaluation (learned on the folds older than cut 36 and cut 24, scored on
that fold; strict variant: only folds whose scored months end by the target's origin), the mean
absolute distance of the held-out band coverages from 80%, and the (c_n, c_t) learned on all four
folds with its pooled validation and synthetic coverage by band.
"""
import argparse
import json
import os

import numpy as np

from forecast_points import collect

CUTS = (60, 48, 36, 24)
NOISE_GRID = np.round(np.arange(0.70, 1.041, 0.02), 2)
TREND_GRID = (0, 0.5, 1, 1.5, 2, 2.5, 3, 4, 5, 6, 8)


def bands(points):
    band = (points.h - 1) // 6
    return [float((points.r[band == k] <= 1).mean()) for k in range(4)]


def run_grid(bench, out, reuse):
    cache = os.path.join(out, "grid.json")
    grid = json.load(open(cache)) if reuse and os.path.exists(cache) else {}
    for trend in TREND_GRID:
        for noise in NOISE_GRID:
            key = "%.2f %.2f" % (noise, trend)
            if key in grid:
                continue
            folds, synthetic = collect(bench, "inoise=%g itrend=%g" % (noise, trend),
                                       os.path.join(out, "points"), CUTS)
            grid[key] = {str(cut): bands(points) + [len(points)] for cut, points in folds.items()}
            grid[key]["synthetic"] = bands(synthetic)
            json.dump(grid, open(cache, "w"))
    return grid


def pooled(row, cuts):
    weights = np.array([row[str(cut)][4] for cut in cuts], float)
    coverage = np.array([row[str(cut)][:4] for cut in cuts])
    return (coverage * weights[:, None]).sum(0) / weights.sum()


def learn(grid, cuts):
    return min(sorted(grid), key=lambda key: ((pooled(grid[key], cuts) - 0.8) ** 2).sum())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("bench")
    parser.add_argument("--out", default="/tmp/segcast_calibration_two_part")
    parser.add_argument("--reuse", action="store_true", help="keep grid points already computed")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    grid = run_grid(args.bench, args.out, args.reuse)
    for strict in (False, True):
        distances = []
        for target, older in ((36, [60, 48]), (24, [60, 48, 36])):
            if strict:
                older = [cut for cut in older if cut >= target + 24]
            key = learn(grid, older)
            held_out = np.array(grid[key][str(target)][:4]) * 100
            distances += list(np.abs(held_out - 80))
            print("%s target cut %d, learned on %s: (c_n, c_t) = (%s), bands %s" % (
                "strict" if strict else "overlapping", target, older, key.replace(" ", ", "),
                " / ".join("%.1f" % value for value in held_out)))
        print("R1 %s: mean held-out band distance from 80%%: %.2f" % (
            "strict" if strict else "overlapping", np.mean(distances)))
    key = learn(grid, CUTS)
    validation = pooled(grid[key], CUTS) * 100
    synthetic = np.array(grid[key]["synthetic"]) * 100
    print("learned on all four folds: (c_n, c_t) = (%s)" % key.replace(" ", ", "))
    print("pooled validation %.1f%%: %s" % (validation.mean(), " / ".join("%.1f" % v for v in validation)))
    print("synthetic %.1f%%: %s (mean distance from 80: %.2f)" % (
        synthetic.mean(), " / ".join("%.1f" % v for v in synthetic), np.abs(synthetic - 80).mean()))


if __name__ == "__main__":
    main()
