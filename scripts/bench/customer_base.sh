#!/usr/bin/env bash
# Speed of the customer-base model (histories, BG/NBD and Gamma-Gamma fits, per-customer
# predictions) on simulated logs of 10k, 100k and 1M customers, with 1 thread and all cores.
# Prints the machine and one CSV line per size and thread count (best of 3 runs).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${SEGCAST_BUILD_DIR:-$root/build}
cmake --build "$build" --target customer_base_bench > /dev/null
echo "# $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
for threads in 1 "$(nproc)"; do
  "$build/customer_base_bench" --customers 10000 --customers 100000 --customers 1000000 \
    --threads "$threads" "$@" | { [ "$threads" = 1 ] && cat || tail -n +2; }
done
