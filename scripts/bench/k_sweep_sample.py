#!/usr/bin/python3
"""Choosing k on a sample against the exact sweep: `segcast run` with no --k, once with
--sweep-sample 0 (every customer swept) and once with a sample, on synthetic logs of several sizes
(make_synthetic_log.py --months 24 --lines-per-invoice 2) and on the shared real logs (Online Retail,
KPMG; small, so sampling is forced with a small --sweep-sample).

    /usr/bin/python3 scripts/bench/k_sweep_sample.py [--segcast build/segcast] [--threads 2]
        [--synthetic 20000,50000,100000] [--sample 20000] [--real-sample 1000]
        [--skip-exact-above 50000] [--no-real]

Prints one line per log and mode: customers, swept customers, k, silhouette (the sweep's, for the
chosen k), cluster stage seconds (from the run's manifest.json timings), whole-run seconds; then
per log whether both modes chose the same k and the adjusted Rand index of their segmentations.
An exact sweep above --skip-exact-above customers is skipped (100k takes ~8 minutes on 2 cores).
"""
import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from agreement import adjusted_rand

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DATA = os.environ.get("SEGCAST_SHARED_DATA", os.path.join(ROOT, "..", "shared", "data"))
REAL = [("online_retail", ["online_retail.csv.gz"]), ("kpmg", ["kpmg_transactions.csv.gz"])]


def run(segcast, files, sample, threads, work):
    """One `segcast run`: k, silhouette, choice, cluster seconds, total seconds, labels by customer."""
    output = tempfile.mkdtemp(dir=work)
    start = time.monotonic()
    subprocess.run([segcast, "run", *files, "-o", output, "--no-backtest", "-q", "--threads",
                    str(threads), "--sweep-sample", str(sample)], check=True, capture_output=True)
    wall = time.monotonic() - start
    latest = os.path.join(output, "latest")
    summary = json.load(open(os.path.join(latest, "segments.json")))
    manifest = json.load(open(os.path.join(latest, "manifest.json")))
    cluster = sum(t["seconds"] for t in manifest["timings"] if t["stage"] == "cluster")
    labels = {row["customer_id"]: row["segment"]
              for row in csv.DictReader(open(os.path.join(latest, "assignments.csv")))}
    return {"k": summary["k"], "silhouette": summary["silhouette"], "choice": summary["k_choice"],
            "cluster": cluster, "wall": wall, "labels": labels}


def compare(name, files, sample, args, work):
    exact = None
    customers = None
    modes = [("sampled", sample)]
    if not args.skip_exact(name):
        modes.insert(0, ("exact", 0))
    results = {}
    for mode, value in modes:
        result = run(args.segcast, files, value, args.threads, work)
        customers = len(result["labels"])
        swept = min(customers, value) if value > 0 else customers
        results[mode] = result
        print("%-18s %-8s %8d %8d  %d  %.3f  %9.1f  %9.1f" % (
            name, mode, customers, swept, result["k"], result["silhouette"], result["cluster"],
            result["wall"]), flush=True)
    if "exact" in results:
        exact, sampled = results["exact"], results["sampled"]
        ids = sorted(exact["labels"])
        ari = adjusted_rand([exact["labels"][i] for i in ids], [sampled["labels"][i] for i in ids])
        print("%-18s same k: %s (exact %d, sampled %d); ARI exact vs sampled %.3f; cluster stage "
              "%.1fx faster" % (name, "yes" if exact["k"] == sampled["k"] else "NO", exact["k"],
                                sampled["k"], ari, exact["cluster"] / max(sampled["cluster"], 1e-9)),
              flush=True)
    print("%-18s sampled choice: %s" % (name, results["sampled"]["choice"]), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segcast", default=os.path.join(ROOT, "build", "segcast"))
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--synthetic", default="20000,50000,100000",
                        help="customer counts of the synthetic logs (empty: none)")
    parser.add_argument("--sample", type=int, default=20000,
                        help="--sweep-sample of the synthetic logs' sampled runs")
    parser.add_argument("--small-sample", type=int, default=5000,
                        help="--sweep-sample for synthetic logs at or below --sample customers")
    parser.add_argument("--real-sample", type=int, default=1000,
                        help="--sweep-sample of the real logs' sampled runs")
    parser.add_argument("--skip-exact-above", type=int, default=50000)
    parser.add_argument("--no-real", action="store_true")
    args = parser.parse_args()
    sizes = [int(n) for n in args.synthetic.split(",") if n]
    args.skip_exact = lambda name: (name.startswith("synthetic_") and
                                    int(name.split("_")[1]) > args.skip_exact_above)
    print("# segcast %s, %d threads, %d cores, %s" % (args.segcast, args.threads, os.cpu_count(),
                                                    time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())))
    print("%-18s %-8s %8s %8s  k  silh.  cluster s  run s" % ("log", "mode", "customers", "swept"))
    with tempfile.TemporaryDirectory() as work:
        if not args.no_real:
            for name, files in REAL:
                compare(name, [os.path.join(DATA, f) for f in files], args.real_sample, args, work)
        for size in sizes:
            log = os.path.join(work, "synthetic_%d.csv" % size)
            subprocess.run([sys.executable, os.path.join(HERE, "make_synthetic_log.py"), "--customers",
                            str(size), "--months", "24", "--lines-per-invoice", "2", "--seed", "1",
                            "-o", log], check=True, capture_output=True)
            sample = args.sample if size > args.sample else args.small_sample
            compare("synthetic_%d" % size, [log], sample, args, work)
            os.remove(log)


if __name__ == "__main__":
    main()
