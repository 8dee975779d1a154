#!/usr/bin/env bash
# Installs what is needed, builds, and runs the whole test suite (unit, integration, and the
# [shared] tier on ../shared/data when that folder is present).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/scripts/setup.sh"
bash "$root/scripts/build.sh"
cd "${SEGCAST_BUILD_DIR:-$root/build}"
ctest --output-on-failure -j "$(nproc)" "$@"
# Then the same suite under AddressSanitizer + UndefinedBehaviorSanitizer, leaks included
# (scripts/test_sanitized.sh, ./build-asan; docs/reliability.md). SEGCAST_SANITIZED=0 skips it.
[ "${SEGCAST_SANITIZED:-1}" = 0 ] || bash "$root/scripts/test_sanitized.sh"
