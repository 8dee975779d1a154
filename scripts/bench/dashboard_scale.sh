#!/usr/bin/env bash
# The dashboard on a big run: starts `segcast serve` on an output folder and/or a store, requests
# each endpoint a page view uses several times and prints, per endpoint, the median and maximum
# latency (client side, loopback), then the server's start-up time (launch to the "listening"
# line), the first request's time (the run loaded cold), and its peak RSS (VmHWM).
#   scripts/bench/dashboard_scale.sh OUT                        # the run folders of OUT
#   scripts/bench/dashboard_scale.sh - sqlite:/path/segcast.db   # the store alone
#   SEGCAST_BIN (default build/segcast), SEGCAST_BENCH_REPS (default 5),
#   SEGCAST_BENCH_RUN (default latest), SEGCAST_BENCH_CSV=1 also times the CSV export (once).
# The server may upgrade (and index) the store it opens: point it at a copy of a store you must
# not write to.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${SEGCAST_BIN:-$root/build/segcast}
reps=${SEGCAST_BENCH_REPS:-5}
run=${SEGCAST_BENCH_RUN:-latest}
out=${1:?usage: dashboard_scale.sh OUT|- [STORE]}
store=${2:-}
args=(serve --port 0)
[ "$out" != "-" ] && args+=("$out")
[ -n "$store" ] && args+=(--db "$store")

exec /usr/bin/python3 - "$bin" "$reps" "$run" "${SEGCAST_BENCH_CSV:-0}" "${args[@]}" <<'PY'
import json, os, statistics, subprocess, sys, time, urllib.parse, urllib.request

binary, reps, run, with_csv, args = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4] == "1", sys.argv[5:]
started = time.monotonic()
server = subprocess.Popen([binary] + args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
try:
    line = server.stdout.readline()
    startup = time.monotonic() - started
    if "listening on" not in line:
        sys.exit("segcast serve did not start: " + line)
    base = line.split("listening on ", 1)[1].strip().rstrip("/")

    def get(path):
        begun = time.monotonic()
        with urllib.request.urlopen(base + path, timeout=3600) as answer:
            body = answer.read()
        return time.monotonic() - begun, body

    def hwm():
        with open(f"/proc/{server.pid}/status") as status:
            for row in status:
                if row.startswith("VmHWM:"):
                    return int(row.split()[1]) / 1024.0
        return float("nan")

    first, _ = get(f"/api/runs/{run}/kpis")  # loads the run: the cold first view
    _, body = get(f"/api/runs/{run}/segments")
    segments = json.loads(body)["segments"]
    segment = max(segments, key=lambda s: s["customers"])
    seg, members = segment["segment_id"], segment["customers"]
    _, body = get(f"/api/runs/{run}/segments/{seg}/customers?page=1&page_size=50")
    customer = json.loads(body)["customers"][0]["customer_id"]
    later = max(1, (members // 50) // 2)
    q = urllib.parse.quote(customer[:3])
    paths = [
        ("run list", "/api/runs"),
        ("run summary (kpis)", f"/api/runs/{run}/kpis"),
        ("segments", f"/api/runs/{run}/segments"),
        ("forecasts", f"/api/runs/{run}/forecasts"),
        ("customers page 1", f"/api/runs/{run}/segments/{seg}/customers?page=1&page_size=50"),
        (f"customers page {later}", f"/api/runs/{run}/segments/{seg}/customers?page={later}&page_size=50"),
        ("customers q search", f"/api/runs/{run}/segments/{seg}/customers?page=1&page_size=50&q={q}"),
        ("customers sort=recency asc", f"/api/runs/{run}/segments/{seg}/customers?page=1&page_size=50&sort=recency&order=asc"),
        ("customers sort=customer_id p2", f"/api/runs/{run}/segments/{seg}/customers?page=2&page_size=50&sort=customer_id&order=asc"),
        ("one customer (trajectory)", f"/api/runs/{run}/customers/{urllib.parse.quote(customer)}"),
    ]
    if with_csv:
        paths.append(("CSV export (whole segment)", f"/api/runs/{run}/segments/{seg}/customers.csv"))
    print(f"# {binary} {' '.join(args)}")
    print(f"# machine: {os.cpu_count()} hardware threads, load {open('/proc/loadavg').read().split()[0]}; "
          f"segment {seg} ({members} customers), later page {later}, q={customer[:3]!r}")
    print("endpoint,median_ms,max_ms,bytes")
    for name, path in paths:
        times, size = [], 0
        for _ in range(1 if path.endswith(".csv") else reps):
            seconds, body = get(path)
            times.append(seconds * 1000)
            size = len(body)
        print(f"{name},{statistics.median(times):.1f},{max(times):.1f},{size}")
    print(f"start-up (launch to listening),{startup * 1000:.0f} ms")
    print(f"first request (cold run load),{first * 1000:.0f} ms")
    print(f"peak RSS (VmHWM),{hwm():.0f} MiB")
finally:
    server.terminate()
    server.wait()
PY
