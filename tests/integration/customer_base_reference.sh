#!/usr/bin/env bash
# Differential test: the customer-base model's maximum likelihood (customer_base.json of
# `segcast run`) against the independent scipy reference (scripts/reference/
# customer_base_reference.py) on the shared Online Retail log and the KPMG transactions.
# Where the likelihood has an interior maximum, parameters agree within 1e-4 relative; where its
# supremum lies at a limit of the parameter space (the reference names it), the log-likelihood
# agrees within 1e-5 relative and the ratios that stay finite within 1e-2 (the likelihood is
# nearly flat along such a ridge: a 0.5% change of a ratio moves it by less than 1e-6).
# Skipped (exit 77) without ../shared/data or without scipy for /usr/bin/python3.
set -euo pipefail
bin=${SEGCAST_BIN:?SEGCAST_BIN must point to the segcast binary}
root=${SEGCAST_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
data=${SEGCAST_SHARED_DATA:-$root/../shared/data}
python=${SEGCAST_PYTHON:-/usr/bin/python3}
if [ ! -f "$data/online_retail.csv.gz" ] || [ ! -f "$data/kpmg_transactions.csv.gz" ]; then
  echo "skipped: shared data not found in '$data' (the differential test needs ../shared/data)"
  exit 77
fi
if ! "$python" -c "import scipy, pandas" 2>/dev/null; then
  echo "skipped: $python has no scipy or pandas (install python3-scipy python3-pandas)"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$python" "$root/scripts/reference/make_customer_base_input.py" --format online_retail \
  "$data/online_retail.csv.gz" -o "$work/online_retail.csv"
"$python" "$root/scripts/reference/make_customer_base_input.py" --format kpmg \
  "$data/kpmg_transactions.csv.gz" -o "$work/kpmg.csv"

check() {  # name, log, reference input, as-of
  local name=$1 log=$2 input=$3 as_of=$4
  echo "== $name as of $as_of"
  "$bin" run "$log" --as-of "$as_of" -o "$work/$name" --db none --no-backtest -q > /dev/null
  "$python" "$root/scripts/reference/customer_base_reference.py" "$input" --as-of "$as_of" \
    > "$work/$name.reference.json" 2> /dev/null
  "$python" - "$work/$name/latest/customer_base.json" "$work/$name.reference.json" <<'PY'
import json, sys
ours, ref = (json.load(open(p)) for p in sys.argv[1:3])

def relative(a, b):
    return abs(a - b) / max(abs(b), 1e-300)

for model, names in (("bgnbd", ("r", "alpha", "a", "b")), ("gamma_gamma", ("p", "q", "gamma"))):
    values = {name: ours[model]["parameters"][name]["value"] for name in names}
    expected = ref[model]
    assert ours[model]["customers"] > 0
    gap = relative(ours[model]["log_likelihood"], expected["log_likelihood"])
    if "limit" not in expected:
        for name in names:
            assert relative(values[name], expected[name]) < 1e-4, \
                f"{model}.{name}: segcast {values[name]} vs reference {expected[name]}"
        print(f"{model}: parameters within 1e-4 of the reference ({values})")
    else:
        assert gap < 1e-5, f"{model} log-likelihood {ours[model]['log_likelihood']} vs supremum {expected['log_likelihood']}"
        ratios = {"r_over_alpha": values.get("r", 0) / values.get("alpha", 1),
                  "a_over_a_plus_b": values.get("a", 0) / (values.get("a", 0) + values.get("b", 1)),
                  "q_over_gamma": values.get("q", 0) / values.get("gamma", 1)}
        for key, value in ratios.items():
            if expected.get(key) is not None:
                assert relative(value, expected[key]) < 1e-2, f"{model}.{key}: {value} vs {expected[key]}"
        print(f"{model}: at the limit '{expected['limit']}', log-likelihood within {gap:.1e}")
    # Never above the supremum (beyond rounding): the reference is the maximum.
    assert ours[model]["log_likelihood"] <= expected["log_likelihood"] + 1e-6 * abs(expected["log_likelihood"])
PY
}
check online_retail_full "$data/online_retail.csv.gz" "$work/online_retail.csv" 2011-12-10
check online_retail_july "$data/online_retail.csv.gz" "$work/online_retail.csv" 2011-07-01
check kpmg_july "$data/kpmg_transactions.csv.gz" "$work/kpmg.csv" 2017-07-01
check kpmg_full "$data/kpmg_transactions.csv.gz" "$work/kpmg.csv" 2017-12-31
echo "customer-base fits agree with the reference"
