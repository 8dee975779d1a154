#!/usr/bin/env bash
# Two `segcast run` at once, repeated: on the same output folder (the folder lock and the default
# SQLite store) and on two output folders sharing one SQLite store (the store's run lock). In every
# round exactly one run succeeds and the other fails at once with exit code 6 (BusyError) and a
# message saying another run is writing (or, if it started after the first had finished, both
# succeed one after the other); the store passes PRAGMA integrity_check and holds exactly the runs
# that succeeded, each with the rows of a complete run.
#   SEGCAST_CONCURRENT_ROUNDS  rounds per scenario (default 20)
#   SEGCAST_CONCURRENT_DB      a store URL to share instead of SQLite (concurrent_postgres.sh)
set -euo pipefail
bin=${SEGCAST_BIN:?SEGCAST_BIN must point to the segcast binary}
root=${SEGCAST_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
python=${SEGCAST_PYTHON:-/usr/bin/python3}
rounds=${SEGCAST_CONCURRENT_ROUNDS:-20}
sample=$root/data/online_retail_sample.csv.gz
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# -k 3: the clustering sweep is not what is tested here, and rounds stay short.
run() { "$bin" run "$sample" --threads 2 -k 3 -q "$@"; }

# Row counts of a complete run, from an undisturbed run on a store of its own.
run -o "$work/reference" --run-id r0 > /dev/null
reference=$("$python" - "$work/reference/segcast.db" "$root" <<'PY'
import json, sys
sys.path.insert(0, sys.argv[2] + "/tests/support")
import store_check
print(json.dumps(store_check.inspect(sys.argv[1])["runs"]["r0"]["counts"], sort_keys=True))
PY
)

# check_store DB EXPECTED_RUN_IDS...: integrity, no orphans, exactly these runs, each complete.
check_store() {
  local db=$1
  shift
  "$python" - "$db" "$root" "$reference" "$@" <<'PY' || fail "store $1 after round $round"
import json, sys
sys.path.insert(0, sys.argv[2] + "/tests/support")
import store_check
report = store_check.inspect(sys.argv[1])
reference = json.loads(sys.argv[3])
expected = sorted(sys.argv[4:])
assert report["integrity"] == ["ok"], report["integrity"]
assert report["foreign_key_violations"] == 0 and report["orphan_rows"] == 0, report
assert sorted(report["runs"]) == expected, (sorted(report["runs"]), expected)
for run_id, summary in report["runs"].items():
    assert summary["counts"] == reference, (run_id, summary["counts"], reference)
PY
}

# round_of TAG OUT_A OUT_B [store flags]: starts two runs at once, checks one outcome; appends the
# id of the run(s) that succeeded to $work/TAG.ids and the outcome to $work/TAG.outcomes.
round_of() {
  local tag=$1 out_a=$2 out_b=$3
  shift 3
  local id="r$round"
  run -o "$out_a" --run-id "$id" "$@" > /dev/null 2> "$work/a.err" & local pid_a=$!
  run -o "$out_b" --run-id "$id" "$@" > /dev/null 2> "$work/b.err" & local pid_b=$!
  local status_a=0 status_b=0
  wait "$pid_a" || status_a=$?
  wait "$pid_b" || status_b=$?
  if [ "$status_a" = 0 ] && [ "$status_b" = 0 ]; then
    echo serialised >> "$work/$tag.outcomes"
  elif [ "$status_a:$status_b" = "0:6" ] || [ "$status_a:$status_b" = "6:0" ]; then
    local loser=$work/b.err
    [ "$status_a" = 6 ] && loser=$work/a.err
    grep -q "another segcast run is writing to" "$loser" ||
      fail "round $round ($tag): the busy run's message is unclear: $(cat "$loser")"
    grep -q "^segcast: error: " "$loser" || fail "round $round ($tag): no error line: $(cat "$loser")"
    echo "busy: $(head -c 300 "$loser")" >> "$work/$tag.outcomes"
  else
    fail "round $round ($tag): exit codes $status_a and $status_b (expected 0 and 6): $(cat "$work/a.err" "$work/b.err")"
  fi
  echo "$id" >> "$work/$tag.ids"
}

report() {
  local tag=$1 what=$2
  local busy serial
  busy=$(grep -c '^busy' "$work/$tag.outcomes" || true)
  serial=$(grep -c '^serialised' "$work/$tag.outcomes" || true)
  echo "$what: $rounds rounds of two runs at once: $busy with one run refused as busy (exit 6), $serial serialised (both succeeded), 0 failures; store consistent after every round"
  grep -m1 '^busy' "$work/$tag.outcomes" | sed 's/^busy: /  e.g. /' || true
}

if [ -n "${SEGCAST_CONCURRENT_DB:-}" ]; then
  : > "$work/db.ids"
  for round in $(seq 1 "$rounds"); do
    round_of db "$work/db_a" "$work/db_b" --db "$SEGCAST_CONCURRENT_DB"
    # The server's view: exactly the runs that succeeded, each with a complete run's rows.
    psql=$(ls /usr/lib/postgresql/*/bin/psql 2> /dev/null | tail -1)
    counts=$("$psql" "$SEGCAST_CONCURRENT_DB" -Atq -c "
      SELECT string_agg(r.run_id || ':' || (SELECT count(*) FROM customers c WHERE c.run_id = r.run_id)
             || ',' || (SELECT count(*) FROM assignments a WHERE a.run_id = r.run_id)
             || ',' || (SELECT count(*) FROM segments s WHERE s.run_id = r.run_id)
             || ',' || (SELECT count(*) FROM centroids t WHERE t.run_id = r.run_id)
             || ',' || (SELECT count(*) FROM forecasts f WHERE f.run_id = r.run_id), ' ' ORDER BY r.run_id COLLATE \"C\")
      FROM runs r")
    expected=$("$python" -c "
import json, sys
c = json.loads(sys.argv[1])
row = ','.join(str(c[t]) for t in ['customers', 'assignments', 'segments', 'centroids', 'forecasts'])
print(' '.join(i + ':' + row for i in sorted(sys.argv[2:])))" "$reference" $(sort -u "$work/db.ids"))
    [ "$counts" = "$expected" ] || fail "PostgreSQL rows after round $round: '$counts', expected '$expected'"
  done
  report db "shared store $(echo "$SEGCAST_CONCURRENT_DB" | sed 's#//[^@]*@#//***@#')"
  exit 0
fi

echo "== same output folder (folder lock, default SQLite store)"
for round in $(seq 1 "$rounds"); do
  round_of folder "$work/same" "$work/same"
  # shellcheck disable=SC2046
  check_store "$work/same/segcast.db" $(sort -u "$work/folder.ids")
  [ -f "$work/same/latest/manifest.json" ] || fail "latest does not resolve after round $round"
  for id in $(sort -u "$work/folder.ids"); do
    cmp -s "$work/same/runs/$id/assignments.csv" "$work/reference/runs/r0/assignments.csv" ||
      fail "runs/$id/assignments.csv differs from an undisturbed run"
  done
done
report folder "same output folder"

echo "== two output folders, one SQLite store (store run lock)"
for round in $(seq 1 "$rounds"); do
  round_of store "$work/one" "$work/two" --db "sqlite:$work/shared.db"
  # shellcheck disable=SC2046
  check_store "$work/shared.db" $(sort -u "$work/store.ids")
done
report store "one SQLite store, two output folders"
