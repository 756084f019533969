#!/bin/bash
# get-bochs3.sh [DIR] - fetch Debian 13 (trixie)'s bochs 3.0 + its glibc into a private directory on a
# Debian 12 host, without touching the system's apt configuration or installed packages, and
# create DIR/bochs-bin, a wrapper usable as BOCHS_BIN for run-in-bochs.sh.
# Bochs 3.0 adds the sapphire_rapids (AVX-512 VNNI/BF16/FP16, AVX-VNNI, AMX) and arrow_lake
# (AVX-VNNI, AVX-VNNI-INT8) models and runs about 1.6x faster than Debian 12's bochs 2.7.
# Needs the bookworm 'bochs' package installed too (it brings the GUI/readline/ltdl libraries).
# octet's own copy (adapted from ../shared/emu/get-bochs3.sh: the default folder is under the emu
# lane's cache). The lane runs its AVX-VNNI model (arrow_lake) with it (run-lane.sh, MODEL=ISA@bochs3).
set -euo pipefail
D=$(realpath -m "${1:-${OCTET_EMU_CACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/octet-emu}/bochs3}")
SUITE=${BOCHS3_SUITE:-trixie}
if [ -x "$D/bochs-bin" ]; then echo "$D/bochs-bin"; exit 0; fi
# reuse the mirror this machine's apt already uses (no host name hard-coded here)
URI=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
[ -n "$URI" ] || URI=$(awk '$1=="deb" && $0 !~ /security/ {for (i=2;i<=NF;i++) if ($i ~ /^[a-z]+:\/\//) {print $i; exit}}' /etc/apt/sources.list)
[ -n "$URI" ] || { echo "get-bochs3: cannot find the Debian mirror in apt sources" >&2; exit 1; }
mkdir -p "$D"/apt/lists/partial "$D"/apt/cache/archives/partial "$D"/debs "$D"/root
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $URI $SUITE main" > "$D/apt/sources.list"
O=(-o Dir::Etc::SourceList="$D/apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
   -o Dir::State::Lists="$D/apt/lists" -o Dir::Cache="$D/apt/cache" -o APT::Sandbox::User=root)
apt-get -q "${O[@]}" update >/dev/null
(cd "$D/debs" && apt-get -q "${O[@]}" download bochs bochs-term bochsbios libc6 >/dev/null)
for f in "$D"/debs/*.deb; do dpkg-deb -x "$f" "$D/root"; done
cat > "$D/bochs-bin" <<EOF
#!/bin/sh
# Bochs 3.0 from Debian $SUITE, run with its own glibc (the host's other libraries are reused)
export LTDL_LIBRARY_PATH=$D/root/usr/lib/x86_64-linux-gnu/bochs/plugins
export BXSHARE=$D/root/usr/share/bochs
exec $D/root/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 \\
  --library-path $D/root/usr/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu:/lib/x86_64-linux-gnu \\
  $D/root/usr/bin/bochs-bin "\$@"
EOF
chmod +x "$D/bochs-bin"
models=$("$D/bochs-bin" -help cpu 2>&1 || true)
case $models in *sapphire_rapids*) ;; *) echo "get-bochs3: bochs 3 does not start" >&2; exit 1 ;; esac
echo "$D/bochs-bin"
