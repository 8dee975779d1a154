#!/usr/bin/env bash
# A run served by `segcast serve --db STORE` alone answers every dashboard endpoint with the same
# bytes as the same run served from its folder (dashboard_store.py). STORE is a fresh SQLite file,
# or $SEGCAST_DASHBOARD_DB (dashboard_store_postgres.sh passes a throw-away PostgreSQL server).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
: "${SEGCAST_BIN:?set SEGCAST_BIN to the segcast executable}"
source_dir=${SEGCAST_SOURCE_DIR:-$(cd "$here/../.." && pwd)}
python=${SEGCAST_PYTHON:-python3}
"$SEGCAST_BIN" --help 2>/dev/null | grep -q '^ *serve ' || { echo "skipped: no serve subcommand"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
store=${SEGCAST_DASHBOARD_DB:-sqlite:$work/store.db}
"$python" "$here/dashboard_store.py" "$SEGCAST_BIN" "$source_dir/data/online_retail_sample.csv.gz" "$work" "$store"
