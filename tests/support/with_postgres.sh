#!/usr/bin/env bash
# Runs a command against a throw-away PostgreSQL server, then stops the server and deletes it.
#
#   tests/support/with_postgres.sh COMMAND [ARGS...]
#
# Starts Debian's PostgreSQL (initdb + pg_ctl from /usr/lib/postgresql/*/bin) as an ordinary user
# (the `postgres` system user when run as root, since the server refuses to run as root), listening
# on 127.0.0.1 only, on a free port, with its unix socket and data in a temporary directory and
# password authentication. Exports SEGCAST_TEST_POSTGRES=postgresql://segcast:PASSWORD@127.0.0.1:PORT/segcast
# for the command. Exits 77 (CTest: skipped) with a message when no server can be started.
set -uo pipefail

skip() {
  echo "skipped: $*"
  exit 77
}

[ $# -ge 1 ] || { echo "usage: $0 COMMAND [ARGS...]" >&2; exit 2; }

bin_dir=""
for candidate in /usr/lib/postgresql/*/bin; do
  [ -x "$candidate/initdb" ] && [ -x "$candidate/pg_ctl" ] && bin_dir=$candidate
done
[ -n "$bin_dir" ] || skip "PostgreSQL server binaries not found (apt-get install postgresql)"

run_as=()
owner=$(id -un)
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || skip "running as root and there is no 'postgres' user to run the server"
  owner=postgres
  if command -v runuser >/dev/null; then
    run_as=(runuser -u postgres --)
  else
    run_as=(su postgres -s /bin/sh -c '"$0" "$@"')
  fi
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/segcast-pg.XXXXXX") || skip "cannot create a temporary directory"
chmod 700 "$work"
[ "$owner" = "$(id -un)" ] || chown "$owner" "$work"

cleanup() {
  if [ -f "$work/data/postmaster.pid" ]; then
    "${run_as[@]}" "$bin_dir/pg_ctl" -D "$work/data" -m immediate -w stop >/dev/null 2>&1
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

password=$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 20)
printf '%s\n' "$password" > "$work/pwfile"
[ "$owner" = "$(id -un)" ] || chown "$owner" "$work/pwfile"

if ! "${run_as[@]}" "$bin_dir/initdb" -D "$work/data" -U segcast --pwfile="$work/pwfile" \
     -A scram-sha-256 -E UTF8 --locale=C.UTF-8 --no-sync >"$work/initdb.log" 2>&1; then
  tail -5 "$work/initdb.log"
  skip "initdb failed"
fi
rm -f "$work/pwfile"

port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null) \
  || skip "cannot pick a free port"

if ! "${run_as[@]}" "$bin_dir/pg_ctl" -D "$work/data" -l "$work/server.log" -w -t 60 \
     -o "-c listen_addresses=127.0.0.1 -p $port -k $work -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
     start >/dev/null 2>&1; then
  tail -5 "$work/server.log" 2>/dev/null
  skip "the PostgreSQL server did not start"
fi

# A database of its own, so tests never touch 'postgres'.
if ! PGPASSWORD=$password "$bin_dir/../bin/psql" -q -h 127.0.0.1 -p "$port" -U segcast -d postgres \
     -c "CREATE DATABASE segcast" >/dev/null 2>&1; then
  if ! PGPASSWORD=$password "$bin_dir/createdb" -h 127.0.0.1 -p "$port" -U segcast segcast; then
    skip "cannot create the test database"
  fi
fi

export SEGCAST_TEST_POSTGRES="postgresql://segcast:${password}@127.0.0.1:${port}/segcast"
echo "with_postgres: PostgreSQL $("$bin_dir/pg_ctl" --version | awk '{print $3}') on 127.0.0.1:$port (data in $work)" >&2
"$@"
status=$?
exit $status
