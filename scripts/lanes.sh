#!/usr/bin/env bash
# The reliability lanes, after the plain build and test suite (README's second
# command runs this last): each is configured from CMakePresets.json, built,
# run and timed, and any failure fails the script (after every lane has run,
# so one log shows them all).
#   asan  ASan + UBSan + LeakSanitizer (clang), the whole suite except the emulator
#         and install lanes: unit, cli, layer, reliability
#   fuzz  every libFuzzer target in test/fuzz over its corpus, bounded iterations
#         (built in the same tree as asan: one sanitized library serves both)
#   tsan  TSan (clang): the engine's concurrency, thread-pool, async and stress cases
# Usage: scripts/lanes.sh [asan] [fuzz] [tsan]   (default: all three, in that order)
set -uo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi
lanes=("$@")
[ ${#lanes[@]} -gt 0 ] || lanes=(asan fuzz tsan)

summary=()
failed=0
# run_step <lane> <what> <command...>: runs and times one step, records the outcome.
run_step() {
  local lane=$1 what=$2; shift 2
  local t0=$SECONDS rc=0
  echo "=== lanes.sh: $lane: $what"
  "$@" || rc=$?
  local dt=$((SECONDS - t0))
  summary+=("$(printf '%-5s %-10s %5ds  %s' "$lane" "$what" "$dt" "$([ $rc -eq 0 ] && echo ok || echo "FAILED (exit $rc)")")")
  [ $rc -eq 0 ] || failed=1
  return $rc
}

configured_asan=0
build_asan() {
  [ $configured_asan -eq 0 ] || return 0
  configured_asan=1
  run_step asan configure cmake --preset asan "${launcher[@]}" >/dev/null &&
    run_step asan build cmake --build build-asan -j "$jobs"
}

for lane in "${lanes[@]}"; do
  case "$lane" in
    asan)
      build_asan && run_step asan test ctest --preset asan -j "$jobs" ;;
    fuzz)
      build_asan && run_step fuzz test ctest --preset asan-fuzz ;;
    tsan)
      run_step tsan configure cmake --preset tsan "${launcher[@]}" >/dev/null &&
        run_step tsan build cmake --build --preset tsan -j "$jobs" &&
        run_step tsan test ctest --preset tsan ;;
    *) echo "lanes.sh: unknown lane '$lane' (asan, fuzz, tsan)" >&2; exit 2 ;;
  esac
done

echo "=== lanes.sh: summary (wall time)"
printf '%s\n' "${summary[@]}"
exit $failed
