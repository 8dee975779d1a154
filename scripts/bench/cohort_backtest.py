#!/usr/bin/python3
"""Cohort backtest of segment forecasts on the shared logs: run as of an origin, each segment a
fixed set of customers, scored on what those customers spent next (`segcast run --cohort-backtest`).

    /usr/bin/python3 scripts/bench/cohort_backtest.py [--set goal|dev|all] [--segcast build/segcast]
        [-- extra flags for segcast run, e.g. --rate-adjustment none]

Origin sets:
  goal  the origins the segment-forecast goal is judged on (Online Retail 2011-07-01 and
        2011-09-01, KPMG 2017-07-01), 5 months each (the months each log covers to their end);
  dev   other origins of the same logs, used to choose the defaults (never the goal origins):
        Online Retail 2011-04-01, 2011-05-01, 2011-06-01, 2011-08-01, 2011-10-01 and KPMG
        2017-05-01, 2017-06-01, 2017-08-01, 2017-09-01;
  synthetic  a log of 20,000 customers who buy and drop out as BG/NBD says (made by
        make_synthetic_log.py --churn 0.8,9,0.6,3: the model is right there), origins
        2011-04-01 and 2011-07-01.
Prints one line per origin (WAPE of the model and the naive forecasts over segment-months, the
ratio model / better naive, 80% coverage), then the mean ratio over origins and the coverage of all
segment-months pooled, with the seconds each log took. Needs ../shared/data beside the checkout.
"""
import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.environ.get("SEGCAST_SHARED_DATA", os.path.join(ROOT, "..", "shared", "data"))

LOGS = {
    "online_retail": ["online_retail.csv.gz"],
    "kpmg": ["kpmg_transactions.csv.gz", "--demographics", "kpmg_customer_demographic.csv.gz"],
}
ORIGINS = {
    "goal": {"online_retail": ["2011-07-01", "2011-09-01"], "kpmg": ["2017-07-01"]},
    "dev": {"online_retail": ["2011-04-01", "2011-05-01", "2011-06-01", "2011-08-01", "2011-10-01"],
            "kpmg": ["2017-05-01", "2017-06-01", "2017-08-01", "2017-09-01"]},
}
ORIGINS["synthetic"] = {"synthetic_churn": ["2011-04-01", "2011-07-01"]}
ORIGINS["all"] = {log: ORIGINS["dev"][log] + ORIGINS["goal"][log] for log in LOGS}


def synthetic_log(folder):
    path = os.path.join(folder, "synthetic_churn.csv")
    subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "scripts", "bench", "make_synthetic_log.py"),
                    "--customers", "20000", "--months", "24", "--lines-per-invoice", "2",
                    "--churn", "0.8,9,0.6,3", "--seed", "3", "-o", path], check=True,
                   stdout=subprocess.DEVNULL)
    return [path]


def run_log(segcast, log, origins, extra, horizon):
    with tempfile.TemporaryDirectory() as out:
        if log == "synthetic_churn":
            files = synthetic_log(out)
        else:
            args = LOGS[log]
            files = [os.path.join(DATA, args[0])] + [a if a.startswith("--") else os.path.join(DATA, a)
                                                     for a in args[1:]]
        start = time.time()
        subprocess.run([segcast, "run", *files, "--cohort-backtest", ",".join(origins),
                        "--horizon", str(horizon), "-o", out, "-q", *extra],
                       check=True, stdout=subprocess.DEVNULL)
        seconds = time.time() - start
        with open(os.path.join(out, "cohort_backtest_scores.csv")) as f:
            scores = [row for row in csv.DictReader(f) if row["origin"] != "pooled"]
        with open(os.path.join(out, "cohort_backtest.csv")) as f:
            rows = [row for row in csv.DictReader(f) if row["series"].startswith("segment_")]
    return scores, rows, seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=sorted(ORIGINS), default="goal")
    parser.add_argument("--segcast", default=os.path.join(ROOT, "build", "segcast"))
    parser.add_argument("--horizon", type=int, default=5)
    parser.add_argument("extra", nargs="*", help="flags for segcast run (after --)")
    args = parser.parse_args()
    if not os.path.isdir(DATA):
        sys.exit(f"no shared data at {DATA}")
    print(f"segcast run --cohort-backtest, origin set '{args.set}', horizon {args.horizon}, "
          f"extra flags: {' '.join(args.extra) or '(none)'}")
    print(f"{'log':14} {'origin':10} {'k':>2} {'model':>6} {'last':>6} {'mean3':>6} {'ratio':>6} {'cover':>6}")
    ratios, inside, points = [], 0, 0
    for log, origins in ORIGINS[args.set].items():
        scores, rows, seconds = run_log(args.segcast, log, origins, args.extra, args.horizon)
        for score in scores:
            ratios.append(float(score["ratio"]))
            print(f"{log:14} {score['origin']:10} {int(score['k']):2d} {float(score['wape']):6.3f} "
                  f"{float(score['wape_naive_last']):6.3f} {float(score['wape_naive_mean3']):6.3f} "
                  f"{float(score['ratio']):6.2f} {100 * float(score['coverage']):5.0f}%")
        for row in rows:
            points += 1
            inside += float(row["lower"]) <= float(row["actual"]) <= float(row["upper"])
        print(f"{'':14} ({seconds:.1f} s for {len(origins)} origins)")
    print(f"mean ratio {sum(ratios) / len(ratios):.3f} over {len(ratios)} origins (max "
          f"{max(ratios):.2f}); pooled coverage {100 * inside / points:.1f}% of {points} segment-months")


if __name__ == "__main__":
    main()
