#!/usr/bin/env bash
# Installs what is needed, builds, and runs segcast's main job on the bundled Online Retail sample:
# cleaning, LRFM panel, DTW segments with k chosen by silhouette, personas, 6-month forecasts,
# SQLite store and saved model, all in ./segcast-out (override with the first argument).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/segcast-out}
bash "$root/scripts/setup.sh"
bash "$root/scripts/build.sh"
"${SEGCAST_BUILD_DIR:-$root/build}/segcast" run -o "$out"
echo
echo "demo: the report is $out/latest/report.md; every table is a CSV or JSON file beside it."
