#!/usr/bin/python3
"""Ingest benchmark: read + clean + static RFM + monthly LRFM panel, end to end, as processes.

For each input it runs `segcast panel FILE -o DIR --rfm` (writes rfm.csv and lrfm.csv) and, where
asked, the pandas reference doing the same work (scripts/reference/lrfm_reference.py), each
--runs times, interleaved, and reports the median wall time and peak resident memory (the
process is reaped with wait4, whose rusage gives RSS and CPU time; the harness's own cost, a
/bin/true timed the same way, is printed as harness_overhead_s), throughput in MB of CSV text
per second, the speed-up over pandas, and for gzip inputs the ratio to zlib alone decompressing
the same file (in-process, Python's zlib module, median of --runs).

    /usr/bin/python3 scripts/bench/ingest_bench.py --segcast build/segcast [--threads 2] [--runs 5]
        [--synthetic-rows 1000000,3000000,10000000] [--pandas-synthetic-rows 1000000]
        [--baseline OLD_BUILD/segcast] [--no-pandas] [--json results.json]

Inputs: ../shared/data/online_retail.csv.gz and its plain text (written to a temporary folder),
and synthetic logs from make_synthetic_log.py (cached in --cache, default /tmp/segcast_bench).
Figures go to stdout as CSV lines and a Markdown table; nothing fails on a slow machine.
"""
import argparse
import gzip
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PYTHON = "/usr/bin/python3"


