#!/usr/bin/env bash
# Builds the benchmarks and runs them all in one go, writing the tables, CSVs and the
# plot into OUT (default bench/results/):  bench/run_all.sh [OUT] [extra bench flags...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/bench/results}; shift || true
build=${OCTET_BENCH_BUILD:-$root/build-bench}
cmake -S "$root" -B "$build" -G Ninja -DOCTET_BUILD_BENCH=ON -DOCTET_BUILD_TESTS=OFF -DOCTET_BUILD_TOOLS=OFF >/dev/null
cmake --build "$build" --target bench_all
mkdir -p "$out"
{ lscpu | grep -E 'Model name|Flags'; uptime; } > "$out/machine.txt"
"$build/bench/peak_int8" | tee "$out/peak.txt"
"$build/bench/bench_conv" --csv "$out/conv.csv" "$@" | tee "$out/conv.txt"
"$build/bench/bench_matmul" --csv "$out/matmul.csv" "$@" | tee "$out/matmul.txt"
"$build/bench/bench_pool" --csv "$out/pool.csv" "$@" | tee "$out/pool.txt"
for t in 1 2; do "$root/bench/plot.sh" "$out/conv.csv" "$out/conv_pct_peak_${t}t.png" "$t" || true; done
uptime >> "$out/machine.txt"
