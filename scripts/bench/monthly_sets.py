#!/usr/bin/python3
"""Series forecasts on two kinds of monthly data at once: the tourism competition (366 series,
h = 24) and the M1 competition (617 series, h = 18), from ../shared/data.

  scripts/bench/monthly_sets.py SEGCAST folds [--origins 3 --step 6] [-- FLAGS]
      rolling-origin backtest on the TRAINING parts only (segcast backtest, origins counted back
      from each training part's end, horizon = the set's h): where defaults are chosen
  scripts/bench/monthly_sets.py SEGCAST test [-- FLAGS]
      forecast from the training parts, scored once on the test parts (scripts/score_tourism.py)
  scripts/bench/monthly_sets.py SEGCAST time [-- FLAGS]
      user CPU seconds per series of `segcast forecast --threads 1` (self-calibration included)

FLAGS go to every segcast call (e.g. --theta-weight 0 --calibration-origins 0). Prints one line
per set: sMAPE, MASE, 80% coverage, relative width; and the mean of the two sMAPEs.
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DATA = os.path.normpath(os.path.join(ROOT, "..", "shared", "data"))
SCORER = os.path.join(ROOT, "scripts", "score_tourism.py")
SETS = [("tourism", "tourism_monthly.csv.gz", 24), ("m1", "m1_monthly.csv.gz", 18)]


def write_parts(work, name, data):
    paths = {}
    for part in ("train", "full"):
        paths[part] = os.path.join(work, "%s_%s.csv" % (name, part))
        if not os.path.exists(paths[part]):
            subprocess.run([sys.executable, SCORER, "write-" + part, "--data", data, paths[part]],
                           check=True, capture_output=True)
    return paths


def folds(segcast, train, horizon, options, flags):
    command = [segcast, "backtest", "--series", train, "--origins", str(options.origins), "--step",
               str(options.step), "--backtest-horizon", str(horizon), "--horizon", str(horizon),
               "--threads", str(options.threads), "--json"] + flags
    summary = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
    rows = {row["method"]: row for row in summary["rows"]}
    model = rows["model"]
    return {"smape": model["smape"], "mase": model["mase"], "coverage": model["coverage"],
            "width": model["width"], "points": model["points"]}


def test(segcast, train, data, horizon, options, flags, work):
    output = tempfile.mkdtemp(dir=work)
    subprocess.run([segcast, "forecast", "--series", train, "--horizon", str(horizon), "--threads",
                    str(options.threads), "-o", output] + flags, check=True, capture_output=True)
    scored = subprocess.run([sys.executable, SCORER, "score", "--data", data,
                             os.path.join(output, "forecast.csv"), "--json"],
                            check=True, capture_output=True, text=True).stdout
    model = json.loads(scored)["model"]
    return {"smape": model["smape"], "mase": model["mase"], "coverage": model["coverage"],
            "width": model["relative_width"], "negative": model["negative_forecasts"]}


def cpu_time(segcast, train, horizon, flags, work, series_count):
    output = tempfile.mkdtemp(dir=work)
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime
    subprocess.run([segcast, "forecast", "--series", train, "--horizon", str(horizon), "--threads",
                    "1", "-o", output] + flags, check=True, capture_output=True)
    return (resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime - before) / series_count * 1000


def main():
    arguments = sys.argv[1:]
    flags = []
    if "--" in arguments:
        flags = arguments[arguments.index("--") + 1:]
        arguments = arguments[:arguments.index("--")]
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("segcast")
    parser.add_argument("mode", choices=["folds", "test", "time"])
    parser.add_argument("--origins", type=int, default=3)
    parser.add_argument("--step", type=int, default=6)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--work", default=os.path.join(tempfile.gettempdir(), "segcast-monthly-sets"))
    options = parser.parse_args(arguments)
    os.makedirs(options.work, exist_ok=True)
    smapes = []
    for name, file_name, horizon in SETS:
        data = os.path.join(DATA, file_name)
        if not os.path.exists(data):
            sys.exit("monthly_sets.py: %s not found (needs ../shared/data beside the checkout)" % data)
        paths = write_parts(options.work, name, data)
        if options.mode == "time":
            count = 366 if name == "tourism" else 617
            print("%-8s %.3f ms per series (user CPU, 1 thread)" % (
                name, cpu_time(options.segcast, paths["train"], horizon, flags, options.work, count)))
            continue
        if options.mode == "folds":
            result = folds(options.segcast, paths["train"], horizon, options, flags)
        else:
            result = test(options.segcast, paths["train"], data, horizon, options, flags, options.work)
        smapes.append(result["smape"])
        extra = ("points %d" % result["points"]) if "points" in result else ("negative %d" % result["negative"])
        print("%-8s %s sMAPE %6.3f  MASE %.4f  coverage %5.1f%%  width %.3f  %s" % (
            name, options.mode, result["smape"], result["mase"], 100 * result["coverage"],
            result["width"], extra))
    if smapes:
        print("mean sMAPE %.3f  flags: %s" % (sum(smapes) / len(smapes), " ".join(flags) or "(defaults)"))


if __name__ == "__main__":
    main()
