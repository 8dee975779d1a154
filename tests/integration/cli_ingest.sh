#!/usr/bin/env bash
# The profile / rfm / panel subcommands on the bundled sample (no ../shared needed): outputs,
# row accounting, --json, --rejects, the Online Retail II header, plain = gzip, 1 = 2 threads,
# the pandas reference, and bad input with its documented exit codes.
set -euo pipefail
bin=${SEGCAST_BIN:?SEGCAST_BIN must point to the segcast binary}
root=${SEGCAST_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
python=${SEGCAST_PYTHON:-/usr/bin/python3}
sample=$root/data/online_retail_sample.csv.gz
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

json_value() { "$python" -c "import json,sys; print(json.load(open(sys.argv[1]))$2)" "$1"; }

echo "== panel and rfm on the sample"
"$bin" panel "$sample" -o "$work/gz" --json --threads 2 > "$work/panel.json" 2> "$work/panel.err"
grep -q "49,886 rows read, 35,148 accepted" "$work/panel.err" || fail "summary: $(cat "$work/panel.err")"
[ "$(json_value "$work/panel.json" "['rows_read']")" = 49886 ] || fail "rows_read"
[ "$(json_value "$work/panel.json" "['rows_accepted']")" = 35148 ] || fail "rows_accepted"
[ "$(json_value "$work/panel.json" "['panel_customers']")" = 442 ] || fail "panel_customers"
[ "$(json_value "$work/panel.json" "['panel_months']")" = 13 ] || fail "panel_months"
[ "$(head -1 "$work/gz/lrfm.csv")" = "customer_id,month,L,R,F,M" ] || fail "lrfm.csv header"
"$bin" rfm "$sample" -o "$work/gz" --rejects "$work/rejects.csv" 2> /dev/null
[ "$(wc -l < "$work/gz/rfm.csv")" = 443 ] || fail "rfm.csv should have 442 customers"
"$python" - "$work/rejects.csv" <<'PY' || fail "rejects file"
import csv, sys, collections
rows = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")))
counts = collections.Counter(r["reason"] for r in rows)
assert len(rows) == 49886 - 35148, len(rows)
assert counts == {"missing_customer": 13508, "cancelled": 742, "zero_price": 4, "duplicate": 484}, counts
assert all(int(a["line"]) < int(b["line"]) for a, b in zip(rows, rows[1:]))
print("rejects file: 14,738 rows in line order,", dict(counts))
PY
"$bin" profile "$sample" 2> "$work/profile.err"
grep -q "United Kingdom" "$work/profile.err" || fail "profile lists countries"

echo "== plain = gzip, 1 thread = 2 threads, Online Retail II header = Online Retail header"
gzip -dc "$sample" > "$work/sample.csv"
"$bin" panel "$work/sample.csv" -o "$work/plain" --threads 1 2> /dev/null
cmp "$work/gz/lrfm.csv" "$work/plain/lrfm.csv" || fail "plain CSV gives another panel"
# An odd thread count: the blocks are parsed and merged by 3 threads.
"$bin" panel "$work/sample.csv" -o "$work/plain3" --threads 3 2> /dev/null
cmp "$work/gz/lrfm.csv" "$work/plain3/lrfm.csv" || fail "3 threads give another panel"
{ echo "Invoice,StockCode,Description,Quantity,InvoiceDate,Price,Customer ID,Country"; tail -n +2 "$work/sample.csv"; } \
  > "$work/sample_ii.csv"
"$bin" panel "$work/sample_ii.csv" -o "$work/ii" --json 2> /dev/null > "$work/ii.json"
[ "$(json_value "$work/ii.json" "['schema']")" = online-retail-ii ] || fail "schema not detected as online-retail-ii"
cmp "$work/gz/lrfm.csv" "$work/ii/lrfm.csv" || fail "online-retail-ii header gives another panel"

if "$python" -c "import pandas" 2> /dev/null; then
  echo "== the pandas reference on the sample"
  "$python" "$root/scripts/reference/lrfm_reference.py" "$sample" -o "$work/reference" > /dev/null
  "$python" "$root/scripts/reference/compare_outputs.py" "$work/gz" "$work/reference"
else
  echo "(pandas not available for $python: reference comparison skipped)"
fi

echo "== bad input and options: message and exit code"
expect() {  # code, message fragment, command...
  local code=$1 fragment=$2
  shift 2
  set +e
  "$@" > /dev/null 2> "$work/err"
  local got=$?
  set -e
  [ "$got" = "$code" ] || fail "$* exited $got, expected $code: $(cat "$work/err")"
  grep -qF -- "$fragment" "$work/err" || fail "$*: message lacks '$fragment': $(cat "$work/err")"
  echo "exit $got: $(head -1 "$work/err")"
}
: > "$work/empty.csv"
printf 'InvoiceNo,StockCode,Quantity,InvoiceDate,UnitPrice,Country\n1,A,1,2011-01-01,1,UK\n' > "$work/nocustomer.csv"
head -c 300000 "$sample" > "$work/truncated.csv.gz"
expect 3 "cannot open" "$bin" profile "$work/missing.csv"
expect 3 "empty file" "$bin" profile "$work/empty.csv"
expect 3 "field 'CustomerID'" "$bin" profile "$work/nocustomer.csv" --schema online-retail
expect 3 "header: InvoiceNo, StockCode, Quantity" "$bin" profile "$work/nocustomer.csv" --schema online-retail
expect 3 "truncated gzip" "$bin" panel "$work/truncated.csv.gz" -o "$work/t"
expect 2 "field 'window'" "$bin" panel "$sample" -o "$work/w" --window -1
expect 2 "--as-of" "$bin" rfm "$sample" -o "$work/w" --as-of 2011-02-30
expect 2 "unknown schema" "$bin" profile "$sample" --schema nope
expect 2 "field 'as_of'" "$bin" panel "$sample" -o "$work/w" --as-of 2001-01-01
echo "cli_ingest: ok"
