#!/usr/bin/python3
"""Are more threads ever slower than one? `segcast run --threads 1` against `--threads 2`, on an
idle machine and with a competing busy loop pinned to no core in particular (one Python process
spinning, i.e. one core's worth of load), several repetitions alternated, median seconds and the
2-thread / 1-thread ratio.

    /usr/bin/python3 scripts/bench/threads_under_load.py [--segcast build/segcast ...] [--log FILE]
        [--repetitions 3] [--k 4]

Several --segcast binaries (e.g. main's and a branch's) are measured interleaved, run by run, so
that a shared machine's changing load falls on all of them alike.

Times both the whole run (wall seconds of the process) and its cluster stage (manifest.json's
timings). --log defaults to the shared Online Retail log; --k fixes k (the fit the issue timed;
0 = the k sweep). The busy loop is started before and stopped after each measured run.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DATA = os.environ.get("SEGCAST_SHARED_DATA", os.path.join(ROOT, "..", "shared", "data"))
SPIN = "while True: pass"


def one_run(segcast, log, threads, k, work, env):
    output = tempfile.mkdtemp(dir=work)
    command = [segcast, "run", log, "-o", output, "--no-backtest", "-q", "--threads", str(threads)]
    if k > 0:
        command += ["--k", str(k)]
    start = time.monotonic()
    subprocess.run(command, check=True, capture_output=True, env=env)
    wall = time.monotonic() - start
    manifest = json.load(open(os.path.join(output, "latest", "manifest.json")))
    cluster = sum(t["seconds"] for t in manifest["timings"] if t["stage"] == "cluster")
    return wall, cluster


def measure(args, loaded, work):
    """Per binary, median (wall, cluster) seconds per thread count; binaries and thread counts
    alternated run by run."""
    env = dict(os.environ)
    times = {(binary, threads): [] for binary in args.segcast for threads in (1, 2)}
    spinner = subprocess.Popen([sys.executable, "-c", SPIN]) if loaded else None
    try:
        for _ in range(args.repetitions):
            for binary in args.segcast:
                for threads in (1, 2):
                    times[(binary, threads)].append(
                        one_run(binary, args.log, threads, args.k, work, env))
    finally:
        if spinner:
            spinner.kill()
            spinner.wait()
    return {key: (statistics.median(t[0] for t in runs), statistics.median(t[1] for t in runs))
            for key, runs in times.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segcast", action="append",
                        help="binary to time (repeat for several; default build/segcast)")
    parser.add_argument("--log", default=os.path.join(DATA, "online_retail.csv.gz"))
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument("--k", type=int, default=4)
    args = parser.parse_args()
    args.segcast = args.segcast or [os.path.join(ROOT, "build", "segcast")]
    print("# log %s, k %s, %d repetitions, %d cores, OMP_WAIT_POLICY=%s, %s" % (
        os.path.basename(args.log), args.k or "sweep", args.repetitions, os.cpu_count(),
        os.environ.get("OMP_WAIT_POLICY", "(unset)"),
        time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())))
    print("%-10s %-40s %7s %7s %6s  %10s %10s %6s" % ("load", "binary", "run 1t", "run 2t", "ratio",
                                                     "cluster 1t", "cluster 2t", "ratio"))
    with tempfile.TemporaryDirectory() as work:
        for loaded in (False, True):
            medians = measure(args, loaded, work)
            for binary in args.segcast:
                (wall1, cluster1), (wall2, cluster2) = medians[(binary, 1)], medians[(binary, 2)]
                print("%-10s %-40s %7.2f %7.2f %6.2f  %10.2f %10.2f %6.2f" % (
                    "busy core" if loaded else "idle", binary[-40:], wall1, wall2, wall2 / wall1,
                    cluster1, cluster2, cluster2 / cluster1), flush=True)


if __name__ == "__main__":
    main()
