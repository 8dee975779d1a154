#!/usr/bin/python3
"""How much of a change in interval coverage between forecast origins comes from the period
itself: coverage and sMAPE of 80% intervals on the tourism monthly series (h = 24) at the test
origin and at the four validation folds, for segcast's model and for methods whose intervals were
never calibrated on these data (naive, seasonal naive and drift with textbook intervals, from
`segcast backtest`; optionally R's forecast::ets from scripts/reference/ets_periods.R).

  scripts/bench/studies/coverage_by_period.py SEGCAST [--ets ETS.csv] [--data TOURISM.csv.gz]
                                      [--cuts 60,48,36,24] [--threads 2]

Origin "cut C" fits the training part minus its last C months and scores the 24 months after,
exactly as forecast_bench stage=validation cut=C; "test" fits the training part and scores the
test part. Each origin is one `segcast backtest --origins 1 --backtest-horizon 24` run on the
series cut to end 24 months after the origin, so any set of cuts works; for cuts 12 months apart,
`segcast backtest --origins 6 --step 12 --backtest-horizon 24` on the full series prints the same
figures per origin in one run. Printed per method: coverage and sMAPE at each origin, their mean
over the folds, and the test figure minus that mean (the "shift").
"""
import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np
import pandas as pd

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
from score_tourism import load, month_text  # noqa: E402  (one reader of the tourism file)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
TOURISM = os.path.join(ROOT, "..", "shared", "data", "tourism_monthly.csv.gz")
HORIZON = 24


def write_series(data, cut, path):
    """Long CSV of every series without its last `cut` months (cut 0 = training + test part)."""
    with open(path, "w") as out:
        out.write("series_id,month,value\n")
        for sid, (start, train, test) in data.items():
            values = np.concatenate([train, test])
            for i, value in enumerate(values[: len(values) - cut]):
                out.write("%s,%s,%r\n" % (sid, month_text(start + i), float(value)))


def backtest(segcast, data, cut, threads, work):
    series_path = os.path.join(work, "cut%d.csv" % cut)
    write_series(data, cut, series_path)
    out_dir = os.path.join(work, "backtest%d" % cut)
    subprocess.run([segcast, "backtest", "--series", series_path, "--origins", "1",
                    "--backtest-horizon", str(HORIZON), "--min-history", "3",
                    "--threads", str(threads), "-o", out_dir],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    table = pd.read_csv(os.path.join(out_dir, "backtest.csv"))
    expected = HORIZON * len(data)
    if (table.points != expected).any():
        raise SystemExit("cut %d: backtest scored %s points, expected %d for every method"
                         % (cut, table.points.tolist(), expected))
    return {row.method: (100 * row.coverage, row.smape) for row in table.itertuples()}


def ets_scores(path, cuts):
    frame = pd.read_csv(path)
    scores = {}
    for cut in cuts:
        part = frame[frame.cut == cut]
        if part.empty:
            raise SystemExit("%s has no rows for cut %d" % (path, cut))
        covered = (part.lower <= part.actual) & (part.actual <= part.upper)
        denominator = part.actual.abs() + part["mean"].abs()
        smape = np.where(denominator > 0, 200 * (part.actual - part["mean"]).abs() / denominator.where(denominator > 0, 1), 0)
        scores[cut] = (100 * covered.mean(), float(np.mean(smape)))
    return scores


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("segcast")
    parser.add_argument("--ets", help="output of scripts/reference/ets_periods.R (with cuts 0 and --cuts)")
    parser.add_argument("--data", default=TOURISM)
    parser.add_argument("--cuts", default="60,48,36,24", help="validation folds, oldest origin first")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    folds = [int(c) for c in args.cuts.split(",")]
    origins = folds + [0]
    data = load(args.data)

    by_method = {}
    with tempfile.TemporaryDirectory() as work:
        for cut in origins:
            for method, figures in backtest(args.segcast, data, cut, args.threads, work).items():
                by_method.setdefault(method, {})[cut] = figures
    if args.ets:
        by_method["ets (R forecast)"] = ets_scores(args.ets, origins)

    names = ["cut %d" % c for c in folds] + ["folds mean", "test", "shift"]
    for index, title in ((0, "80% interval coverage (%)"), (1, "sMAPE")):
        print("%s, %d series, h = %d" % (title, len(data), HORIZON))
        print("%-18s" % "method" + "".join("%12s" % n for n in names))
        for method, figures in by_method.items():
            values = [figures[c][index] for c in folds]
            mean = float(np.mean(values))
            test = figures[0][index]
            print("%-18s" % method + "".join("%12.2f" % v for v in values + [mean, test])
                  + "%+12.2f" % (test - mean))
        print()


if __name__ == "__main__":
    main()
