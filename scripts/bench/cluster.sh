#!/usr/bin/env bash
# Clustering benchmarks: the DTW kernel, and TimeSeries K-Means (k = 4 fit; k = 2..8 sweep with
# exact silhouette) on the Online Retail LRFM panel. Prints one JSON line per measurement.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build_dir=${SEGCAST_BUILD_DIR:-$root/build}
shared=${SEGCAST_SHARED_DATA:-$root/../shared/data}
[ -f "$build_dir/CMakeCache.txt" ] || cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build_dir" --target bench_dtw_kernel bench_cluster -j "$(nproc)" >/dev/null
echo "# machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
"$build_dir/bench_dtw_kernel" 2000 5
if [ -f "$shared/online_retail.csv.gz" ]; then
  "$build_dir/bench_cluster" retail="$shared/online_retail.csv.gz" reps=5 sweep=0
  "$build_dir/bench_cluster" retail="$shared/online_retail.csv.gz" reps=5 sweep=0 scaling=series-minmax max_iter=10
  "$build_dir/bench_cluster" retail="$shared/online_retail.csv.gz" reps=3 sweep=1
else
  echo "# skipped the Online Retail runs: $shared/online_retail.csv.gz not found"
fi
