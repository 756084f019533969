#!/usr/bin/env bash
# On the lent machine: bash build-device/run.sh OUTDIR [tests] [bench] [avx2] [models]
# (default: all four). Writes tests.txt, conv.txt/conv.csv, conv_zoo.txt, matmul.txt,
# avx2.txt, models.txt and machine.txt into OUTDIR. DRY=1 caps every step at 3 s
# (a check of the mechanics on the development machine).
set -u
O=$1; shift
steps=${*:-tests bench avx2 models}
T=/tmp/octet-device; rm -rf $T; mkdir -p $T; tar xJf "$(dirname "$0")/b.tar.xz" -C $T
B=$T/b
L="$B/lib/ld-linux-x86-64.so.2 --library-path $B/lib"
# The tests read ../shared beside the source tree and write into the build tree they were built in.
mkdir -p /work/main/build; [ -e /work/shared ] || ln -s $B/shared /work/shared
# Set, so that the bench programs do not re-execute /proc/self/exe (the loader, here).
export OMP_WAIT_POLICY=passive OCTET_BENCHDNN_DIR=$B/shared/data/benchdnn
step() { local t=$1; shift; [ -n "${DRY:-}" ] && t=3; echo "=== $(date +%T) [$t s] ${*#$L}"; local s=$SECONDS; timeout $t "$@"; echo "=== rc=$? in $((SECONDS-s)) s"; }
{ lscpu; nproc; uptime; } > $O/machine.txt 2>&1
for s in $steps; do case $s in
tests) { for t in jit kernels engine zoo lpt ir; do step 120 $L $B/bin/octet_test_$t 2>&1 | grep -E "^===|passed|failed|FAILED|executed|amx"; done
         for f in conv_shapes_resnet_50 conv_shapes_mobilenet_dw conv_harness_conv_saturation_int8 matmul_shapes_bert; do
           step 60 $L $B/bin/jitbench --batch $B/shared/data/benchdnn/$f --mb 1 --check -niter 1 2>&1 | grep -E "^===|SUMMARY|fail"; done
       } > $O/tests.txt 2>&1 ;;
bench) step 150 $L $B/bin/bench_conv --threads 1,16 --min-time 0.1 --csv $O/conv.csv --shared $B/shared > $O/conv.txt 2>&1
       step 120 $L $B/bin/bench_conv --zoo resnet50 --threads 1,16 --min-time 0.1 > $O/conv_zoo.txt 2>&1
       step 90 $L $B/bin/bench_matmul --threads 1,16 --min-time 0.1 > $O/matmul.txt 2>&1 ;;
avx2) { export OCTET_MAX_ISA=avx2 DNNL_MAX_CPU_ISA=AVX2
        for m in resnet50 mobilenetv2; do step 120 $L $B/bin/bench_conv --zoo $m --threads 1 --min-time 0.1 2>&1 | grep -E "^===|^#|network"; done
        unset OCTET_MAX_ISA DNNL_MAX_CPU_ISA; } > $O/avx2.txt 2>&1 ;;
models) { for m in resnet50 mobilenetv2 bert-layer; do for n in 1 2 16; do
          step 40 $L $B/bin/jitbench -m zoo:$m-int8 -nthreads $n -niter 100 2>&1 | grep -E "^===|Compile|ISA|Median|Min:"
        done; done; } > $O/models.txt 2>&1 ;;
esac; done
uptime >> $O/machine.txt
