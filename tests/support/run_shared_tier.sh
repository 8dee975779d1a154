#!/usr/bin/env bash
# Runs the [shared] test cases of one test executable on the real data sets in ../shared/data.
# Exit 77 (reported by CTest as skipped) with a message when the data folder is not there.
set -u
exe=$1
if [ -z "${SEGCAST_SHARED_DATA:-}" ] || [ ! -d "$SEGCAST_SHARED_DATA" ]; then
  echo "skipped: shared data folder '${SEGCAST_SHARED_DATA:-<unset>}' not found; the [shared] tier needs ../shared/data beside the checkout"
  exit 77
fi
if [ -z "$("$exe" --list-test-names-only "[shared]" 2>/dev/null | grep -v '^$')" ]; then
  echo "no [shared] test cases in $(basename "$exe"): the tier is registered only for stages that have some"
  exit 1
fi
exec "$exe" "[shared]"
