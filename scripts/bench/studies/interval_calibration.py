#!/usr/bin/python3
"""Does `segcast backtest --calibrate` make the intervals right on months it never saw?

For each data set the last H months of every series are held out. On the rest (the "head"):
  1. `segcast backtest --calibrate` (rolling origins inside the head) prints a scale;
  2. `segcast forecast --horizon H` is run twice, with the default intervals and with
     `--interval-scale SCALE`;
and both forecasts are scored on the held-out months: coverage of the 80% interval and relative
width (mean width / mean |actual|). The held-out months play no part in choosing the scale.

  scripts/bench/studies/interval_calibration.py SEGCAST [--sets gaussian,student_t,local_level,tourism]
                                        [--series 500] [--seed 1] [--threads 2] [--keep DIR]

--keep DIR leaves the head series (SET_head.csv) and forecasts there instead of a temporary folder.

Synthetic sets (numpy, seeded; 72-120 months, level 50-500, trend, yearly season):
  gaussian     iid normal noise, 3-10% of the level: smooth series, the defaults are too wide;
  student_t    the same scale with Student-t(3) noise: heavy tails;
  local_level  the level itself a random walk (steps 1-4% of the level) plus 2-5% noise.
tourism: the tourism competition's 366 monthly series (../shared/data), head = training parts,
held out = test parts (H = 24, 4 origins 12 months apart inside the head: the validation folds).
"""
import argparse
import math
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
from score_tourism import DEFAULT_DATA, load, month_text  # noqa: E402

SYNTHETIC = ("gaussian", "student_t", "local_level")


def synthetic(kind, count, rng):
    """{id: (start month index, values)}"""
    series = {}
    for i in range(count):
        n = int(rng.integers(72, 121))
        t = np.arange(n)
        level = rng.uniform(50, 500)
        slope = rng.normal(0, 0.003) * level
        season = rng.uniform(0, 0.2) * level * np.sin(2 * math.pi * t / 12 + rng.uniform(0, 2 * math.pi))
        if kind == "local_level":
            walk = np.cumsum(rng.normal(0, rng.uniform(0.01, 0.04) * level, n))
            values = level + slope * t + season + walk + rng.normal(0, rng.uniform(0.02, 0.05) * level, n)
        else:
            sd = rng.uniform(0.03, 0.10) * level
            noise = rng.standard_normal(n) if kind == "gaussian" else rng.standard_t(3, n) / math.sqrt(3)
            values = level + slope * t + season + sd * noise
        series["%s%04d" % (kind[0], i)] = (2000 * 12, values)
    return series


def write_long(path, series):
    with open(path, "w") as out:
        out.write("series_id,month,value\n")
        for sid, (start, values) in series.items():
            for i, value in enumerate(values):
                out.write("%s,%s,%r\n" % (sid, month_text(start + i), float(value)))


def score(forecast_csv, held_out):
    """Coverage and relative width of the future rows against the held-out actuals."""
    import csv
    inside, width, level, points = 0, 0.0, 0.0, 0
    for row in csv.DictReader(open(forecast_csv)):
        if row["is_history"] != "0":
            continue
        actual = held_out.get((row["series"], row["month"]))
        if actual is None:
            continue
        lower, upper = float(row["yhat_lower"]), float(row["yhat_upper"])
        inside += lower <= actual <= upper
        width += upper - lower
        level += abs(actual)
        points += 1
    return inside / points, width / level, points


def run(segcast, args, work, name, head, held_out, horizon, origins, step, threads):
    head_csv = os.path.join(work, name + "_head.csv")
    write_long(head_csv, head)
    start = time.perf_counter()
    result = subprocess.run([segcast, "backtest", "--series", head_csv, "--origins", str(origins),
                             "--step", str(step), "--backtest-horizon", str(horizon), "--calibrate",
                             "--threads", str(threads), "--json"],
                            check=True, capture_output=True, text=True)
    backtest_seconds = time.perf_counter() - start
    import json
    calibration = json.loads(result.stdout)["interval_calibration"]
    scale = calibration["scale"]
    figures = {}
    for label, extra in (("default", []), ("calibrated", ["--interval-scale", repr(scale)])):
        out = os.path.join(work, name + "_" + label)
        subprocess.run([segcast, "forecast", "--series", head_csv, "--horizon", str(horizon),
                        "--threads", str(threads), "-o", out] + extra,
                       check=True, capture_output=True)
        figures[label] = score(os.path.join(out, "forecast.csv"), held_out)
    print("| %s | %d | %d | %.3f | %.1f%% -> %.1f%% | %.1f%% -> **%.1f%%** | %.3f -> %.3f | %.1f |" % (
        name, len(head), horizon, scale, 100 * calibration["coverage_before"],
        100 * calibration["coverage_after"], 100 * figures["default"][0], 100 * figures["calibrated"][0],
        figures["default"][1], figures["calibrated"][1], backtest_seconds), flush=True)


class _Folder:
    """A kept folder in place of tempfile.TemporaryDirectory."""

    def __init__(self, path):
        self.path = path

    def __enter__(self):
        return self.path

    def __exit__(self, *exc):
        return False


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("segcast")
    parser.add_argument("--sets", default=",".join(SYNTHETIC + ("tourism",)))
    parser.add_argument("--series", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--data", default=DEFAULT_DATA)
    parser.add_argument("--keep", help="folder for the head series and forecasts (default: temporary)")
    args = parser.parse_args()
    print("| set | series | H | scale | backtest coverage (chosen on) | held-out coverage, default -> "
          "calibrated | held-out width | backtest --calibrate (s) |")
    print("|---|---|---|---|---|---|---|---|")
    if args.keep:
        os.makedirs(args.keep, exist_ok=True)
    with tempfile.TemporaryDirectory() if not args.keep else _Folder(args.keep) as work:
        for name in args.sets.split(","):
            if name == "tourism":
                if not os.path.exists(args.data):
                    print("tourism: %s not found, skipped" % args.data, file=sys.stderr)
                    continue
                head, held_out = {}, {}
                for sid, (start, train, test) in load(args.data).items():
                    head[sid] = (start, train)
                    for i, value in enumerate(test):
                        held_out[(sid, month_text(start + len(train) + i))] = float(value)
                run(args.segcast, args, work, name, head, held_out, 24, 4, 12, args.threads)
                continue
            if name not in SYNTHETIC:
                parser.error("unknown set " + name)
            rng = np.random.default_rng([args.seed, SYNTHETIC.index(name)])
            full = synthetic(name, args.series, rng)
            horizon = 6
            head, held_out = {}, {}
            for sid, (start, values) in full.items():
                head[sid] = (start, values[:-horizon])
                for i, value in enumerate(values[-horizon:]):
                    held_out[(sid, month_text(start + len(values) - horizon + i))] = float(value)
            run(args.segcast, args, work, name, head, held_out, horizon, 6, 3, args.threads)


if __name__ == "__main__":
    main()
