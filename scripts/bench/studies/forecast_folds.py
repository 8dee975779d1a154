#!/usr/bin/python3
"""Rolling-origin validation folds on the tourism training parts, for the adoption rule of
docs/forecasting.md ("Protocol"): a candidate is compared with a baseline on the four folds
(fit on the training part minus CUT months, score the 24 months after; the test parts are
never read by this script's runs), and on the synthetic set.

  scripts/bench/studies/forecast_folds.py BENCH "candidate args" ["baseline args"] [--synthetic]
                                  [--cuts 24,36,48,60] [--threads 2]

Prints, per fold, sMAPE, MASE, 80% coverage and coverage by horizon band (1-6, 7-12, 13-18,
19-24) for the candidate (and the baseline), the mean over folds, the number of folds where the
candidate's sMAPE is lower, and whether it passes the rule's sMAPE and coverage parts. Time is
measured separately (forecast_bench threads=1 repeats=5, alternated with the baseline binary).
"""
import argparse
import json
import os
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
TOURISM = os.path.join(ROOT, "..", "shared", "data", "tourism_monthly.csv.gz")
BANDS = [(1, 6), (7, 12), (13, 18), (19, 24)]


def run(bench, args, cut, threads, synthetic=False):
    command = [bench, "repeats=0", "threads=%d" % threads]
    if synthetic:
        command += ["synthetic=1000"]
    else:
        command += ["tourism=" + TOURISM, "synthetic=0", "stage=validation", "cut=%d" % cut]
    command += args.split()
    block = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
    block = block["synthetic" if synthetic else "tourism"]
    by_h = block["coverage_by_horizon"]
    bands = [sum(by_h[a - 1:b]) / (b - a + 1) for a, b in BANDS]
    model = block["model"]
    return {"smape": model["smape"], "mase": model["mase"], "coverage": model["coverage"],
            "bands": bands, "width": model["relative_width"]}


def line(name, r):
    return "%-28s sMAPE %6.3f  MASE %.4f  cov %5.1f%%  bands %s  width %.3f" % (
        name, r["smape"], r["mase"], 100 * r["coverage"],
        " ".join("%5.1f" % (100 * b) for b in r["bands"]), r["width"])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("bench")
    parser.add_argument("candidate")
    parser.add_argument("baseline", nargs="?", default=None)
    parser.add_argument("--cuts", default="24,36,48,60")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--synthetic", action="store_true")
    options = parser.parse_args()
    cuts = [int(c) for c in options.cuts.split(",")]
    rows = {"candidate": [run(options.bench, options.candidate, cut, options.threads) for cut in cuts]}
    if options.baseline is not None:
        rows["baseline"] = [run(options.bench, options.baseline, cut, options.threads) for cut in cuts]
    for cut_index, cut in enumerate(cuts):
        for name, results in rows.items():
            print(line("cut %d %s" % (cut, name), results[cut_index]))
    mean = {}
    for name, results in rows.items():
        mean[name] = {key: sum(r[key] for r in results) / len(results)
                      for key in ("smape", "mase", "coverage", "width")}
        mean[name]["bands"] = [sum(r["bands"][b] for r in results) / len(results) for b in range(4)]
        print(line("mean %s" % name, mean[name]))
    if options.baseline is not None:
        wins = sum(c["smape"] < b["smape"] for c, b in zip(rows["candidate"], rows["baseline"]))
        lower = mean["candidate"]["smape"] < mean["baseline"]["smape"]
        coverage = mean["candidate"]["coverage"]
        base_coverage = mean["baseline"]["coverage"]
        coverage_ok = 0.75 <= coverage <= 0.85 or abs(coverage - 0.8) < abs(base_coverage - 0.8)
        print("folds better: %d of %d; mean sMAPE %.3f -> %.3f (%+.3f); coverage %.1f%% -> %.1f%%; "
              "sMAPE rule %s, coverage rule %s" % (
                  wins, len(cuts), mean["baseline"]["smape"], mean["candidate"]["smape"],
                  mean["candidate"]["smape"] - mean["baseline"]["smape"], 100 * base_coverage,
                  100 * coverage, "pass" if lower and wins >= 3 else "FAIL",
                  "pass" if coverage_ok else "FAIL"))
    if options.synthetic:
        print(line("synthetic candidate", run(options.bench, options.candidate, 0, options.threads, True)))
        if options.baseline is not None:
            print(line("synthetic baseline", run(options.bench, options.baseline, 0, options.threads, True)))


if __name__ == "__main__":
    main()
