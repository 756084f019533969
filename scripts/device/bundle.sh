#!/usr/bin/env bash
# Packs the built test binaries, jitbench, the bench programs, the Debian shared
# libraries they load (with the loader) and the benchdnn shape files into
# build-device/b.tar.xz, with run.sh beside it, for a lent machine whose image
# is not Debian: there `bash build-device/run.sh "$OUT" [steps]` runs them
# through `ld-linux --library-path` (device tool: carry build-device).
# Needs build/ (tests + tools) and build-bench/ (OCTET_BUILD_BENCH=ON) built.
# OLD=<checkout with build-bench/ built> adds its bench_conv / jitbench for run.sh's ab step.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=build-device
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/b/bin" "$stage/b/lib" "$stage/b/shared/data" "$out"
cp build/tools/jitbench build/test/octet_test_{jit,kernels,engine,zoo,lpt,ir} "$stage/b/bin/"
cp build-bench/bench/{bench_conv,bench_matmul,bench_pool,bench_models,peak_int8} "$stage/b/bin/"
# OLD=<another checkout>: its build-bench bench_conv and jitbench go in as *_old (A/B step).
if [ -n "${OLD:-}" ]; then
  cp "$OLD/build-bench/bench/bench_conv" "$stage/b/bin/bench_conv_old"
  cp "$OLD/build-bench/tools/jitbench" "$stage/b/bin/jitbench_old"
fi
strip "$stage"/b/bin/*
for f in "$stage"/b/bin/*; do ldd "$f"; done | awk '/=>/ {print $3} /ld-linux/ {print $1}' | sort -u |
  while read -r lib; do cp -L "$lib" "$stage/b/lib/"; done
cp -r ../shared/data/benchdnn "$stage/b/shared/data/"
tar cJf "$out/b.tar.xz" -C "$stage" b
cp scripts/device/run.sh "$out/run.sh"
ls -la "$out"
