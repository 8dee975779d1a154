#!/usr/bin/env bash
# determinism.sh on the full Online Retail log from ../shared/data (541,909 rows): --threads 1, 2
# and 8 compared file by file. Skipped (exit 77) when the shared data folder is absent.
set -euo pipefail
data=${SEGCAST_SHARED_DATA:-$(cd "$(dirname "$0")/../.." && pwd)/../shared/data}
if [ ! -f "$data/online_retail.csv.gz" ]; then
  echo "skipped: $data/online_retail.csv.gz not found (the [shared] tier needs ../shared/data)"
  exit 77
fi
SEGCAST_DETERMINISM_INPUT=$data/online_retail.csv.gz exec bash "$(dirname "$0")/determinism.sh"
