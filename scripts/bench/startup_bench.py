#!/usr/bin/env python3
"""Start-up cost of segcast: two binaries measured alternately, medians of several rounds.

Prints one JSON document (machine, inputs, per-round figures, medians, ratios) on stdout:
  - `perf stat -r N BIN --version`: wall seconds per process (the dynamic loader's share);
  - `ldd BIN | wc -l`: shared objects mapped at start;
  - `perf stat -r N BIN panel CSV -o OUT --rfm --threads T` when --csv is given;
  - a PostgreSQL store open that fails at once (connection refused on 127.0.0.1:1): the process
    wall time including loading the PostgreSQL module on demand;
  - `segcast serve` on a run folder: time to the "listening" line and to the first API answer
    (the HTTP module is loaded when the server is constructed).

  /usr/bin/python3 scripts/bench/startup_bench.py --segcast build-mod/segcast \
      --baseline /tmp/segcast-base/segcast --rounds 5 --csv /tmp/segcast_bench/online_retail.csv
"""
import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import tempfile
import time
import urllib.request

ELAPSED = re.compile(r"([0-9.]+) \+- ([0-9.]+) seconds time elapsed")
TASK_CLOCK = re.compile(r"([0-9.,]+) msec task-clock")


def perf_stat(command, repeats):
    """Mean wall seconds and task-clock ms per run of `command` over `repeats` runs (perf stat -r)."""
    done = subprocess.run(["perf", "stat", "-r", str(repeats), *command], stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True, check=False)
    elapsed = ELAPSED.search(done.stderr)
    clock = TASK_CLOCK.search(done.stderr)
    if not elapsed:
        raise SystemExit("perf stat failed for %s:\n%s" % (" ".join(command), done.stderr))
    return {"wall_s": float(elapsed.group(1)),
            "task_clock_ms": float(clock.group(1).replace(",", "")) if clock else None}


def shared_objects(binary):
    out = subprocess.run(["ldd", binary], capture_output=True, text=True, check=True).stdout
    return len([line for line in out.splitlines() if line.strip()])


def store_open(binary, sample, out_dir, repeats):
    """Wall seconds of a command that opens a PostgreSQL store and gets connection refused."""
    walls = []
    for _ in range(repeats):
        start = time.perf_counter()
        done = subprocess.run([binary, "run", sample, "-o", out_dir, "--db",
                               "postgresql://segcast@127.0.0.1:1/segcast"],
                              capture_output=True, text=True, check=False)
        walls.append(time.perf_counter() - start)
        if "cannot connect" not in done.stderr:
            raise SystemExit("unexpected answer from %s: %s" % (binary, done.stderr))
    return statistics.median(walls)


def serve_first_request(binary, out_dir):
    """Seconds from starting `segcast serve` to its listening line and to the first API answer."""
    start = time.perf_counter()
    server = subprocess.Popen([binary, "serve", out_dir, "--port", "0"], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True)
    try:
        line = server.stdout.readline()
        listening = time.perf_counter() - start
        url = re.search(r"http://\S+/", line).group(0)
        with urllib.request.urlopen(url + "api/runs", timeout=30) as answer:
            answer.read()
            status = answer.status
        first = time.perf_counter() - start
    finally:
        server.terminate()
        server.wait(timeout=30)
    if status != 200:
        raise SystemExit("serve answered %d" % status)
    return listening, first


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segcast", required=True, help="the binary under test")
    parser.add_argument("--baseline", required=True, help="the binary to compare against")
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds (medians over them)")
    parser.add_argument("--version-repeats", type=int, default=30)
    parser.add_argument("--csv", default="", help="transaction log for the panel figure ('' skips it)")
    parser.add_argument("--panel-repeats", type=int, default=15)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--sample", default=os.path.join(os.path.dirname(__file__), "../../data/online_retail_sample.csv.gz"))
    args = parser.parse_args()

    load_start = os.getloadavg()
    binaries = {"baseline": os.path.abspath(args.baseline), "new": os.path.abspath(args.segcast)}
    work = tempfile.mkdtemp(prefix="segcast-startup-")
    run_dir = os.path.join(work, "runs-out")
    subprocess.run([binaries["new"], "run", args.sample, "-o", run_dir], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    rounds = []
    for _ in range(args.rounds):
        for name, binary in binaries.items():
            figures = {"binary": name}
            figures["version"] = perf_stat([binary, "--version"], args.version_repeats)
            if args.csv:
                figures["panel"] = perf_stat([binary, "panel", args.csv, "-o", os.path.join(work, "panel-" + name),
                                              "--rfm", "--threads", str(args.threads)], args.panel_repeats)
            figures["store_open_s"] = store_open(binary, args.sample, os.path.join(work, "pg-" + name), 5)
            figures["serve_listening_s"], figures["serve_first_answer_s"] = serve_first_request(binary, run_dir)
            rounds.append(figures)

    def median(name, pick):
        return statistics.median(pick(r) for r in rounds if r["binary"] == name)

    picks = {
        "version_wall_s": lambda r: r["version"]["wall_s"],
        "version_task_clock_ms": lambda r: r["version"]["task_clock_ms"],
        "store_open_s": lambda r: r["store_open_s"],
        "serve_listening_s": lambda r: r["serve_listening_s"],
        "serve_first_answer_s": lambda r: r["serve_first_answer_s"],
    }
    if args.csv:
        picks["panel_wall_s"] = lambda r: r["panel"]["wall_s"]
        picks["panel_task_clock_ms"] = lambda r: r["panel"]["task_clock_ms"]
    medians = {key: {name: median(name, pick) for name in binaries} for key, pick in picks.items()}
    for figures in medians.values():
        figures["baseline_over_new"] = figures["baseline"] / figures["new"] if figures["new"] else None
    report = {
        "machine": {"host": platform.node(), "cpus": os.cpu_count(), "load_average_start": load_start,
                    "load_average_end": os.getloadavg()},
        "inputs": {"binaries": binaries, "csv": args.csv, "threads": args.threads, "rounds": args.rounds,
                   "version_repeats": args.version_repeats, "panel_repeats": args.panel_repeats},
        "shared_objects": {name: shared_objects(binary) for name, binary in binaries.items()},
        "medians": medians,
        "rounds": rounds,
    }
    print(json.dumps(report, indent=1))
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
