#!/usr/bin/env bash
# What `segcast run` and the folder-writing commands must refuse or clean up (docs/errors.md,
# docs/store.md), each checked on the exit code, the message and the files left behind:
#   - an input inside the run folder a re-run replaces, a series or log named like an output file
#     of its -o folder: exit 2, the input unchanged;
#   - OUT/latest that segcast did not make (a folder, a file): exit 2 before any work, left as it
#     was, no .tmp-link-* and no store created; --run-id latest: exit 2;
#   - a store of zero bytes beside earlier runs, a store failing PRAGMA quick_check: exit 5 with
#     the recovery in the message, the file not written; raw bytes of a store never reach stderr;
#   - a run failing after its outputs were staged: no .staging-* folder left;
#   - a full disk (a small tmpfs in a private mount namespace, when this machine allows one):
#     exit 7, the staging folder removed, nothing of the run in the store.
set -euo pipefail
bin=${SEGCAST_BIN:?SEGCAST_BIN must point to the segcast binary}
root=${SEGCAST_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
python=${SEGCAST_PYTHON:-/usr/bin/python3}
sample=$root/data/online_retail_sample.csv.gz
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

run() { "$bin" run "$sample" --threads 2 -k 3 --no-backtest -q "$@"; }

# expect CODE TEXT COMMAND...: the command exits with CODE and stderr contains TEXT.
expect() {
  local code=$1 text=$2
  shift 2
  local status=0
  "$@" > "$work/stdout" 2> "$work/stderr" || status=$?
  [[ $status == "$code" ]] || fail "$* exited $status, expected $code: $(tail -c 400 "$work/stderr")"
  grep -qF -- "$text" "$work/stderr" || fail "$* stderr lacks '$text': $(tail -c 400 "$work/stderr")"
  echo "ok: exit $code, '$text'"
}
digest() { sha256sum "$1" | cut -d' ' -f1; }

run -o "$work/out" --run-id r1 > /dev/null
[[ -f $work/out/runs/r1/manifest.json && -f $work/out/segcast.db ]] || fail "the first run wrote no run"

# --- outputs over inputs ---
cp "$sample" "$work/out/runs/r1/input.csv.gz"
expect 2 "would replace a folder holding the input" \
  "$bin" run "$work/out/runs/r1/input.csv.gz" -o "$work/out" --run-id r1 -k 3 -q
cmp -s "$sample" "$work/out/runs/r1/input.csv.gz" || fail "the input inside the run folder changed"
mkdir "$work/series"
printf 'series_id,month,value\ns,2011-01,1\ns,2011-02,2\ns,2011-03,3\n' > "$work/series/forecast.csv"
before=$(digest "$work/series/forecast.csv")
expect 2 "forecast.csv is the input" "$bin" forecast --series "$work/series/forecast.csv" -o "$work/series"
[[ $(digest "$work/series/forecast.csv") == "$before" ]] || fail "forecast wrote over its series"
mkdir "$work/panel"
cp "$sample" "$work/panel/lrfm.csv"
expect 2 "lrfm.csv is the input" "$bin" panel "$work/panel/lrfm.csv" -o "$work/panel"
cmp -s "$sample" "$work/panel/lrfm.csv" || fail "panel wrote over its input"

# --- names the output folder uses ---
mkdir -p "$work/dir_latest/latest/mine"
expect 2 "is a folder that segcast did not make" run -o "$work/dir_latest"
[[ -d $work/dir_latest/latest/mine ]] || fail "the user's latest folder changed"
[[ ! -e $work/dir_latest/segcast.db ]] || fail "the refused run created a store"
! ls -a "$work/dir_latest" | grep -q '^\.tmp-link-' || fail ".tmp-link-* left behind"
mkdir -p "$work/file_latest"
echo "my notes" > "$work/file_latest/latest"
expect 2 "is a file that segcast did not make" run -o "$work/file_latest"
[[ $(cat "$work/file_latest/latest") == "my notes" ]] || fail "the user's latest file was replaced"
expect 2 "run id 'latest' is reserved" run -o "$work/reserved" --run-id latest
# segcast's own link is no obstacle: a second run moves it.
run -o "$work/out" --run-id r2 > /dev/null
[[ $(readlink "$work/out/latest") == runs/r2 ]] || fail "latest does not point at runs/r2"

# --- damaged stores ---
cp -a "$work/out" "$work/emptied"
: > "$work/emptied/segcast.db"
expect 5 "the store file is empty (0 bytes) while $work/emptied/runs holds 2 earlier runs" \
  run -o "$work/emptied" --run-id r3
grep -qF "mv $work/emptied/segcast.db" "$work/stderr" || fail "no recovery in the message"
[[ ! -s $work/emptied/segcast.db && ! -e $work/emptied/runs/r3 ]] || fail "the emptied store was written"

cp -a "$work/out" "$work/corrupt"
"$python" - "$work/corrupt/segcast.db" <<'PY'
import os, sys
# Garbage over the middle half of the file: b-tree pages that quick_check reads.
path = sys.argv[1]
size = os.path.getsize(path)
with open(path, "r+b") as handle:
    handle.seek(size // 4 // 4096 * 4096)
    handle.write(bytes((index * 37 + 11) % 256 for index in range(size // 2)))
PY
before=$(digest "$work/corrupt/segcast.db")
expect 5 "the SQLite store is damaged" run -o "$work/corrupt" --run-id r3
grep -qF "mv $work/corrupt/segcast.db $work/corrupt/segcast.db.damaged" "$work/stderr" ||
  fail "the message does not say how to recover"
[[ $(digest "$work/corrupt/segcast.db") == "$before" && ! -e $work/corrupt/runs/r3 ]] ||
  fail "the damaged store was written into"
! grep -qP '[\x00-\x08\x0b-\x1f\x7f]' "$work/stderr" || fail "control bytes on stderr"

# A subtler damage: the header's freelist count disagrees with the freelist (the pages read).
cp -a "$work/out" "$work/freelist"
"$python" -c 'import sys; h = open(sys.argv[1], "r+b"); h.seek(36); h.write((7).to_bytes(4, "big"))' \
  "$work/freelist/segcast.db"
expect 5 "PRAGMA quick_check reports 1 problem, the first: *** in database main *** Main freelist" \
  run -o "$work/freelist" --run-id r3
[[ ! -e $work/freelist/runs/r3 ]] || fail "a run was published beside the damaged store"

mkdir "$work/raw"
"$python" - "$work/raw/segcast.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("CREATE TABLE segcast_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
db.execute("INSERT INTO segcast_meta VALUES ('schema_version', ?)", ("9\x1b[2J\x07",))
db.commit()
PY
expect 5 "schema version 9\\x1B[2J\\x07, newer" run -o "$work/raw"
! grep -qP '[\x00-\x08\x0b-\x1f\x7f]' "$work/stderr" || fail "raw store bytes on stderr"

# --- a run failing after staging leaves no staging folder ---
echo "not a folder" > "$work/models_file"
status=0
run -o "$work/staged" --run-id r1 --models "$work/models_file" > /dev/null 2>&1 || status=$?
[[ $status != 0 ]] || fail "a run with a file as its models folder succeeded"
! ls -a "$work/staged/runs" | grep -q '^\.staging-' || fail "staging folder left: $(ls -a "$work/staged/runs")"
echo "ok: no staging folder after a failed run (exit $status)"

# --- a full disk (tmpfs in a private mount namespace) ---
if unshare -m true 2> /dev/null && [[ $(id -u) == 0 ]]; then
  mkdir -p "$work/full" "$work/store_full"
  cp "$work/out/segcast.db" "$work/store_full/segcast.db"
  status=0
  unshare -m bash -c '
    set -e
    mount --make-rprivate / 2> /dev/null || true
    mount -t tmpfs -o size=160k tmpfs "$1"
    set +e
    "$2" run "$3" --threads 2 -k 3 --no-backtest -q -o "$1" --run-id r9 --db "sqlite:$4" \
      > /dev/null 2> "$5/stderr"
    echo $? > "$5/status"
    ls -a "$1/runs" "$1/models" > "$5/left" 2>&1 || true
  ' _ "$work/full" "$bin" "$sample" "$work/store_full/segcast.db" "$work" || status=$?
  if [[ $status == 0 && -s $work/status ]]; then
    [[ $(cat "$work/status") == 7 ]] || fail "full disk: exit $(cat "$work/status"): $(tail -c 400 "$work/stderr")"
    grep -qF "No space left on device" "$work/stderr" || fail "full disk: $(cat "$work/stderr")"
    grep -qF "free disk space" "$work/stderr" || fail "full disk: no advice: $(cat "$work/stderr")"
    ! grep -q '^\.staging-' "$work/left" || fail "full disk: staging left: $(cat "$work/left")"
    runs=$("$python" -c 'import sqlite3, sys; print(" ".join(r[0] for r in sqlite3.connect(sys.argv[1]).execute("SELECT run_id FROM runs ORDER BY run_id")))' "$work/store_full/segcast.db")
    [[ $runs == "r1 r2" ]] || fail "full disk: the store holds runs '$runs', expected 'r1 r2'"
    echo "ok: full disk: exit 7, no staging folder, the store holds only the earlier runs"
  else
    echo "skipped: full disk (cannot mount a tmpfs here)"
  fi
else
  echo "skipped: full disk (no private mount namespace)"
fi
echo "output safety: all cases passed"
