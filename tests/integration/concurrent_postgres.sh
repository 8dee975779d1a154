#!/usr/bin/env bash
# concurrent_runs.sh against PostgreSQL: two `segcast run` at once on two output folders sharing
# one PostgreSQL store (the advisory run lock), repeated; one is refused with exit code 6. Runs
# inside a throw-away server (tests/support/with_postgres.sh); skipped (exit 77) when none starts.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [ -z "${SEGCAST_TEST_POSTGRES:-}" ]; then
  exec bash "$here/../support/with_postgres.sh" bash "$0"
fi
SEGCAST_CONCURRENT_DB=$SEGCAST_TEST_POSTGRES exec bash "$here/concurrent_runs.sh"
