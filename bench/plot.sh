#!/usr/bin/env bash
# Plots per-layer GOPS as % of the int8 peak measured in the same run, for octet and
# the peers, from bench_conv's CSV:  bench/plot.sh conv.csv [out.png] [threads]
# Needs gnuplot (Debian gnuplot-nox; scripts/setup.sh --bench installs it).
set -euo pipefail
csv=${1:?usage: bench/plot.sh conv.csv [out.png] [threads]}
png=${2:-${csv%.csv}_pct_peak.png}
thr=${3:-1}
command -v gnuplot >/dev/null || { echo "plot.sh: gnuplot not found: install gnuplot-nox" >&2; exit 1; }
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
# Columns by name, so the CSV may grow: set, layer, threads, %-of-peak of each implementation.
awk -F, -v thr="$thr" '
  NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
  $c["threads"] == thr && $c["layer"] !~ /^TOTAL/ {
    name = $c["layer"]; sub(/^[a-z_0-9]+:/, "", name)
    print name, $c["octet_pct_peak"], $c["dnnl_int8_pct_peak"], $c["dnnl_f32_pct_peak"], $c["xnnpack_pct_peak"]
  }' "$csv" > "$tmp"
n=$(wc -l < "$tmp")
[ "$n" -gt 0 ] || { echo "plot.sh: no rows for $thr thread(s) in $csv" >&2; exit 1; }
gnuplot <<GP
set terminal pngcairo size $((300 + 40 * n)),700 font ",10"
set termoption noenhanced
set output "$png"
set title "int8 conv, batch 1, $thr thread(s): GOPS as % of the vpdpbusd/vpmaddubsw peak measured in the same run"
set ylabel "% of peak"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.9 border -1
set boxwidth 0.9
set xtics rotate by -60 scale 0 font ",8"
set yrange [0:*]
set grid ytics
set key top right
plot "$tmp" using 2:xtic(1) title "octet", '' using 3 title "oneDNN int8", '' using 4 title "oneDNN f32", '' using 5 title "XNNPACK qc8"
GP
echo "plot.sh: wrote $png"
