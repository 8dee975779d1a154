#!/usr/bin/env bash
# Determinism of the whole job: `segcast run` (ingest, panel, k chosen by silhouette over 2..8, DTW
# clustering, personas, forecasts with intervals and backtest, store, model) with --threads 1, 2 and
# 8 on the bundled sample, compared file by file over everything the run writes: the run folder,
# the saved model, the latest link and the SQLite store (every table, every row).
# Only run-specific fields may differ, and tests/support/compare_outputs.py leaves out exactly
# those: manifest.json "seconds", "threads" and timings[].seconds, k_selection.csv "seconds_fit",
# and in the store runs.created_at and the same manifest keys; it prints each file's verdict.
# determinism_shared.sh runs the same on the full Online Retail log (SEGCAST_DETERMINISM_INPUT).
set -euo pipefail
bin=${SEGCAST_BIN:?SEGCAST_BIN must point to the segcast binary}
root=${SEGCAST_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
python=${SEGCAST_PYTHON:-/usr/bin/python3}
input=${SEGCAST_DETERMINISM_INPUT:-$root/data/online_retail_sample.csv.gz}
threads=${SEGCAST_DETERMINISM_THREADS:-1 2 8}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

first=""
for count in $threads; do
  mkdir "$work/t$count"
  # The same relative output path in every run, so the options recorded in the manifest and the
  # store agree; only the working folder differs.
  start=$(date +%s%N)
  (cd "$work/t$count" && "$bin" run "$input" -o out --threads "$count" --seed 7 -q > summary.txt)
  echo "threads $count: $(head -1 "$work/t$count/summary.txt") ($(( ($(date +%s%N) - start) / 1000000 )) ms)"
  if [ -z "$first" ]; then
    first=$count
    continue
  fi
  echo "== $first vs $count threads"
  "$python" "$root/tests/support/compare_outputs.py" "$work/t$first/out" "$work/t$count/out"
  cmp "$work/t$first/summary.txt" "$work/t$count/summary.txt"
done
# The comparison can fail: one changed digit in one file must be reported.
cp -a "$work/t$first/out" "$work/altered"
assignments=$(ls "$work"/altered/runs/*/assignments.csv)
sed -i '2s/,\([0-9]\),/,9\1,/' "$assignments"
if "$python" "$root/tests/support/compare_outputs.py" "$work/t$first/out" "$work/altered" > "$work/altered.txt"; then
  echo "FAIL: compare_outputs.py did not notice a changed assignment"; exit 1
fi
grep -q "^DIFFERENT .*assignments.csv" "$work/altered.txt" || { echo "FAIL: wrong file reported"; exit 1; }
echo "determinism: threads $threads give the same outputs on $(basename "$input")"
