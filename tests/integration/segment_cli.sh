#!/usr/bin/env bash
# segcast segment on the bundled sample (LRFM, one k and a sweep) and on series files (--series:
# long CSV and .ts), checking the output files, their columns, determinism across thread counts
# and the documented exit code of bad options.
set -euo pipefail
bin=${SEGCAST_BIN:?SEGCAST_BIN must point to the segcast binary}
root=${SEGCAST_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
python=${SEGCAST_PYTHON:-/usr/bin/python3}
sample=$root/data/online_retail_sample.csv.gz
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

echo "== one k on the sample, 1 and 2 threads"
"$bin" segment "$sample" -k 3 --seed 5 --threads 1 -o "$work/one" 2> /dev/null
"$bin" segment "$sample" -k 3 --seed 5 --threads 2 -o "$work/two" 2> /dev/null
[ "$(head -1 "$work/one/assignments.csv")" = "id,segment,distance" ] || fail "assignments header"
[ "$(wc -l < "$work/one/assignments.csv")" = 443 ] || fail "442 customers expected"
[ "$(head -1 "$work/one/centroids.csv")" = "segment,step,label,L,R,F,M,L_units,R_units,F_units,M_units" ] \
  || fail "centroids header: $(head -1 "$work/one/centroids.csv")"
cmp -s "$work/one/assignments.csv" "$work/two/assignments.csv" || fail "1 vs 2 threads differ"
cmp -s "$work/one/centroids.csv" "$work/two/centroids.csv" || fail "centroids differ across threads"
"$python" - "$work/one/summary.json" "$work/one/assignments.csv" <<'PY' || fail "summary.json"
import json, sys, csv
s = json.load(open(sys.argv[1]))
assert s["fit"]["k"] == 3 and s["series"] == 442, s
rows = list(csv.DictReader(open(sys.argv[2])))
sizes = [0, 0, 0]
for r in rows:
    sizes[int(r["segment"])] += 1
assert sizes == s["fit"]["segment_sizes"], (sizes, s["fit"]["segment_sizes"])
# tslearn's convention: final_inertia is the mean squared distance of the written assignment.
mean_sq = sum(float(r["distance"]) ** 2 for r in rows) / len(rows)
assert abs(mean_sq - s["fit"]["final_inertia"]) <= 1e-9 * max(1.0, mean_sq), (mean_sq, s["fit"])
assert 0.0 <= s["fit"]["pruned_share"] <= 1.0
PY

echo "== sweep 2..4 with silhouette"
"$bin" segment "$sample" --k-range 2..4 -o "$work/sweep" 2> /dev/null
[ "$(wc -l < "$work/sweep/k_selection.csv")" = 4 ] || fail "k_selection.csv rows"
"$python" - "$work/sweep/summary.json" "$work/sweep/k_selection.csv" <<'PY' || fail "sweep"
import json, sys, csv
s = json.load(open(sys.argv[1]))
rows = list(csv.DictReader(open(sys.argv[2])))
# The default rule (k_selection.h): among k whose smallest segment holds >= 5% of customers (all
# k when none does), the largest k with a silhouette within 10% of the best.
large = [r for r in rows if float(r["min_segment_share"]) >= 0.05] or rows
best = max(float(r["silhouette"]) for r in large)
chosen = max(int(r["k"]) for r in large if float(r["silhouette"]) >= best - 0.1 * abs(best))
assert chosen == s["best_k"] == s["fit"]["k"], (chosen, s["best_k"])
assert s["k_choice"].startswith("k = %d: " % chosen), s["k_choice"]
assert s["silhouette"]["used_matrix"] is True
PY

echo "== sweep 2..4 with --k-tolerance 0 --min-segment-share 0: the best silhouette"
"$bin" segment "$sample" --k-range 2..4 --k-tolerance 0 --min-segment-share 0 -o "$work/sweep0" 2> /dev/null
"$python" - "$work/sweep0/summary.json" "$work/sweep0/k_selection.csv" <<'PY' || fail "sweep with tolerance 0"
import json, sys, csv
s = json.load(open(sys.argv[1]))
rows = list(csv.DictReader(open(sys.argv[2])))
best = max(rows, key=lambda r: (float(r["silhouette"]), int(r["k"])))
assert int(best["k"]) == s["best_k"], (best["k"], s["best_k"])
PY

echo "== sweep 2..4 on a sample of 300 customers: k chosen there, fitted on everyone"
"$bin" segment "$sample" --k-range 2..4 --sweep-sample 300 -o "$work/sweep_sampled" 2> /dev/null
"$python" - "$work/sweep_sampled/summary.json" "$work/sweep_sampled/assignments.csv" \
    "$work/sweep/assignments.csv" <<'PY' || fail "sampled sweep"
import json, sys
s = json.load(open(sys.argv[1]))
assert "swept on a seeded sample of 300 of " in s["k_choice"], s["k_choice"]
assert s["fit"]["k"] == s["best_k"], (s["fit"], s["best_k"])
# Every customer is labelled, as in the exact sweep.
assert sum(1 for _ in open(sys.argv[2])) == sum(1 for _ in open(sys.argv[3]))
PY

echo "== --series: long CSV and .ts"
"$bin" segment --series "$root/tests/data/cluster/tiny_long.csv" -k 2 -o "$work/csv" 2> /dev/null
[ "$(head -1 "$work/csv/centroids.csv")" = "segment,step,L,R" ] || fail "csv centroids header"
"$bin" segment --series "$root/tests/data/cluster/tiny_unequal.ts.gz" -k 2 -o "$work/ts" 2> /dev/null
[ "$(wc -l < "$work/ts/assignments.csv")" = 4 ] || fail "ts assignments"

echo "== similar: nearest trajectories, the query excluded, ascending distance"
first=$(sed -n 2p "$work/one/assignments.csv" | cut -d, -f1)
"$bin" similar "$sample" --customer "$first" -n 5 > "$work/similar.csv" 2> /dev/null
[ "$(wc -l < "$work/similar.csv")" = 6 ] || fail "similar should list 5"
"$python" - "$work/similar.csv" "$first" <<'PY' || fail "similar order"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert all(r["id"] != sys.argv[2] for r in rows)
d = [float(r["distance"]) for r in rows]
assert d == sorted(d), d
PY

echo "== bad options"
set +e
"$bin" segment --series "$root/tests/data/cluster/tiny_long.csv" -k 9 -o "$work/bad" 2> "$work/bad.err"
code=$?
set -e
[ "$code" = 2 ] || fail "k above the series count should exit 2, got $code"
grep -q "exceeds the number of series" "$work/bad.err" || fail "message: $(cat "$work/bad.err")"
# The clustering flags shared with segcast run (RunOptionTable) refuse a bad value naming the flag,
# before any input is read.
set +e
"$bin" segment --series "$root/tests/data/cluster/tiny_long.csv" -k 2 --memory-budget-mib -5 -o "$work/bad" 2> "$work/bad.err"
code=$?
"$bin" segment --series "$root/tests/data/cluster/missing.csv" --k-range 2..3 --k-tolerance 1.5 -o "$work/bad" 2> "$work/tolerance.err"
tolerance_code=$?
set -e
[ "$code" = 2 ] || fail "--memory-budget-mib -5 should exit 2, got $code"
grep -q "field '--memory-budget-mib': out of range: '-5.0'" "$work/bad.err" || fail "message: $(cat "$work/bad.err")"
[ "$tolerance_code" = 2 ] || fail "--k-tolerance 1.5 should exit 2 before reading the input, got $tolerance_code"
echo "segment_cli: all checks passed"
