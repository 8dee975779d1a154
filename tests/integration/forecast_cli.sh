#!/usr/bin/env bash
# segcast forecast / backtest end to end: a long series CSV in, forecast.csv / forecast.json /
# parameters.json out with the documented columns; backtest prints its table; --json is valid.
set -euo pipefail
bin=${SEGCAST_BIN:?}
python=${SEGCAST_PYTHON:-/usr/bin/python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Two series, 48 months: a seasonal one with a trend, and a short one (12 months, no seasonality).
"$python" - "$work/series.csv" <<'PY'
import math, sys
with open(sys.argv[1], "w") as out:
    out.write("series_id,month,value\n")
    for m in range(48):
        out.write("shop,%04d-%02d,%.3f\n" % (2018 + m // 12, m % 12 + 1, 100 + 2 * m + 15 * math.sin(2 * math.pi * m / 12)))
    for m in range(12):
        out.write("new,%04d-%02d,%.3f\n" % (2021, m + 1, 10 + m))
PY
"$bin" forecast --series "$work/series.csv" --horizon 6 -o "$work/out" 2> "$work/stderr"
grep -q "forecast: 2 series, horizon 6 months, 80% intervals" "$work/stderr"
head -1 "$work/out/forecast.csv" | grep -qx "series,month,yhat,yhat_lower,yhat_upper,trend,seasonal,is_history,actual"
# 48 + 6 rows for shop, 12 + 6 for new, plus the header.
test "$(wc -l < "$work/out/forecast.csv")" -eq 73
"$python" - "$work/out" <<'PY'
import csv, json, math, sys
out = sys.argv[1]
rows = list(csv.DictReader(open(out + "/forecast.csv")))
future = [r for r in rows if r["series"] == "shop" and r["is_history"] == "0"]
assert [r["month"] for r in future] == ["2022-01", "2022-02", "2022-03", "2022-04", "2022-05", "2022-06"], future
for r in future:
    truth = 100 + 2 * (48 + int(r["month"][5:]) - 1) + 15 * math.sin(2 * math.pi * (int(r["month"][5:]) - 1) / 12)
    assert abs(float(r["yhat"]) - truth) < 0.08 * truth, (r, truth)
    assert float(r["yhat_lower"]) <= float(r["yhat"]) <= float(r["yhat_upper"])
    assert r["actual"] == ""
doc = json.load(open(out + "/forecast.json"))
assert doc["horizon"] == 6 and len(doc["series"]) == 2
params = json.load(open(out + "/parameters.json"))
assert params["shop"]["fourier_order"] == 6 and params["new"]["fourier_order"] == 0
PY
# Same output for a given seed whatever the thread count.
"$bin" forecast --series "$work/series.csv" --horizon 6 --threads 1 -o "$work/one" 2>/dev/null
cmp "$work/out/forecast.csv" "$work/one/forecast.csv"
# Backtest table and JSON.
"$bin" backtest --series "$work/series.csv" --origins 2 --backtest-horizon 6 --step 6 --min-history 24 \
  > "$work/table.txt" 2>/dev/null
grep -q "^seasonal_naive" "$work/table.txt"
grep -q "series used 1, skipped 1" "$work/table.txt"
"$bin" backtest --series "$work/series.csv" --origins 2 --min-history 24 --json 2>/dev/null \
  | "$python" -c 'import json,sys; d=json.load(sys.stdin); assert [r["method"] for r in d["rows"]]==["model","naive","seasonal_naive","drift"]; assert [o["months_before_end"] for o in d["by_origin"]]==[12,6]'
# Per-origin table: oldest origin first, and each method's points add up to the pooled row's.
"$bin" backtest --series "$work/series.csv" --origins 2 --backtest-horizon 6 --step 6 --min-history 24 \
  -o "$work/backtest" > /dev/null 2>&1
"$python" - "$work/backtest" <<'PY'
import csv, sys
pooled = {r["method"]: int(r["points"]) for r in csv.DictReader(open(sys.argv[1] + "/backtest.csv"))}
rows = list(csv.DictReader(open(sys.argv[1] + "/backtest_by_origin.csv")))
assert [r["months_before_end"] for r in rows] == ["12"] * 4 + ["6"] * 4, rows
for method, points in pooled.items():
    assert sum(int(r["points"]) for r in rows if r["method"] == method) == points, method
PY
# --calibrate: the scale printed, applied with --interval-scale, gives the coverage it reported.
# A noisy series, so that intervals have width and some actuals fall outside them.
"$python" - "$work/noisy.csv" <<'PY'
import math, random, sys
noise = random.Random(7)
with open(sys.argv[1], "w") as out:
    out.write("series_id,month,value\n")
    for m in range(48):
        out.write("noisy,%04d-%02d,%.3f\n" % (2018 + m // 12, m % 12 + 1, 100 + m + 15 * math.sin(2 * math.pi * m / 12) + noise.gauss(0, 6)))
PY
"$bin" backtest --series "$work/noisy.csv" --origins 8 --step 2 --backtest-horizon 6 --min-history 24 \
  --calibrate --json 2>/dev/null > "$work/calibrate.json"
scale=$("$python" -c 'import json,sys; print(json.load(open(sys.argv[1]))["interval_calibration"]["scale"])' "$work/calibrate.json")
"$bin" backtest --series "$work/noisy.csv" --origins 8 --step 2 --backtest-horizon 6 --min-history 24 \
  --interval-scale "$scale" --json 2>/dev/null > "$work/scaled.json"
"$python" - "$work/calibrate.json" "$work/scaled.json" <<'PY'
import json, sys
calibrated, scaled = (json.load(open(path)) for path in sys.argv[1:3])
c = calibrated["interval_calibration"]
assert c["points"] == 48 and c["interval"] == 0.8, c
assert c["coverage_after"] >= 0.8 and len(c["by_months_ahead"]) == 6, c
assert sum(h["points"] for h in c["by_months_ahead"]) == 48, c
model = scaled["rows"][0]
assert model["method"] == "model" and model["points"] == 48, model
assert round(model["coverage"] * 48) == round(c["coverage_after"] * 48), (model, c)
PY
# --interval-scale 2 doubles every future bound's distance from the forecast.
"$bin" forecast --series "$work/noisy.csv" --horizon 6 -o "$work/narrow" 2>/dev/null
"$bin" forecast --series "$work/noisy.csv" --horizon 6 --interval-scale 2 -o "$work/wide" 2>/dev/null
"$python" - "$work/narrow/forecast.csv" "$work/wide/forecast.csv" <<'PY'
import csv, sys
base, wide = ([r for r in csv.DictReader(open(p)) if r["series"] == "noisy" and r["is_history"] == "0"] for p in sys.argv[1:3])
assert len(base) == len(wide) == 6, (base, wide)
for b, w in zip(base, wide):
    assert b["yhat"] == w["yhat"], (b, w)
    for bound in ("yhat_lower", "yhat_upper"):
        ratio = (float(w[bound]) - float(w["yhat"])) / (float(b[bound]) - float(b["yhat"]))
        assert abs(ratio - 2) < 1e-3, (bound, b, w)
PY
# Too few backtest points to calibrate on: an input error naming the file.
set +e
"$bin" backtest --series "$work/noisy.csv" --origins 2 --min-history 24 --calibrate > /dev/null 2> "$work/few.err"
code=$?
set -e
test "$code" -eq 3
grep -q "too few backtest forecasts to calibrate the intervals on (12 model points" "$work/few.err"
grep -q "noisy.csv" "$work/few.err"
# No series long enough: a clear input error (exit code 3) instead of a table of NaNs.
set +e
"$bin" backtest --series "$work/series.csv" --min-history 200 > /dev/null 2> "$work/short.err"
code=$?
set -e
test "$code" -eq 3
grep -q "no series is long enough for the backtest" "$work/short.err"
grep -q "a series of at least 206 months (--min-history 200 + --backtest-horizon 6)" "$work/short.err"
# Bad option: documented exit code 2.
set +e
"$bin" forecast --series "$work/series.csv" --interval 1.5 -o "$work/bad" 2>/dev/null
code=$?
set -e
test "$code" -eq 2
# A transaction log ending on 2011-12-09: December is reported, not fitted; per-segment series
# come from an assignments file.
sample=${SEGCAST_SOURCE_DIR:-$(dirname "$0")/../..}/data/online_retail_sample.csv.gz
if [ -f "$sample" ]; then
  "$bin" forecast "$sample" -o "$work/log" --json > "$work/log.json" 2> "$work/log.err"
  grep -q "2011-12 is cut short by the as-of date (9 of 31 days)" "$work/log.err"
  "$python" - "$work/log.json" "$work/log/forecast.csv" <<'PY'
import csv, json, sys
summary = json.load(open(sys.argv[1]))
partial = summary["series"][0]["partial_month"]
assert partial["month"] == "2011-12" and partial["days_observed"] == 9 and partial["actual_to_date"] > 0
rows = [r for r in csv.DictReader(open(sys.argv[2]))]
history = [r["month"] for r in rows if r["is_history"] == "1"]
assert history[-1] == "2011-11", history[-1]
assert [r["month"] for r in rows if r["is_history"] == "0"][0] == "2011-12"
PY
  # Two segments (alternate customers in id order), in the assignments format of segcast segment.
  "$python" - "$work/log.json" "$work/assign.csv" "$sample" <<'PY'
import csv, gzip, sys
ids = set()
with gzip.open(sys.argv[3], "rt", encoding="utf-8", errors="replace") as f:
    for row in csv.DictReader(f):
        cid = row.get("Customer ID") or row.get("CustomerID") or ""
        if cid:
            ids.add(cid.split(".")[0])
with open(sys.argv[2], "w") as out:
    out.write("id,segment,distance\n")
    for index, cid in enumerate(sorted(ids)):
        out.write("%s,%d,0\n" % (cid, index % 2))
PY
  "$bin" forecast "$sample" --assignments "$work/assign.csv" -o "$work/seg" 2> "$work/seg.err"
  test "$(cut -d, -f1 "$work/seg/forecast.csv" | sort -u | tr '\n' ' ')" = "segment_0 segment_1 series total "
  "$python" - "$work/seg/forecast.csv" <<'PY'
import csv, sys, collections
actual = collections.defaultdict(float)
for r in csv.DictReader(open(sys.argv[1])):
    if r["is_history"] == "1":
        actual[(r["series"], r["month"])] += float(r["actual"])
for (series, month), value in actual.items():
    if series == "total":
        parts = actual[("segment_0", month)] + actual[("segment_1", month)]
        assert abs(parts - value) <= 1e-6 * max(1.0, abs(value)), (month, parts, value)
PY
fi
echo "forecast_cli: ok"
