#!/usr/bin/env bash
# dashboard_store.sh against PostgreSQL: the store-only dashboard answers like the run folders.
# Runs inside a throw-away server (tests/support/with_postgres.sh); skipped (exit 77) when none starts.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [ -z "${SEGCAST_TEST_POSTGRES:-}" ]; then
  exec bash "$here/../support/with_postgres.sh" bash "$0"
fi
SEGCAST_DASHBOARD_DB=$SEGCAST_TEST_POSTGRES exec bash "$here/dashboard_store.sh"
