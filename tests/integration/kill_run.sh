#!/usr/bin/env bash
# Crash safety: `segcast run` SIGKILLed at every stage's log line, at the system calls of the output
# phase (renames, fsyncs, journal writes, the folder swap; injected with strace) and at random
# delays; after each kill the previous run's files, the latest link and the SQLite store must be
# intact and a re-run must succeed. The checks are in kill_run.py (its docstring lists them).
# Environment: SEGCAST_KILL_RANDOM, SEGCAST_KILL_SEED, SEGCAST_KILL_SYSCALLS (see kill_run.py).
set -euo pipefail
: "${SEGCAST_BIN:?SEGCAST_BIN must point to the segcast binary}"
python=${SEGCAST_PYTHON:-/usr/bin/python3}
command -v strace > /dev/null || echo "kill_run: strace not found; the system-call kill points are skipped"
exec "$python" "$(dirname "$0")/kill_run.py"
