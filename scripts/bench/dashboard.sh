#!/usr/bin/env bash
# Dashboard benchmarks on the full Online Retail run: cold re-clustering latency for k = 2..8
# under DTW (goal: < 300 ms each on 2 cores), first-page load time, and throughput of the
# read-only endpoints under 10,000 loopback requests (the C++ client, and wrk when installed).
# Prints CSV blocks with the machine and load; docs/benchmarks/dashboard.md records them.
#   SEGCAST_BUILD_DIR (default build), SEGCAST_BENCH_OUT (default $build/bench-online-retail),
#   SEGCAST_BENCH_THREADS (default 2), SEGCAST_BENCH_REPS (default 3)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build_dir=${SEGCAST_BUILD_DIR:-$root/build}
shared=${SEGCAST_SHARED_DATA:-$root/../shared/data}
out=${SEGCAST_BENCH_OUT:-$build_dir/bench-online-retail}
threads=${SEGCAST_BENCH_THREADS:-2}
reps=${SEGCAST_BENCH_REPS:-3}
[ -f "$build_dir/CMakeCache.txt" ] || cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build_dir" --target segcast_cli dashboard_bench -j 2 >/dev/null

if [ ! -f "$shared/online_retail.csv.gz" ]; then
  echo "# skipped: $shared/online_retail.csv.gz not found" >&2
  exit 0
fi
if [ ! -e "$out/latest" ]; then
  echo "# running the pipeline on Online Retail into $out (once)" >&2
  "$build_dir/segcast" run "$shared/online_retail.csv.gz" --config "$root/models/online_retail.toml" --output "$out" --db none \
    --threads "$threads" --quiet >/dev/null
fi
echo "# machine: $(nproc) hardware threads, load $(cut -d' ' -f1-3 /proc/loadavg) (shared with other jobs)"

echo "## re-clustering, cold (fresh server per request), DTW"
"$build_dir/dashboard_bench" recluster "$out" --reps "$reps" --threads "$threads"
echo "## re-clustering, cold, Euclidean"
"$build_dir/dashboard_bench" recluster "$out" --reps "$reps" --threads "$threads" --metric euclidean

echo "## first-page load"
"$build_dir/dashboard_bench" page "$out" "$build_dir/web" --reps 5

# The same run read from the store alone (segcast serve --db): a second pipeline run of the same
# configuration into its own folder and a SQLite store, then folder and store loads alternately.
store_out="$out-store"
store_db="sqlite:$store_out/segcast.db"
if [ ! -e "$store_out/latest" ]; then
  echo "# running the pipeline on Online Retail into $store_out and $store_db (once)" >&2
  "$build_dir/segcast" run "$shared/online_retail.csv.gz" --config "$root/models/online_retail.toml" --output "$store_out" \
    --db "$store_db" --threads "$threads" --quiet >/dev/null
fi
for rep in 1 2 3; do
  echo "## first-page load, run folder $store_out (round $rep)"
  "$build_dir/dashboard_bench" page "$store_out" "$build_dir/web" --reps 5
  echo "## first-page load, store only $store_db (round $rep)"
  "$build_dir/dashboard_bench" page - "$build_dir/web" --reps 5 --db "$store_db"
done

echo "## read-only endpoints, 10,000 requests, C++ keep-alive client"
"$build_dir/dashboard_bench" load "$out" --requests 10000 --connections 8

if command -v wrk >/dev/null 2>&1; then
  echo "## read-only endpoints with wrk (4 threads, 8 connections, 10 s per endpoint)"
  fifo=$(mktemp -u)
  mkfifo "$fifo"
  "$build_dir/dashboard_bench" serve "$out" >"$fifo" &
  server=$!
  trap 'kill "$server" 2>/dev/null; rm -f "$fifo"' EXIT
  read -r _ port <"$fifo"
  for path in /api/runs /api/runs/latest/kpis /api/runs/latest/segments /api/runs/latest/forecasts \
              "/api/runs/latest/segments/0/customers?page=1&page_size=50"; do
    curl -s "http://127.0.0.1:$port$path" >/dev/null || true
    echo "### $path"
    wrk -t4 -c8 -d10s "http://127.0.0.1:$port$path" | grep -E "Requests/sec|Latency|requests in|Non-2xx"
  done
else
  echo "# wrk not installed (scripts/setup.sh installs it): skipped"
fi
