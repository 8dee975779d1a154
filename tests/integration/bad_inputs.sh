#!/usr/bin/env bash
# The bad-input corpus (tests/data/bad_inputs/, expected.tsv): every case gives its expected exit
# code and either its counted rejections or an error naming file, line and field.
set -euo pipefail
: "${SEGCAST_BIN:?set SEGCAST_BIN to the segcast executable}"
root="${SEGCAST_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}"
python="${SEGCAST_PYTHON:-/usr/bin/python3}"
exec "$python" "$root/tests/integration/bad_inputs.py" "$SEGCAST_BIN" "$root/tests/data/bad_inputs"