def timed(command):
    """(wall seconds, peak RSS in KB, CPU seconds user + system) of one process. The process is
    started directly and reaped with wait4, whose rusage gives the RSS and CPU times: going through
    /usr/bin/time added its own start-up (about 6 ms of a /bin/true, see harness_overhead) to every
    wall time."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise subprocess.CalledProcessError(process.returncode, command)
    return wall, usage.ru_maxrss, usage.ru_utime + usage.ru_stime


def evict_from_page_cache(path):
    """Drops a file's clean pages from the page cache (no root needed), so the next read is from disk.
    The page cache's own state matters too: a file just written is cached in small folios, one read
    from disk in large ones, which a mapping touches with far fewer (costly, in a VM) page faults."""
    os.sync()
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.posix_fadvise(descriptor, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(descriptor)


def harness_overhead(runs=21):
    """Median wall time of /bin/true through timed(): what the harness adds to every figure."""
    return statistics.median(timed(["/bin/true"])[0] for _ in range(runs))


def zlib_seconds(path, runs):
    data = open(path, "rb").read()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        out = zlib.decompressobj(31).decompress(data)
        times.append(time.perf_counter() - started)
        del out
    return statistics.median(times)


def synthetic(rows, cache):
    customers = max(100, rows // 125)  # make_synthetic_log.py: ~125 rows per customer
    plain = os.path.join(cache, f"synthetic_{rows}.csv")
    if not os.path.exists(plain):
        subprocess.run([PYTHON, os.path.join(ROOT, "scripts/bench/make_synthetic_log.py"), "--customers",
                        str(customers), "--months", "24", "--seed", "1", "-o", plain], check=True,
                       stdout=subprocess.DEVNULL)
    packed = plain + ".gz"
    if not os.path.exists(packed):
        subprocess.run(f"gzip -6 -c '{plain}' > '{packed}'", shell=True, check=True)
    return plain, packed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segcast", default=os.path.join(ROOT, "build/segcast"))
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--shared", default=os.path.join(ROOT, "../shared/data"))
    parser.add_argument("--synthetic-rows", default="1000000,3000000,10000000")
    parser.add_argument("--pandas-synthetic-rows", default="1000000",
                        help="synthetic sizes on which pandas runs too ('' for none)")
    parser.add_argument("--baseline", help="a second segcast binary (e.g. a build of an older commit) run "
                        "interleaved with --segcast on the same inputs: before/after ratios from one run")
    parser.add_argument("--no-pandas", action="store_true", help="skip the pandas reference (e.g. with --baseline)")
    parser.add_argument("--cache", default="/tmp/segcast_bench")
    parser.add_argument("--json")
    parser.add_argument("--cold", action="store_true",
                        help="drop the input file's pages from the page cache before every run "
                             "(posix_fadvise DONTNEED), so each run reads it from disk: a log read for the first time")
    args = parser.parse_args()
    os.makedirs(args.cache, exist_ok=True)
    work = tempfile.mkdtemp(prefix="segcast_bench_")

    inputs = []  # (name, path, plain text path, with_pandas)
    retail = os.path.join(args.shared, "online_retail.csv.gz")
    if os.path.exists(retail):
        plain = os.path.join(args.cache, "online_retail.csv")
        if not os.path.exists(plain):
            with gzip.open(retail, "rb") as source, open(plain, "wb") as target:
                shutil.copyfileobj(source, target)
        inputs += [("online_retail.csv", plain, plain, True), ("online_retail.csv.gz", retail, plain, True)]
    else:
        print(f"# {retail} not found: Online Retail figures skipped", file=sys.stderr)
    pandas_sizes = {int(x) for x in args.pandas_synthetic_rows.split(",") if x}
    for rows in [int(x) for x in args.synthetic_rows.split(",") if x]:
        plain, packed = synthetic(rows, args.cache)
        inputs += [(f"synthetic_{rows}.csv", plain, plain, rows in pandas_sizes),
                   (f"synthetic_{rows}.csv.gz", packed, plain, rows in pandas_sizes)]

    machine = {
        "cpu": next((l.split(":")[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?"),
        "cores": os.cpu_count(),
        "kernel": platform.release(),
        "load_average_start": os.getloadavg(),
        "threads": args.threads,
        "runs": args.runs,
        "segcast": args.segcast,
        "harness_overhead_s": round(harness_overhead(), 4),
        "cold": args.cold,
    }
    print("# machine:", json.dumps(machine))
    print("input,text_bytes,tool,run,wall_s,max_rss_kb,cpu_s")
    results = []
    for name, path, text_path, with_pandas in inputs:
        text_bytes = os.path.getsize(text_path)
        tools = {"segcast": [args.segcast, "panel", path, "-o", os.path.join(work, "segcast"), "--rfm",
                             "--threads", str(args.threads)]}
        if args.baseline:
            tools["baseline"] = [args.baseline, "panel", path, "-o", os.path.join(work, "baseline"), "--rfm",
                                 "--threads", str(args.threads)]
        if with_pandas and not args.no_pandas:
            tools["pandas"] = [PYTHON, os.path.join(ROOT, "scripts/reference/lrfm_reference.py"), path, "-o",
                               os.path.join(work, "pandas")]
        runs = {tool: [] for tool in tools}
        order = list(tools.items())
        for run in range(args.runs):
            # The starting tool rotates: a process that runs right after pandas (214 MB freed)
            # pays for the kernel's memory state, so a fixed order would bias the comparison.
            shift = run % len(order)
            for tool, command in order[shift:] + order[:shift]:
                if args.cold:
                    evict_from_page_cache(path)
                wall, rss, cpu = timed(command)
                runs[tool].append((wall, rss, cpu))
                print(f"{name},{text_bytes},{tool},{run},{wall:.4f},{rss},{cpu:.3f}", flush=True)
        entry = {"input": name, "text_bytes": text_bytes, "file_bytes": os.path.getsize(path)}
        for tool, samples in runs.items():
            entry[f"{tool}_wall_s"] = statistics.median(w for w, _, _ in samples)
            entry[f"{tool}_rss_mb"] = max(r for _, r, _ in samples) / 1024
            entry[f"{tool}_cpu_s"] = statistics.median(c for _, _, c in samples)
        entry["segcast_mb_per_s"] = text_bytes / 1e6 / entry["segcast_wall_s"]
        # What the work needs of the machine, whatever else runs on it: MB per CPU-second.
        entry["segcast_mb_per_cpu_s"] = text_bytes / 1e6 / entry["segcast_cpu_s"]
        if "baseline_wall_s" in entry:
            entry["speedup_vs_baseline"] = entry["baseline_wall_s"] / entry["segcast_wall_s"]
            entry["cpu_ratio_vs_baseline"] = entry["baseline_cpu_s"] / entry["segcast_cpu_s"]
        if "pandas_wall_s" in entry:
            entry["speedup_vs_pandas"] = entry["pandas_wall_s"] / entry["segcast_wall_s"]
            entry["cpu_ratio_vs_pandas"] = entry["pandas_cpu_s"] / entry["segcast_cpu_s"]
        if path.endswith(".gz"):
            entry["zlib_alone_s"] = zlib_seconds(path, args.runs)
            entry["gz_over_zlib"] = entry["segcast_wall_s"] / entry["zlib_alone_s"]
        results.append(entry)
    machine["load_average_end"] = os.getloadavg()
    shutil.rmtree(work, ignore_errors=True)

    print()
    if args.cold:
        print("Cold runs: each input's page cache was dropped before every run.")
    print(f"Median of {args.runs} runs, {args.threads} segcast threads, {machine['cores']} cores ({machine['cpu']}); "
          f"load average {machine['load_average_start'][0]:.1f} at start, {machine['load_average_end'][0]:.1f} at end.")
    print()
    print("| input | CSV MB | segcast s | MB/s | CPU s | MB/CPU-s | peak RSS MB | pandas s | pandas CPU s | pandas RSS MB "
          "| speed-up (wall) | CPU ratio | zlib alone s | gz / zlib |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for e in results:
        cell = lambda key, fmt: (fmt % e[key]) if key in e else "-"
        print(f"| {e['input']} | {e['text_bytes'] / 1e6:.1f} | {e['segcast_wall_s']:.3f} | {e['segcast_mb_per_s']:.0f} | "
              f"{e['segcast_cpu_s']:.2f} | {e['segcast_mb_per_cpu_s']:.0f} | {e['segcast_rss_mb']:.0f} | "
              f"{cell('pandas_wall_s', '%.2f')} | {cell('pandas_cpu_s', '%.2f')} | {cell('pandas_rss_mb', '%.0f')} | "
              f"{cell('speedup_vs_pandas', '%.1fx')} | {cell('cpu_ratio_vs_pandas', '%.1fx')} | "
              f"{cell('zlib_alone_s', '%.3f')} | {cell('gz_over_zlib', '%.2f')} |")
    if args.baseline:
        print()
        print(f"Against the baseline {args.baseline} (interleaved runs, medians):")
        print()
        print("| input | baseline s | segcast s | wall ratio | baseline CPU s | segcast CPU s | CPU ratio | "
              "baseline RSS MB | segcast RSS MB |")
        print("|---|---|---|---|---|---|---|---|---|")
        for e in results:
            print(f"| {e['input']} | {e['baseline_wall_s']:.3f} | {e['segcast_wall_s']:.3f} | "
                  f"{e['speedup_vs_baseline']:.2f}x | {e['baseline_cpu_s']:.3f} | {e['segcast_cpu_s']:.3f} | "
                  f"{e['cpu_ratio_vs_baseline']:.2f}x | {e['baseline_rss_mb']:.0f} | {e['segcast_rss_mb']:.0f} |")
    if args.json:
        with open(args.json, "w") as out:
            json.dump({"machine": machine, "results": results}, out, indent=2)


if __name__ == "__main__":
    main()
