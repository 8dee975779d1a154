#!/usr/bin/env bash
# secrets.sh part 2: a complete run on a throw-away PostgreSQL server (tests/support/with_postgres.sh)
# with a password in the URL; skipped (exit 77) when no server can be started.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [ -z "${SEGCAST_TEST_POSTGRES:-}" ]; then
  exec bash "$here/../support/with_postgres.sh" bash "$0"
fi
exec bash "$here/secrets.sh"
