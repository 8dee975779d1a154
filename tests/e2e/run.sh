#!/usr/bin/env bash
# Runs the dashboard's end-to-end test (dashboard.mjs) in Debian's headless Chromium.
# Needs: SEGCAST_BIN (the built segcast), node, /usr/bin/chromium, tests/e2e/node_modules
# (scripts/setup.sh installs all three). Exit 77 (CTest: skipped) with the reason when one is absent.
# Screenshots and figures go to $SEGCAST_E2E_ARTIFACTS (CTest: BUILD/e2e).
set -u
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
skip() { echo "e2e_dashboard: SKIPPED: $*"; exit 77; }

[ -n "${SEGCAST_BIN:-}" ] && [ -x "${SEGCAST_BIN}" ] || skip "SEGCAST_BIN is not set to the built segcast"
command -v node >/dev/null 2>&1 || skip "node is not installed: run scripts/setup.sh"
chromium="${SEGCAST_CHROMIUM:-/usr/bin/chromium}"
[ -x "${chromium}" ] || skip "${chromium} is not installed: run scripts/setup.sh (Debian package chromium)"
[ -d "${here}/node_modules/playwright-core" ] || skip "tests/e2e/node_modules is missing: run scripts/setup.sh (npm ci)"
"${SEGCAST_BIN}" --help 2>/dev/null | grep -q '^ *serve ' || skip "${SEGCAST_BIN} has no serve subcommand (dashboard server not built)"
assets="$(dirname "${SEGCAST_BIN}")/web/vendor/echarts.min.js"
[ -f "${assets}" ] || skip "${assets} is missing: run scripts/setup.sh (npm ci in src/web) and rebuild"

export SEGCAST_E2E_ARTIFACTS="${SEGCAST_E2E_ARTIFACTS:-$(dirname "${SEGCAST_BIN}")/e2e}"
export SEGCAST_SOURCE_DIR="${SEGCAST_SOURCE_DIR:-$(cd "${here}/../.." && pwd)}"
cd "${here}" && exec node dashboard.mjs
