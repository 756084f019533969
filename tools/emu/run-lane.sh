#!/bin/bash
# run-lane.sh - octet's emulated-ISA test lane: run one test binary inside Bochs once per CPU model,
# all models at the same time (one single-threaded bochs each), and fail if any model fails.
#
#   usage: run-lane.sh [-m MODEL=ISA]... [-t SECONDS] [-s] [-l LOGDIR] BINARY [CATCH ARGS...]
#
#   -m MODEL=ISA[@bochs3]  a Bochs CPU model and the ISA the guest must see (OCTET_MAX_ISA cap and
#                 the expectation the guard test checks); @bochs3: the model is Bochs 3.0's (from
#                 Debian 13, fetched by get-bochs3.sh into a private folder). Repeatable. Default
#                 (or $OCTET_EMU_MODELS, space-separated): corei7_skylake_x=avx512_core
#                 tigerlake=avx512_core_vnni arrow_lake=avx_vnni@bochs3
#   -t SECONDS    wall-clock limit per model (default 1500, or $OCTET_EMU_TIMEOUT)
#   -s            run the models one after the other instead of in parallel
#   -l LOGDIR     keep each model's output in LOGDIR/<model>.log (default: a temporary folder)
#
# Every model gets the environment OCTET_MAX_ISA=ISA, OCTET_EMU_EXPECT_ISA=ISA, OCTET_EMU_CPU=MODEL.
# The guest binary is expected to be octet_test_emu (test/emu/): it refuses to pass when CPUID /
# best_isa() disagree with OCTET_EMU_EXPECT_ISA or when zero cases ran at that ISA.
# Exit status: 0 when every model passed, else the first failing model's status.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
read -r -a MODELS <<<"${OCTET_EMU_MODELS:-corei7_skylake_x=avx512_core tigerlake=avx512_core_vnni arrow_lake=avx_vnni@bochs3}"
USER_MODELS=(); TMO=${OCTET_EMU_TIMEOUT:-1500}; SERIAL=0; LOGDIR=
while getopts "m:t:sl:h" o; do
  case $o in
    m) USER_MODELS+=("$OPTARG") ;; t) TMO=$OPTARG ;; s) SERIAL=1 ;; l) LOGDIR=$OPTARG ;;
    *) sed -n '2,19p' "$0"; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || { sed -n '2,19p' "$0"; exit 2; }
BIN=$1; shift
[ -f "$BIN" ] || { echo "run-lane: no such binary: $BIN" >&2; exit 2; }
[ ${#USER_MODELS[@]} -eq 0 ] || MODELS=("${USER_MODELS[@]}")
if [ -z "$LOGDIR" ]; then LOGDIR=$(mktemp -d "${TMPDIR:-/tmp}/octet-emu-lane.XXXXXX"); trap 'rm -rf "$LOGDIR"' EXIT; fi
mkdir -p "$LOGDIR"

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# Fetch the guest kernel / build /init once, before the parallel runs (a no-op when cached).
"$HERE/run-in-bochs.sh" -P >/dev/null || { echo "run-lane: preparing the emulator failed" >&2; exit 125; }
# Bochs 3.0 for the @bochs3 models (its AVX-VNNI model; a no-op when fetched).
BOCHS3=
for m in "${MODELS[@]}"; do
  case $m in
    *@bochs3)
      [ -n "$BOCHS3" ] || BOCHS3=$("$HERE/get-bochs3.sh") ||
        { echo "run-lane: fetching Bochs 3.0 (tools/emu/get-bochs3.sh) for $m failed" >&2; exit 125; } ;;
  esac
done

T0=$(now)
declare -A PID START
launch() {  # MODEL=ISA[@bochs3]
  local model=${1%%=*} isa=${1#*=} bin=${BOCHS_BIN:-bochs-bin}
  case $isa in *@bochs3) isa=${isa%@bochs3}; bin=$BOCHS3 ;; esac
  START[$model]=$(now)
  echo "run-lane: $model (OCTET_MAX_ISA=$isa, $bin): $(basename "$BIN") ${ARGS[*]}"
  ( BOCHS_BIN=$bin "$HERE/run-in-bochs.sh" -c "$model" -t "$TMO" \
      -e OCTET_MAX_ISA="$isa" -e OCTET_EMU_EXPECT_ISA="$isa" -e OCTET_EMU_CPU="$model" \
      "$BIN" ${ARGS[@]+"${ARGS[@]}"} >"$LOGDIR/$model.log" 2>&1
    echo $? >"$LOGDIR/$model.rc"; date +%s.%N >"$LOGDIR/$model.end" ) &
  PID[$model]=$!
}
ARGS=("$@")
for m in "${MODELS[@]}"; do
  launch "$m"
  [ "$SERIAL" = 0 ] || wait "${PID[${m%%=*}]}"
done
wait

status=0; summary=()
for m in "${MODELS[@]}"; do
  model=${m%%=*} isa=${m#*=}; isa=${isa%@bochs3}
  rc=$(cat "$LOGDIR/$model.rc" 2>/dev/null || echo 125)
  wall=$(secs "${START[$model]}" "$(cat "$LOGDIR/$model.end" 2>/dev/null || now)")
  echo "==================== $model (OCTET_MAX_ISA=$isa): exit $rc, ${wall}s ===================="
  cat "$LOGDIR/$model.log"
  cases=$(sed -n 's/^emu-summary: //p' "$LOGDIR/$model.log" | tail -1)
  summary+=("$(printf '%-18s %-17s exit %-3s %7ss  %s' "$model" "$isa" "$rc" "$wall" "${cases:-(no emu-summary line: the guest binary did not finish)}")")
  if [ "$rc" != 0 ] && [ "$status" = 0 ]; then status=$rc; fi
done
echo "==================== emu lane: $(secs "$T0" "$(now)")s wall ===================="
printf '%s\n' "${summary[@]}"
[ "$status" = 0 ] && echo "run-lane: PASS" || echo "run-lane: FAIL (status $status)"
exit "$status"
