#!/usr/bin/env python3
"""Fit time of segcast.TimeSeriesKMeans (in process, through the Python module) against
`segcast segment --series FILE` (the CLI, one process per fit) on the same UCR set and options.

    PYTHONPATH=build/python /usr/bin/python3 scripts/bench/python_fit.py [--data ../shared/data/ucr]
        [--bin build/segcast] [--repeats 3] [--threads 2]

Prints one CSV row per (data set, metric, tool): the median over repeats of the wall time of the
whole call and the fit time the library measured itself (TsKMeansResult::seconds_total), the
labels' agreement between the two tools and the inertia. The two fits use the same options and
seed, so their labels and inertia must be equal; the difference in wall time is the CLI's process
start, reading and writing of files against the module's conversion of the numpy array.
"""
import argparse
import gzip
import json
import os
import pathlib
import platform
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

import segcast

ROOT = pathlib.Path(__file__).resolve().parents[2]


def read_ts(path):
    """sktime .ts(.gz) -> (n, T, d) with NaN padding (the cases, labels dropped)."""
    cases, in_data = [], False
    with gzip.open(path, "rt") as handle:
        for line in handle:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if line.lower().startswith("@data"):
                in_data = True
                continue
            if in_data:
                cases.append(np.array([[float(v) for v in dim.split(",")] for dim in line.split(":")[:-1]]).T)
    length = max(len(case) for case in cases)
    out = np.full((len(cases), length, cases[0].shape[1]), np.nan)
    for number, case in enumerate(cases):
        out[number, : len(case)] = case
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "ucr"))
    parser.add_argument("--bin", default=str(ROOT / "build" / "segcast"))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--k", type=int, default=4)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-iter", type=int, default=50)
    args = parser.parse_args()

    sets = [("GunPoint_TRAIN", "dtw"), ("GunPoint_TRAIN", "euclidean"), ("BasicMotions_TRAIN", "dtw")]
    print(f"# machine {platform.node()} {platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
          f"threads {args.threads}; k {args.k}; seed {args.seed}; max_iter {args.max_iter}; repeats {args.repeats}")
    print("set,n,length,dims,metric,tool,wall_seconds,fit_seconds,inertia,labels_equal")
    for name, metric in sets:
        path = pathlib.Path(args.data) / f"{name}.ts.gz"
        if not path.exists():
            print(f"# {path} is absent; skipped", file=sys.stderr)
            continue
        X = read_ts(path)
        walls, fits, model = [], [], None
        for _ in range(args.repeats):
            start = time.perf_counter()
            model = segcast.TimeSeriesKMeans(n_clusters=args.k, metric=metric, max_iter=args.max_iter,
                                             random_state=args.seed, n_jobs=args.threads).fit(X)
            walls.append(time.perf_counter() - start)
            fits.append(model.fit_seconds_)
        cli_walls, cli_fits, cli = [], [], None
        for _ in range(args.repeats):
            with tempfile.TemporaryDirectory() as out:
                start = time.perf_counter()
                subprocess.run([args.bin, "segment", "--series", str(path), "-o", out, "-k", str(args.k),
                                "--metric", metric, "--seed", str(args.seed), "--max-iter", str(args.max_iter),
                                "--threads", str(args.threads), "--no-silhouette"],
                               check=True, capture_output=True)
                cli_walls.append(time.perf_counter() - start)
                cli = json.loads((pathlib.Path(out) / "summary.json").read_text())
                labels = np.loadtxt(pathlib.Path(out) / "assignments.csv", delimiter=",", skiprows=1,
                                    usecols=1, dtype=int)
            cli_fits.append(cli["fit"]["seconds"]["total"])
        equal = bool((labels == model.labels_).all())
        shape = ",".join(map(str, X.shape))
        print(f"{name},{shape},{metric},module,{statistics.median(walls):.4f},{statistics.median(fits):.4f},"
              f"{model.inertia_:.10g},{equal}")
        print(f"{name},{shape},{metric},cli,{statistics.median(cli_walls):.4f},{statistics.median(cli_fits):.4f},"
              f"{cli['fit']['inertia']:.10g},{equal}")


if __name__ == "__main__":
    main()
