#!/usr/bin/env bash
# Differential test: segcast's ingest accounting, rfm.csv and lrfm.csv against the independent
# pandas reference (scripts/reference/lrfm_reference.py) on the shared Online Retail log and the
# KPMG transactions, with default options and with --as-of/--window/--pre-acquisition zero.
# Skipped (exit 77) without ../shared/data or without pandas for /usr/bin/python3.
set -euo pipefail
bin=${SEGCAST_BIN:?SEGCAST_BIN must point to the segcast binary}
root=${SEGCAST_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
data=${SEGCAST_SHARED_DATA:-$root/../shared/data}
python=${SEGCAST_PYTHON:-/usr/bin/python3}
if [ ! -f "$data/online_retail.csv.gz" ] || [ ! -f "$data/kpmg_transactions.csv.gz" ]; then
  echo "skipped: shared data not found in '$data' (the differential test needs ../shared/data)"
  exit 77
fi
if ! "$python" -c "import pandas" 2>/dev/null; then
  echo "skipped: $python has no pandas (install python3-pandas)"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

check() {  # name, input, extra options...
  local name=$1 input=$2
  shift 2
  echo "== $name: $input $*"
  "$bin" panel "$input" -o "$work/$name/ours" --json "$@" > "$work/$name.json" 2>/dev/null
  local as_of=()
  for ((i = 1; i <= $#; i++)); do
    if [ "${!i}" = "--as-of" ]; then j=$((i + 1)); as_of=(--as-of "${!j}"); fi
  done
  "$bin" rfm "$input" -o "$work/$name/ours" "${as_of[@]}" 2>/dev/null
  "$python" "$root/scripts/reference/lrfm_reference.py" "$input" -o "$work/$name/reference" "$@" > /dev/null
  "$python" - "$work/$name.json" "$work/$name/reference/summary.json" <<'PY'
import json, sys
ours, ref = (json.load(open(p)) for p in sys.argv[1:3])
for key in ("rows_read", "rows_accepted", "customers", "as_of", "panel_customers", "panel_months", "first_month"):
    assert ours[key] == ref[key], f"{key}: segcast {ours[key]} vs reference {ref[key]}"
assert ours["rejected"] == ref["rejected"], f"rejected: {ours['rejected']} vs {ref['rejected']}"
assert ours["rows_read"] == ours["rows_accepted"] + sum(ours["rejected"].values())
print(f"accounting identical: {ours['rows_read']} read, {ours['rows_accepted']} accepted, rejected {ours['rejected']}")
PY
  "$python" "$root/scripts/reference/compare_outputs.py" "$work/$name/ours" "$work/$name/reference"
}

check online_retail "$data/online_retail.csv.gz"
check online_retail_window "$data/online_retail.csv.gz" --as-of 2011-11-15 --window 6 --pre-acquisition zero
check kpmg "$data/kpmg_transactions.csv.gz"
check kpmg_window "$data/kpmg_transactions.csv.gz" --as-of 2017-10-01 --window 4

# The expected figures of the issue, independently of the reference.
"$python" - "$work/online_retail.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
expected = dict(rows_read=541909, rows_accepted=392692, customers=4338, panel_months=13, as_of="2011-12-10")
for key, value in expected.items():
    assert s[key] == value, f"{key}: {s[key]} != {value}"
print("online_retail figures as expected:", expected)
PY
echo "reference_diff: all identical"
