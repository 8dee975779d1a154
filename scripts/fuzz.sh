#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz/, clang-14 with ASan + UBSan) and runs each for a fixed
# time, printing executions, executions per second and crashes per target.
#
#   scripts/fuzz.sh            # 60 s per target, every target
#   scripts/fuzz.sh 600 ingest date
#
# Each target starts from its seed corpus (tests/fuzz/corpus/<target>) and regressions
# (tests/fuzz/regressions/<target>); inputs it discovers go to build-fuzz/fuzz-corpus/<target>,
# so the repository is not touched. A crash, leak, timeout or sanitizer report leaves its input in
# build-fuzz/artifacts/<target>/ and makes the script exit non-zero. A finding becomes a
# regression test: minimise it (fuzz_<target> -minimize_crash=1 -runs=10000 FILE), copy it to
# tests/fuzz/regressions/<target>/, fix the library; CTest's fuzz_replay then runs it forever.
# Environment: SEGCAST_FUZZ_BUILD_DIR (default build-fuzz), SEGCAST_FUZZ_JOBS (ninja -j, default 2).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-60}
shift || true
all_targets=(ingest date run_config series_forecast series_cluster persona_rules)
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${all_targets[@]}")
build=${SEGCAST_FUZZ_BUILD_DIR:-$root/build-fuzz}

if ! command -v clang++-14 > /dev/null; then
  echo "fuzz.sh: clang++-14 not found (Debian packages clang-14 libclang-rt-14-dev)" >&2
  exit 2
fi
if [ ! -f "$build/build.ninja" ]; then
  CC=clang-14 CXX=clang++-14 cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DSEGCAST_FUZZ=ON -DSEGCAST_BUILD_TESTS=OFF > /dev/null
fi
ninja -C "$build" -j "${SEGCAST_FUZZ_JOBS:-2}" "${targets[@]/#/fuzz_}" > /dev/null

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
status=0
printf '%-16s %8s %12s %10s %8s %s\n' target seconds executions exec/s crashes artifacts
for target in "${targets[@]}"; do
  work="$build/fuzz-corpus/$target"
  artifacts="$build/artifacts/$target"
  mkdir -p "$work" "$artifacts" "$root/tests/fuzz/corpus/$target" "$root/tests/fuzz/regressions/$target"
  log="$build/fuzz-$target.log"
  before=$(find "$artifacts" -type f | wc -l)
  set +e
  "$build/tests/fuzz/fuzz_$target" -max_total_time="$seconds" -print_final_stats=1 -timeout=20 \
    -rss_limit_mb=2560 -max_len=65536 -artifact_prefix="$artifacts/" \
    "$work" "$root/tests/fuzz/corpus/$target" "$root/tests/fuzz/regressions/$target" > "$log" 2>&1
  code=$?
  set -e
  executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  after=$(find "$artifacts" -type f | wc -l)
  crashes=$((after - before))
  if [ "$code" -ne 0 ] && [ "$crashes" -eq 0 ]; then crashes=1; fi
  printf '%-16s %8s %12s %10s %8s %s\n' "$target" "$seconds" "${executions:-?}" "${rate:-?}" "$crashes" \
    "$( [ "$crashes" -gt 0 ] && echo "$artifacts (log $log)" )"
  if [ "$crashes" -gt 0 ]; then status=1; fi
done
exit $status
