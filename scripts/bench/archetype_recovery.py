#!/usr/bin/python3
"""Does the k rule find planted behaviours? Synthetic logs with four known archetypes
(make_synthetic_log.py --archetypes: loyal, lapsing, new, one-off), each run through
`segcast run` with the default k rule and with the plain best silhouette (--k-tolerance 0
--min-segment-share 0), scored by the adjusted Rand index (Hubert & Arabie 1985) of the segments
against the archetypes, and by how many archetypes have a segment holding most of them.

    /usr/bin/python3 scripts/bench/archetype_recovery.py [--segcast build/segcast] [--seeds 1,2,3]
        [--customers 3000]

Prints one line per seed and rule: k chosen, silhouette, ARI, archetypes recovered (out of 4).
"""
import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter

from agreement import adjusted_rand

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
RULES = [("default rule", []), ("best silhouette", ["--k-tolerance", "0", "--min-segment-share", "0"])]


def recovered(truth, labels):
    """Archetypes whose customers mostly (> 50%) share one segment that holds mostly them."""
    pairs = Counter(zip(truth, labels))
    by_truth, by_label = Counter(truth), Counter(labels)
    return sum(1 for archetype in by_truth
               if any(n > by_truth[archetype] / 2 and n > by_label[label] / 2
                      for (t, label), n in pairs.items() if t == archetype))


def score(segcast, log, truth_path, flags, work):
    output = tempfile.mkdtemp(dir=work)
    subprocess.run([segcast, "run", log, "-o", output, "--no-backtest", "-q"] + flags, check=True,
                   capture_output=True)
    run = os.path.join(output, "latest")
    archetype = {row["customer_id"]: row["archetype"] for row in csv.DictReader(open(truth_path))}
    assigned = list(csv.DictReader(open(os.path.join(run, "assignments.csv"))))
    truth = [archetype[row["customer_id"]] for row in assigned]
    labels = [row["segment"] for row in assigned]
    summary = json.load(open(os.path.join(run, "segments.json")))
    return summary["k"], summary["silhouette"], adjusted_rand(truth, labels), recovered(truth, labels)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segcast", default=os.path.join(ROOT, "build", "segcast"))
    parser.add_argument("--seeds", default="1,2,3")
    parser.add_argument("--customers", type=int, default=3000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        print("seed  rule             k  silhouette  ARI    archetypes recovered")
        for seed in args.seeds.split(","):
            log = os.path.join(work, "log_%s.csv" % seed)
            truth = os.path.join(work, "truth_%s.csv" % seed)
            subprocess.run([sys.executable, os.path.join(HERE, "make_synthetic_log.py"), "--customers",
                            str(args.customers), "--months", "24", "--seed", seed, "--lines-per-invoice",
                            "5", "--archetypes", truth, "-o", log], check=True, capture_output=True)
            for name, flags in RULES:
                k, silhouette, ari, found = score(args.segcast, log, truth, flags, work)
                print("%-5s %-16s %d  %.3f       %.3f  %d of 4" % (seed, name, k, silhouette, ari, found))


if __name__ == "__main__":
    main()
