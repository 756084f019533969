#!/usr/bin/env bash
# octet and ONNX Runtime side by side on the same models, in one run.
#
# Each zoo model is exported with octet-convert to ONNX (opset 17; the -int8
# variants as QDQ: QuantizeLinear/DequantizeLinear, int8 weights per channel).
# octet runs that exported .onnx file through its ONNX importer (the same bytes
# ONNX Runtime reads); ONNX Runtime runs it through onnxruntime-node (CPU EP,
# all graph optimizations, intra-op threads = 1 and 2). Both get the same raw
# f32 input. The reference is octet's integer output on the zoo model itself
# (1 thread): every octet JIT kernel is bit-exact with its C++ reference
# (DESIGN.md), so this is the integer reference result. Printed per model and
# thread count: median latency of each engine, the ratio ORT/octet (> 1: octet
# faster), and each output's max |diff| and top-5 overlap against the reference.
#
#   bash bench/run_models_ort.sh [build-dir] [runs]      (default build-bench-ort, 30)
#
# Needs: octet built (jitbench, octet-convert) and `cd bench/ort && npm install
# --ignore-scripts onnxruntime-node`. MODELS and THREADS override the lists;
# ORT_RUNNER=python uses bench/ort/run_ort.py (the onnxruntime Python package)
# where node is missing.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
build="${1:-$root/build-bench-ort}"
runs="${2:-30}"
models="${MODELS:-resnet50-int8 mobilenetv2-int8 resnet50 mobilenetv2}"
threads_list="${THREADS:-1 2}"
out="${OUT:-$root/out/ort}"
jitbench="$build/tools/jitbench"
convert="$build/tools/octet-convert"
for tool in "$jitbench" "$convert"; do
  [ -x "$tool" ] || { echo "run_models_ort.sh: $tool not built" >&2; exit 1; }
done
if [ "${ORT_RUNNER:-node}" = python ]; then
  ort_run=(python3 "$here/ort/run_ort.py")
  ort_version="$(python3 -c 'import onnxruntime; print(onnxruntime.__version__)') (Python)"
else
  [ -d "$here/ort/node_modules/onnxruntime-node" ] ||
    { echo "run_models_ort.sh: run 'cd bench/ort && npm install --ignore-scripts onnxruntime-node' first" >&2; exit 1; }
  ort_run=(node "$here/ort/run_ort.js")
  ort_version="$(node -e "console.log(require('$here/ort/node_modules/onnxruntime-node').env.versions.common)") (node)"
fi
mkdir -p "$out"

json_field() { python3 -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$1" "$2"; }

echo "# octet vs ONNX Runtime $ort_version, $(date -u +%FT%TZ), $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "# runs per point: $runs (median); reference: octet int8 output of zoo:<model>, 1 thread"
printf '%-18s %3s %10s %10s %7s   %-24s %-24s\n' model thr octet_ms ort_ms ort/oct "octet vs ref (max|d|,top5)" "ort vs ref (max|d|,top5)"
for model in $models; do
  onnx="$out/$model.onnx"
  "$convert" "zoo:$model" "$onnx" > /dev/null
  # One deterministic N(0,1) input of the CNNs' shape [1,3,224,224] (jitbench checks the size).
  python3 - "$out/$model.in.raw" <<'PY'
import random, struct, sys
random.seed(2024)
n = 3 * 224 * 224
open(sys.argv[1], 'wb').write(struct.pack(f'<{n}f', *[random.gauss(0, 1) for _ in range(n)]))
PY
  "$jitbench" -m "zoo:$model" -i "$out/$model.in.raw" -o "$out/$model.ref.raw" -niter 1 -nthreads 1 > /dev/null
  for t in $threads_list; do
    "$jitbench" -m "$onnx" -i "$out/$model.in.raw" -o "$out/$model.octet.$t.raw" -niter "$runs" -nthreads "$t" \
      -json_stats "$out/$model.octet.$t.json" > /dev/null
    octet_ms=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['latency_ms']['median'])" "$out/$model.octet.$t.json")
    ort_json=$("${ort_run[@]}" --model "$onnx" --threads "$t" --runs "$runs" --warmup 3 \
      --input "$out/$model.in.raw" --output "$out/$model.ort.$t.raw")
    ort_ms=$(json_field "$ort_json" median_ms)
    c_oct=$(python3 "$here/ort/compare.py" "$out/$model.ref.raw" "$out/$model.octet.$t.raw")
    c_ort=$(python3 "$here/ort/compare.py" "$out/$model.ref.raw" "$out/$model.ort.$t.raw")
    printf '%-18s %3s %10.2f %10.2f %7.2f   %-24s %-24s\n' "$model" "$t" "$octet_ms" "$ort_ms" \
      "$(python3 -c "print($ort_ms / $octet_ms)")" \
      "$(printf '%.3g,%s/5' "$(json_field "$c_oct" max_abs_diff)" "$(json_field "$c_oct" top5_overlap)")" \
      "$(printf '%.3g,%s/5' "$(json_field "$c_ort" max_abs_diff)" "$(json_field "$c_ort" top5_overlap)")"
  done
done
