#!/usr/bin/env bash
# Forecast benchmarks: per-series time of fit + forecast + intervals (tourism's 366 series and
# 1,000 synthetic ones, one thread; wall time with all threads), accuracy on the tourism set
# (h = 24 from each training part) and the effect of each modelling decision, measured both on the
# last 24 months of every training part ("validation", used to choose) and on the test parts.
#
#   scripts/bench/forecast.sh [OUT_DIR]     (default build/bench-forecast)
# Env: SEGCAST_BUILD_DIR (default build), FORECAST_BENCH (a prebuilt forecast_bench binary),
#      TOURISM (default ../shared/data/tourism_monthly.csv.gz), REPEATS (default 5).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${SEGCAST_BUILD_DIR:-$root/build}
out=${1:-$build/bench-forecast}
tourism=${TOURISM:-$root/../shared/data/tourism_monthly.csv.gz}
repeats=${REPEATS:-5}
bench=${FORECAST_BENCH:-}
if [ -z "$bench" ]; then
  cmake --build "$build" --target forecast_bench >/dev/null
  bench=$build/forecast_bench
fi
mkdir -p "$out"
threads=$(nproc)

if [ "${ABLATION_ONLY:-0}" != 1 ]; then
  echo "== timing and accuracy, defaults, 1 thread per series ($repeats repeats, min per series)" >&2
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" > "$out/load.txt"
  "$bench" tourism="$tourism" synthetic=1000 threads=1 repeats="$repeats" > "$out/defaults_1thread.json"
  "$bench" tourism="$tourism" synthetic=1000 threads="$threads" repeats=1 > "$out/defaults_${threads}threads.json"
  "$bench" tourism="$tourism" synthetic=0 threads=1 repeats="$repeats" preset=prophet > "$out/prophet_preset.json"
  echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/load.txt"
fi

# Cumulative decisions, from Prophet's defaults to segcast's.
steps=(
  "prophet|preset=prophet"
  "+ calibrated intervals|preset=prophet calibrated=1"
  "+ order 6 on month phases|preset=prophet calibrated=1 order=6 day_phase=0"
  "+ one changepoint per year|preset=prophet calibrated=1 order=6 day_phase=0 changepoints=-1"
  "+ damped trend (0.95)|preset=prophet calibrated=1 order=6 day_phase=0 changepoints=-1 damping=0.95"
  "+ no negative forecasts|preset=prophet calibrated=1 order=6 day_phase=0 changepoints=-1 damping=0.95 nonnegative=1"
  "+ recency weights, half-life 18|preset=prophet calibrated=1 order=6 day_phase=0 changepoints=-1 damping=0.95 nonnegative=1 half_life=18"
  "+ log variant only (hl 18)|preset=prophet calibrated=1 order=6 day_phase=0 changepoints=-1 damping=0.95 nonnegative=1 half_life=18 transform=log"
  "validation choice of 6 variants|selection=validation"
  "mean of 6 variants (session-2 defaults)|selection=average combination=mean"
  "median of 6 variants (session-3 defaults)|selection=average combination=median"
  "leave-one-out best half of 6 (session-4 defaults)|selection=average"
)
alternatives=(
  "defaults, half-lives 12,24,48|half_lives=12,24,48"
  "defaults, half-lives 6,12,24|half_lives=6,12,24"
  "defaults, damping 0.9|damping=0.9"
  "defaults, damping 1|damping=1"
  "defaults, order 4|order=4"
  "defaults, changepoint prior 0.5|prior=0.5"
)
{
  echo "| step | validation sMAPE | validation MASE | validation coverage | test sMAPE | test MASE | test coverage | negative |"
  echo "|---|---|---|---|---|---|---|---|"
  for entry in "${steps[@]}" "${alternatives[@]}"; do
    name=${entry%%|*}
    args=${entry#*|}
    # shellcheck disable=SC2086
    v=$("$bench" tourism="$tourism" synthetic=0 repeats=0 threads="$threads" stage=validation $args)
    # shellcheck disable=SC2086
    t=$("$bench" tourism="$tourism" synthetic=0 repeats=0 threads="$threads" stage=test $args)
    /usr/bin/python3 - "$name" "$v" "$t" <<'PY'
import json, sys
name, v, t = sys.argv[1], json.loads(sys.argv[2])["tourism"], json.loads(sys.argv[3])["tourism"]
print("| %s | %.2f | %.3f | %.1f%% | %.2f | %.3f | %.1f%% | %d |" % (
    name, v["model"]["smape"], v["model"]["mase"], 100 * v["model"]["coverage"],
    t["model"]["smape"], t["model"]["mase"], 100 * t["model"]["coverage"], t["negative_forecasts"]))
PY
    echo "ran: $name" >&2
  done
  echo
  echo "seasonal naive: validation sMAPE $(echo "$v" | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin)["tourism"]["seasonal_naive"]; print("%.2f MASE %.3f" % (d["smape"], d["mase"]))'), test sMAPE $(echo "$t" | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin)["tourism"]["seasonal_naive"]; print("%.2f MASE %.3f" % (d["smape"], d["mase"]))')"
} > "$out/ablation.md"
cat "$out/ablation.md"

# Since session 4 every row has the defaults' interval calibration (damping spread and the horizon
# multiplier) unless its args switch it off (damping_spread=0 iscale_h1=1 iscale_slope=0).
# Session 3's choice: four validation folds inside the training parts only (fit on the training
# part minus `cut` months, score the next 24), mean sMAPE over the folds; no test figures.
folds=(
  "mean of 6|combination=mean"
  "median of 6 (session 3)|combination=median"
  "leave-one-out best half (session-4 defaults)|combination=loo"
  "leave-one-out best half + Huber (1 round)|combination=loo robust=1"
  "median + Huber (1 round)|combination=median robust=1"
  "median, season from half-life 36|combination=median seasonal_half_life=36"
  "best half by validation|combination=besthalf"
  "median, half-lives 6,12,24|combination=median half_lives=6,12,24"
  "median, half-lives 12,24,48|combination=median half_lives=12,24,48"
  "median, damping 0.9|combination=median damping=0.9"
  "median, damping 0.8|combination=median damping=0.8"
  "best half, damping 0.8|combination=besthalf damping=0.8"
)
{
  echo "| candidate | mean validation sMAPE | mean coverage | cut 24 | cut 36 | cut 48 | cut 60 |"
  echo "|---|---|---|---|---|---|---|"
  for entry in "${folds[@]}"; do
    name=${entry%%|*}
    args=${entry#*|}
    results=()
    for cut in 24 36 48 60; do
      # shellcheck disable=SC2086
      results+=("$("$bench" tourism="$tourism" synthetic=0 repeats=0 threads="$threads" stage=validation cut=$cut $args)")
    done
    /usr/bin/python3 - "$name" "${results[@]}" <<'PY'
import json, sys
name, folds = sys.argv[1], [json.loads(text)["tourism"]["model"] for text in sys.argv[2:]]
mean = lambda key: sum(f[key] for f in folds) / len(folds)
print("| %s | %.2f | %.1f%% | %s |" % (name, mean("smape"), 100 * mean("coverage"),
      " | ".join("%.2f / %.1f%%" % (f["smape"], 100 * f["coverage"]) for f in folds)))
PY
    echo "ran fold set: $name" >&2
  done
} > "$out/folds.md"
cat "$out/folds.md"
echo "figures in $out" >&2
