#!/usr/bin/python3
"""Learns the horizon calibration of the forecast intervals (ForecastOptions::interval_scale_h1
and interval_scale_slope) on the tourism validation folds only, and checks it fold by fold.

  scripts/bench/studies/forecast_calibration.py BENCH ["extra forecast_bench args"] [--out DIR]

For each fold (cut 24, 36, 48, 60: fit on the training part minus CUT months, score the next
24; the test parts are not read) forecast_bench writes every scored point with the calibration
switched off (iscale_h1=1 iscale_slope=0). A point at horizon h is covered by the interval
scaled by s iff r = |y - yhat| / (distance from yhat to the bound on y's side) <= s, so
coverage under any multiplier is known without refitting. The multiplier s(h) = a + b (h - 1)
is chosen on a grid (a in 0.60 .. 1.30 step 0.01, b in -0.010 .. 0.050 step 0.001) to minimise
the sum over h of (coverage at h - 0.80)^2 over the pooled folds. Printed: the fit on all four
folds (the default), each fold's coverage by horizon band before and after, each fold scored
with a multiplier learned on the other three (leave-one-fold-out), and the synthetic set
(independent of tourism) before and after.

Two alternatives are printed as well, for the record (neither is the default):
* per-series calibration from each series' own previous window: for fold cut C the points of fold
  cut C + 24 (scored on the 24 months that end where fold C's fit ends, so known at its origin)
  give each series the 80% quantile of r / s(h); fold C's multiplier is s(h) times that factor to
  the power `shrink` (0 = global only, 1 = fully per series);
* (a, b) learned on the pooled folds and the synthetic set together, equally weighted.
"""
import argparse

import numpy as np
import pandas as pd

from forecast_points import A_GRID, B_GRID, collect

CUTS = (24, 36, 48, 60)
BANDS = [(1, 6), (7, 12), (13, 18), (19, 24)]


def scale(points, a, b):
    return np.maximum(0.1, a + b * (points.h - 1))


def coverage_by_h(points, a, b):
    return (points.r <= scale(points, a, b)).groupby(points.h).mean()


def fit(frames):
    pooled = pd.concat(frames)
    best = None
    for a in A_GRID:
        for b in B_GRID:
            loss = ((coverage_by_h(pooled, a, b) - 0.8) ** 2).sum()
            if best is None or loss < best[0]:
                best = (loss, a, b)
    return best[1], best[2]


def describe(points, a, b):
    by_h = coverage_by_h(points, a, b)
    total = (points.r <= scale(points, a, b)).mean()
    return "%5.1f%%  bands %s" % (100 * total, " ".join(
        "%5.1f" % (100 * by_h.loc[low:high].mean()) for low, high in BANDS))


def per_series_check(folds, a, b):
    """Coverage and mean width (relative to the global multiplier) of fold C when each series is
    scaled by its own previous window, fold C + 24."""
    for target in CUTS:
        previous = target + 24
        if previous not in folds:
            continue
        now, before = folds[target], folds[previous]
        relative = before.r / scale(before, a, b)
        for shrink in (0.0, 0.25, 0.5, 0.75, 1.0):
            factor = now.series.map(relative.groupby(before.series).quantile(0.8) ** shrink).fillna(1.0)
            half_width = np.where(now.actual >= now.yhat, now.upper - now.yhat, now.yhat - now.lower)
            multiplier = scale(now, a, b) * factor
            width = (half_width * multiplier).mean() / (half_width * scale(now, a, b)).mean()
            print("  cut %d from cut %d, shrink %.2f: coverage %5.1f%%, width x %.3f" % (
                target, previous, shrink, 100 * (now.r <= multiplier).mean(), width))


def fit_joint(frames, synthetic):
    pooled = pd.concat(frames)
    best = None
    for a in A_GRID:
        for b in B_GRID:
            loss = (((coverage_by_h(pooled, a, b) - 0.8) ** 2).sum() +
                    ((coverage_by_h(synthetic, a, b) - 0.8) ** 2).sum())
            if best is None or loss < best[0]:
                best = (loss, a, b)
    return best[1], best[2]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("bench")
    parser.add_argument("extra", nargs="?", default="")
    parser.add_argument("--out", default="/tmp/forecast-calibration")
    options = parser.parse_args()
    folds, synthetic = collect(options.bench, options.extra, options.out, CUTS)
    a, b = fit(list(folds.values()))
    print("learned on the four folds: interval_scale_h1 = %.2f, interval_scale_slope = %.3f" % (a, b))
    print("coverage (all, bands h 1-6 7-12 13-18 19-24), before -> after:")
    for cut, points in folds.items():
        print("  cut %d  %s  ->  %s" % (cut, describe(points, 1, 0), describe(points, a, b)))
    pooled = pd.concat(folds.values())
    print("  pooled  %s  ->  %s" % (describe(pooled, 1, 0), describe(pooled, a, b)))
    print("  synthetic (not used to learn)  %s  ->  %s" % (describe(synthetic, 1, 0),
                                                            describe(synthetic, a, b)))
    print("leave one fold out (learned on the other three, scored on the held-out fold):")
    for cut in CUTS:
        a_out, b_out = fit([points for other, points in folds.items() if other != cut])
        print("  cut %d  a %.2f b %.3f  %s" % (cut, a_out, b_out, describe(folds[cut], a_out, b_out)))
    print("per-series calibration from each series' previous window (alternative, not the default):")
    per_series_check(folds, a, b)
    a_joint, b_joint = fit_joint(list(folds.values()), synthetic)
    print("learned on the folds and the synthetic set together (alternative, not the default): "
          "a %.2f b %.3f" % (a_joint, b_joint))
    print("  pooled folds  %s" % describe(pooled, a_joint, b_joint))
    print("  synthetic     %s" % describe(synthetic, a_joint, b_joint))


if __name__ == "__main__":
    main()
