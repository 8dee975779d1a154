#!/usr/bin/env bash
# Store benchmark: SQLite always, PostgreSQL on a throw-away local server when one can be started.
#   scripts/bench/store_bench.sh [customers=4372,100000] [repeats=5]
# Prints one JSON object per back-end set on stdout (see scripts/bench/store_bench.cc).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build_dir=${SEGCAST_BUILD_DIR:-$root/build}
[ -f "$build_dir/CMakeCache.txt" ] || cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build_dir" --target segcast_store_bench -j 2 >/dev/null
bench=$(find "$build_dir" -name segcast_store_bench -type f -perm -u+x | head -1)
echo "# machine: $(uname -srm), $(nproc) cores (shared with other jobs: figures are indicative)" >&2
if bash "$root/tests/support/with_postgres.sh" "$bench" "$@"; then
  exit 0
fi
status=$?
[ "$status" -eq 77 ] && exec "$bench" "$@"
exit "$status"
