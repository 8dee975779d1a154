#!/usr/bin/env python3
"""Monthly competition scorer: tourism (Athanasopoulos et al. 2011; h = 24) and M1 (Makridakis et
al. 1982; h = 18; --data ../shared/data/m1_monthly.csv.gz), scored from each series' training part.

  score_tourism.py write-train [--data ../shared/data/tourism_monthly.csv.gz] OUT.csv
      long CSV series_id,month,value of the 366 training parts (input to segcast forecast --series)
  score_tourism.py write-full [--data ...] OUT.csv
      the same with the test parts appended (input to segcast backtest --series)
  score_tourism.py score [--data ...] FORECAST.csv [--json]
      scores forecast.csv (series,month,yhat,yhat_lower,yhat_upper,...; rows with is_history = 0)
      against the test parts: sMAPE, MASE (scaled by the in-sample seasonal naive), coverage,
      relative width, negative forecasts; and the seasonal naive itself on the same points.

Written independently of the C++ library (pandas/numpy only), so it also checks its measures.
"""
import argparse
import json
import math
import os
import sys

import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DATA = os.path.normpath(os.path.join(HERE, "..", "..", "shared", "data", "tourism_monthly.csv.gz"))


# M1's export has no calendar start (start_year 0): its series begin at one fixed month, so their
# month-of-year terms share an arbitrary phase.
UNKNOWN_START = 2001 * 12


def load(path):
    frame = pd.read_csv(path)
    series = {}
    for row in frame.itertuples(index=False):
        record = row._asdict()
        n, horizon = int(record["n"]), int(record["horizon"])
        values = np.array([record["v%d" % i] for i in range(1, n + 1)], dtype=float)
        start = int(record["start_year"]) * 12 + int(record["start_month"]) - 1
        if int(record["start_year"]) == 0:
            start = UNKNOWN_START
        series[record["series_id"]] = (start, values[: n - horizon], values[n - horizon:])
    return series


def month_text(index):
    return "%04d-%02d" % (index // 12, index % 12 + 1)


def write_train(args):
    rows = []
    for sid, (start, train, test) in load(args.data).items():
        values = np.concatenate([train, test]) if args.command == "write-full" else train
        rows.extend((sid, month_text(start + i), repr(float(v))) for i, v in enumerate(values))
    with open(args.out, "w") as out:
        out.write("series_id,month,value\n")
        for sid, month, value in rows:
            out.write("%s,%s,%s\n" % (sid, month, value))
    print("wrote %d rows of %d series to %s" % (len(rows), len(load(args.data)), args.out), file=sys.stderr)


def smape(actual, forecast):
    denominator = np.abs(actual) + np.abs(forecast)
    terms = np.where(denominator > 0, 200.0 * np.abs(actual - forecast) / np.where(denominator > 0, denominator, 1), 0.0)
    return terms


def score(args):
    data = load(args.data)
    forecast = pd.read_csv(args.forecast)
    forecast = forecast[forecast["is_history"] == 0]
    totals = {"model": [], "seasonal_naive": []}
    mase = {"model": [], "seasonal_naive": []}
    covered, widths, abs_actual, negatives, missing = 0, 0.0, 0.0, 0, 0
    for sid, (start, train, test) in data.items():
        rows = forecast[forecast["series"] == sid].copy()
        if rows.empty:
            missing += 1
            continue
        months = [month_text(start + len(train) + h) for h in range(len(test))]
        rows = rows.set_index("month").reindex(months)
        yhat = rows["yhat"].to_numpy(float)
        lower = rows["yhat_lower"].to_numpy(float)
        upper = rows["yhat_upper"].to_numpy(float)
        snaive = np.array([train[len(train) - 12 + (h % 12)] for h in range(len(test))])
        scale = np.mean(np.abs(train[12:] - train[:-12]))
        for name, f in (("model", yhat), ("seasonal_naive", snaive)):
            totals[name].extend(smape(test, f))
            if scale > 0:
                mase[name].append(np.mean(np.abs(test - f)) / scale)
        covered += int(np.sum((test >= lower) & (test <= upper)))
        widths += float(np.sum(upper - lower))
        abs_actual += float(np.sum(np.abs(test)))
        negatives += int(np.sum(yhat < 0))
    points = len(totals["model"])
    result = {
        "series_scored": len(data) - missing, "series_missing": missing, "points": points,
        "model": {"smape": float(np.mean(totals["model"])), "mase": float(np.mean(mase["model"])),
                  "coverage": covered / points if points else math.nan,
                  "relative_width": widths / abs_actual if abs_actual else math.nan,
                  "negative_forecasts": negatives},
        "seasonal_naive": {"smape": float(np.mean(totals["seasonal_naive"])),
                           "mase": float(np.mean(mase["seasonal_naive"]))},
        "published": {"ets_smape": 19.0, "ets_coverage": 0.85, "prophet_smape": 26.8, "prophet_coverage": 0.52},
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        m, s = result["model"], result["seasonal_naive"]
        print("%s: %d series, %d points" % (os.path.basename(args.data), result["series_scored"], points))
        print("  model           sMAPE %6.2f  MASE %.3f  coverage %5.1f%%  width %.3f  negative %d"
              % (m["smape"], m["mase"], 100 * m["coverage"], m["relative_width"], m["negative_forecasts"]))
        print("  seasonal naive  sMAPE %6.2f  MASE %.3f" % (s["smape"], s["mase"]))
        if "tourism" in os.path.basename(args.data):
            print("  issue's figures: ETS sMAPE 19.0 (85% coverage), Prophet sMAPE 26.8 (52%)")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("write-train", "write-full"):
        w = sub.add_parser(name)
        w.add_argument("--data", default=DEFAULT_DATA)
        w.add_argument("out")
    s = sub.add_parser("score")
    s.add_argument("--data", default=DEFAULT_DATA)
    s.add_argument("forecast")
    s.add_argument("--json", action="store_true")
    args = parser.parse_args()
    score(args) if args.command == "score" else write_train(args)


if __name__ == "__main__":
    main()
