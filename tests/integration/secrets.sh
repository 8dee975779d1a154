#!/usr/bin/env bash
# Connection-string secrets never reach a message, a log line or an output file, and output files
# get sensible permissions.
#  1. `segcast run` with PostgreSQL URLs that cannot connect (password in user:password@, and in a
#     ?password= query parameter; from --db and from a TOML config): exit code 5, a message naming
#     the redacted store, and the password in none of stderr, stdout or any file written.
#  2. With a server (secrets_postgres.sh sets SEGCAST_TEST_POSTGRES through with_postgres.sh): a
#     complete run; the password is in none of stderr, the --json summary, manifest.json,
#     report.md, any other output file, or the store's own runs table (options and manifest).
#  3. Permissions: under umask 022 nothing written is group- or world-writable; under umask 077
#     nothing is readable by others (segcast creates no file with a wider mode than the umask allows).
set -euo pipefail
bin=${SEGCAST_BIN:?SEGCAST_BIN must point to the segcast binary}
root=${SEGCAST_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
sample=$root/data/online_retail_sample.csv.gz
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# no_secret SECRET PATHS...: the secret (and its percent-encoded form) is in none of the files.
no_secret() {
  local secret=$1
  shift
  if grep -r -a -l -F -e "$secret" "$@" 2> /dev/null; then
    fail "the password '$secret' was written to the files above"
  fi
}

if [ -z "${SEGCAST_TEST_POSTGRES:-}" ]; then
  echo "== unreachable PostgreSQL store, password in the URL"
  secret="s3cret-Pw_$$"
  # Port 1 on loopback: nothing listens, the connection is refused at once.
  urls=("postgresql://segcast:$secret@127.0.0.1:1/segcast"
        "postgres://segcast@127.0.0.1:1/segcast?password=$secret&connect_timeout=5"
        "postgresql://segcast:${secret}@127.0.0.1:1/segcast?sslmode=disable")
  index=0
  for url in "${urls[@]}"; do
    index=$((index + 1))
    out=$work/unreachable$index
    status=0
    "$bin" run "$sample" -o "$out" -k 3 --db "$url" > "$work/stdout$index" 2> "$work/stderr$index" || status=$?
    [ "$status" = 5 ] || fail "exit $status for an unreachable store (expected 5): $(cat "$work/stderr$index")"
    grep -q "cannot connect to postgres" "$work/stderr$index" || fail "unclear message: $(cat "$work/stderr$index")"
    grep -q '\*\*\*' "$work/stderr$index" || fail "the message does not show the redacted URL: $(cat "$work/stderr$index")"
    no_secret "$secret" "$work/stdout$index" "$work/stderr$index" "$out"
    echo "  $(head -c 200 "$work/stderr$index")"
  done

  echo "== the same URL from a TOML config file"
  cat > "$work/run.toml" <<TOML
[input]
path = "$sample"
[output]
dir = "$work/from_config"
store = "postgresql://segcast:$secret@127.0.0.1:1/segcast"
TOML
  status=0
  "$bin" run -c "$work/run.toml" -k 3 > "$work/stdout_config" 2> "$work/stderr_config" || status=$?
  [ "$status" = 5 ] || fail "exit $status from the config (expected 5): $(cat "$work/stderr_config")"
  no_secret "$secret" "$work/stdout_config" "$work/stderr_config" "$work/from_config"
  echo "  $(head -c 200 "$work/stderr_config")"

  echo "== permissions of the outputs"
  (umask 022 && "$bin" run "$sample" -o "$work/perm022" -k 3 -q > /dev/null)
  writable=$(find "$work/perm022" ! -type l -perm /022 -printf '%m %P\n')
  [ -z "$writable" ] || fail "group- or world-writable under umask 022: $writable"
  (umask 077 && "$bin" run "$sample" -o "$work/perm077" -k 3 -q > /dev/null)
  readable=$(find "$work/perm077" ! -type l -perm /077 -printf '%m %P\n')
  [ -z "$readable" ] || fail "readable by others under umask 077: $readable"
  echo "  umask 022: $(find "$work/perm022" -type f -printf '%m\n' | sort | uniq -c | tr '\n' ' ')(files); umask 077: $(find "$work/perm077" -type f -printf '%m\n' | sort | uniq -c | tr '\n' ' ')(files)"
  echo "secrets: no password in any message or file; permissions follow the umask"
  exit 0
fi

echo "== a complete run on PostgreSQL (throw-away server)"
secret=$(echo "$SEGCAST_TEST_POSTGRES" | sed -E 's#^[a-z]+://[^:/@]*:([^@]*)@.*#\1#')
[ -n "$secret" ] && [ "$secret" != "$SEGCAST_TEST_POSTGRES" ] || fail "no password in SEGCAST_TEST_POSTGRES"
out=$work/pg
"$bin" run "$sample" -o "$out" -k 3 --db "$SEGCAST_TEST_POSTGRES" --json > "$work/pg.json" 2> "$work/pg.err" ||
  fail "the run on PostgreSQL failed: $(cat "$work/pg.err")"
grep -q '"store": "postgresql://segcast:\*\*\*@' "$work/pg.json" || fail "the --json summary does not show the redacted store"
[ -f "$out/latest/manifest.json" ] && [ -f "$out/latest/report.md" ] || fail "outputs missing"
no_secret "$secret" "$work/pg.json" "$work/pg.err" "$out"
psql=$(ls /usr/lib/postgresql/*/bin/psql 2> /dev/null | tail -1)
stored=$("$psql" "$SEGCAST_TEST_POSTGRES" -Atq -c "SELECT options_json || manifest_json || holder FROM runs, (SELECT coalesce(max(holder), '') AS holder FROM segcast_lock) l")
[ -n "$stored" ] || fail "the run is not in the store"
case "$stored" in *"$secret"*) fail "the password is stored in the runs table" ;; esac
echo "  $(grep -c . "$work/pg.err") log lines, $(find "$out" -type f | wc -l) files and the store's runs row checked"
echo "secrets (PostgreSQL): no password in any message, file or stored row"
