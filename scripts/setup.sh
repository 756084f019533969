#!/usr/bin/env bash
# Installs every Debian package octet needs (idempotent: only what is missing).
#   scripts/setup.sh            build + test dependencies, including the Bochs emulator lane
#                               (packages + guest kernel cache, see tools/emu/README.md)
#   scripts/setup.sh --bench    also the peers used by bench/ (oneDNN, XNNPACK, and ONNX Runtime
#                               from npm's onnxruntime-node into bench/ort/node_modules)
#   scripts/setup.sh --no-emu   without the emulator lane (its CTest test `emu` then fails)
set -euo pipefail
pkgs=(build-essential cmake ninja-build pkg-config
      libxbyak-dev libcpu-features-dev nlohmann-json3-dev catch2 libspdlog-dev libfmt-dev
      binutils
      libprotobuf-dev protobuf-compiler libonnx-dev libonnx-testdata libpugixml-dev
      clang libclang-rt-14-dev)
emu_pkgs=(bochs bochs-term bochsbios vgabios isolinux syslinux-common xorriso cpio)
emu=1
bench=0
for a in "$@"; do
  case "$a" in
    --bench)  pkgs+=(libdnnl-dev libxnnpack-dev libpthreadpool-dev gnuplot-nox nodejs); bench=1
              # Debian's npm (a nodejs that bundles npm, e.g. NodeSource's, conflicts with it)
              command -v npm >/dev/null || pkgs+=(npm) ;;
    --emu)    emu=1 ;;   # the default; kept for old command lines
    --no-emu) emu=0 ;;
    *) echo "setup.sh: unknown option $a" >&2; exit 2 ;;
  esac
done
[ "$emu" = 0 ] || pkgs+=("${emu_pkgs[@]}")
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
# The emu lane's guest kernel (apt-get download, once) and /init, cached per user.
# Also Bochs 3.0 from Debian 13 for the lane's AVX-VNNI model (get-bochs3.sh: apt-get download into
# a private folder, the system's apt configuration untouched).
prepare_emu() {
  [ "$emu" = 1 ] || return 0
  local emu_dir; emu_dir="$(cd "$(dirname "$0")/.." && pwd)/tools/emu"
  if ! bash "$emu_dir/run-in-bochs.sh" -P; then
    echo "setup.sh: retrying the emulator cache after apt-get update" >&2
    $SUDO apt-get update -q && bash "$emu_dir/run-in-bochs.sh" -P
  fi
  bash "$emu_dir/get-bochs3.sh" >/dev/null
}
# ONNX Runtime for bench/run_models_ort.sh: its CPU library ships inside the npm package
# (--ignore-scripts: the install script only fetches GPU parts and fails offline).
prepare_bench() {
  [ "$bench" = 1 ] || return 0
  (cd "$(dirname "$0")/../bench/ort" && npm install --ignore-scripts --no-audit --no-fund)
}
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then echo "setup.sh: all ${#pkgs[@]} packages present"; prepare_emu; prepare_bench; exit 0; fi
echo "setup.sh: installing ${missing[*]}"
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
prepare_emu
prepare_bench
