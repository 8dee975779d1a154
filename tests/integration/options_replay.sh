#!/usr/bin/env bash
# A run repeated from its manifest: `segcast run --config OUT/runs/ID/manifest.json` in another
# folder gives the same outputs, file by file (tests/support/compare_outputs.py: only timings may
# differ). The first run takes options from a TOML file and from flags, off their defaults in
# every stage, so the manifest must carry all of them for the replay to match.
set -euo pipefail
bin=${SEGCAST_BIN:?SEGCAST_BIN must point to the segcast binary}
root=${SEGCAST_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
python=${SEGCAST_PYTHON:-/usr/bin/python3}
sample=$root/data/online_retail_sample.csv.gz
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/first" "$work/replay"

cat > "$work/first/run.toml" <<'TOML'
[input]
window = 10
[cluster]
k_range = "2..4"
band = 3
scaling = "series-minmax"
[forecast]
horizon = 4
interval = 0.9
samples = 300
[customer_base]
holdout_months = 2
clv_months = 6
monthly_discount = 0.02
[run]
seed = 11
TOML
(cd "$work/first" && "$bin" run "$sample" -c run.toml -o out --max-iter 20 --min-segment-share 0.1 -q > /dev/null)
manifest=$(ls "$work"/first/out/runs/*/manifest.json)
(cd "$work/replay" && "$bin" run --config "$manifest" -q > /dev/null)
"$python" "$root/tests/support/compare_outputs.py" "$work/first/out" "$work/replay/out"

# The options really were off their defaults (the replay did not match by falling back to them).
"$python" - "$manifest" <<'PY'
import json, sys
options = json.load(open(sys.argv[1]))["options"]
assert options["cluster"]["band"] == 3 and options["cluster"]["max_iter"] == 20, options["cluster"]
assert options["forecast"]["horizon"] == 4 and options["run"]["seed"] == 11, options
assert options["customer_base"]["clv_months"] == 6 and options["input"]["window"] == 10, options
PY

# `segcast options` writes a config that LoadRunConfig reads back to the defaults.
"$bin" options > "$work/defaults.toml"
(cd "$work" && "$bin" run "$sample" -c defaults.toml -o defaults_out -k 2 --no-backtest -q > /dev/null)
"$python" - "$work/defaults_out" <<'PY'
import glob, json, sys
options = json.load(open(glob.glob(sys.argv[1] + "/runs/*/manifest.json")[0]))["options"]
assert options["cluster"]["k_range"] == "2..8" and options["forecast"]["samples"] == 1000, options
PY
echo "options replay: a run repeated from its manifest gives the same outputs"
