"""Scored points of the forecast intervals with the horizon multiplier switched off, shared by
forecast_calibration.py and forecast_calibration_time.py.

forecast_bench writes every scored point (series, h, actual, yhat, lower, upper) of a tourism
validation fold or of the synthetic set with iscale_h1=1 iscale_slope=0. A point at horizon h is
covered by the interval scaled by s iff r = |y - yhat| / (distance from yhat to the bound on y's
side) <= s, so coverage under any multiplier is known without refitting.
"""
import os
import subprocess

import numpy as np
import pandas as pd

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
TOURISM = os.path.join(ROOT, "..", "shared", "data", "tourism_monthly.csv.gz")
A_GRID = np.round(np.arange(0.60, 1.30 + 1e-9, 0.01), 2)
B_GRID = np.round(np.arange(-0.010, 0.050 + 1e-9, 0.001), 3)


def ratios(path):
    """The points in `path` with r, the multiplier each needs to be covered."""
    points = pd.read_csv(path)
    deviation = points.actual - points.yhat
    half = np.where(deviation >= 0, points.upper - points.yhat, points.yhat - points.lower)
    points["r"] = np.abs(deviation) / np.maximum(half, 1e-12)
    return points


def collect(bench, extra, out, cuts, reuse=False):
    """Runs forecast_bench (unless `reuse`, which reads the files already in `out`) on each
    validation fold in `cuts` and on the 1,000 synthetic series; returns ({cut: points}, synthetic)."""
    os.makedirs(out, exist_ok=True)
    common = [bench, "repeats=0", "threads=2", "iscale_h1=1", "iscale_slope=0"] + extra.split()
    folds = {}
    for cut in cuts:
        path = os.path.join(out, "cut%d.csv" % cut)
        if not reuse:
            subprocess.run(common + ["tourism=" + TOURISM, "synthetic=0", "stage=validation",
                                     "cut=%d" % cut, "points=" + path], check=True, capture_output=True)
        folds[cut] = ratios(path)
    synthetic_path = os.path.join(out, "synthetic.csv")
    if not reuse:
        subprocess.run(common + ["synthetic=1000", "synthetic_points=" + synthetic_path], check=True,
                       capture_output=True)
    return folds, ratios(synthetic_path)
