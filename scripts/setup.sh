#!/usr/bin/env bash
# Installs every Debian package octet needs (idempotent: only what is missing).
#   scripts/setup.sh            build + test dependencies
#   scripts/setup.sh --bench    also the peers used by bench/ (oneDNN, XNNPACK)
#   scripts/setup.sh --emu      also the Bochs emulator lane
set -euo pipefail
pkgs=(build-essential cmake ninja-build pkg-config
      libxbyak-dev libcpu-features-dev nlohmann-json3-dev catch2 libspdlog-dev libfmt-dev
      binutils)
for a in "$@"; do
  case "$a" in
    --bench) pkgs+=(libdnnl-dev libxnnpack-dev) ;;
    --emu)   pkgs+=(bochs bochs-term bochsbios vgabios isolinux syslinux-common xorriso cpio) ;;
    *) echo "setup.sh: unknown option $a" >&2; exit 2 ;;
  esac
done
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then echo "setup.sh: all ${#pkgs[@]} packages present"; exit 0; fi
echo "setup.sh: installing ${missing[*]}"
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
