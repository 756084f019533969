#!/usr/bin/env bash
# On the lent machine: bash build-device/run.sh OUTDIR [tests] [bench] [avx2] [models] [threads] [ab] [abzoo] [amx2t] [abnative] [layers]
# (default: the first four). Writes tests.txt, conv.txt/conv.csv, conv_zoo.txt, matmul.txt,
# avx2.txt, models.txt, threads.txt, ab.txt and machine.txt into OUTDIR. ab: the bundle's
# *_old binaries (bundle.sh OLD=...) against the new, interleaved, 1 thread at the VNNI cap;
# abzoo: the same for the zoo models' step CPU time per exec type (jitbench -pc), abzoo.txt;
# amx2t: 1 vs 2 threads at the native ISA (AMX) and the VNNI cap, step wall time per exec type;
# layers: every conv / matmul step's time, 1 thread, native (AMX) and the VNNI cap, layers.txt. DRY=1 caps every step at 3 s
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
bench) step 150 $L $B/bin/bench_conv --threads 1,2,16 --min-time 0.1 --csv $O/conv.csv --shared $B/shared > $O/conv.txt 2>&1
       step 120 $L $B/bin/bench_conv --zoo resnet50 --threads 1,16 --min-time 0.1 > $O/conv_zoo.txt 2>&1
       step 90 $L $B/bin/bench_matmul --threads 1,16 --min-time 0.1 > $O/matmul.txt 2>&1 ;;
avx2) { export OCTET_MAX_ISA=avx2 DNNL_MAX_CPU_ISA=AVX2
        for m in resnet50 mobilenetv2; do step 120 $L $B/bin/bench_conv --zoo $m --threads 1 --min-time 0.1 2>&1 | grep -E "^===|^#|network"; done
        unset OCTET_MAX_ISA DNNL_MAX_CPU_ISA; } > $O/avx2.txt 2>&1 ;;
models) { for m in resnet50 mobilenetv2 bert-layer; do for n in 1 2 16; do
          step 40 $L $B/bin/jitbench -m zoo:$m-int8 -nthreads $n -niter 100 2>&1 | grep -E "^===|Compile|ISA|Median|Min:"
        done; done; } > $O/models.txt 2>&1 ;;
threads) # 1 vs 2 threads on the same two cores, interleaved rounds: native ISA, then the AVX2 cap.
       pin="taskset -c 2,3"; $pin true 2>/dev/null || pin=
       { for isa in native avx2; do [ $isa = avx2 ] && export OCTET_MAX_ISA=avx2
           for r in 1 2 3; do for m in mobilenetv2 resnet50 bert-layer; do for n in 1 2; do
             echo "# $isa round $r $m threads $n"
             step 40 $pin $L $B/bin/jitbench -m zoo:$m-int8 -nthreads $n -niter 300 2>&1 | grep -E "Compile|Median|Min:"
           done; done; done; unset OCTET_MAX_ISA; done; } > $O/threads.txt 2>&1 ;;
ab)    { export OCTET_MAX_ISA=avx512_core_vnni DNNL_MAX_CPU_ISA=AVX512_CORE_VNNI
         pin="taskset -c 4"; $pin true 2>/dev/null || pin=
         for r in 1 2; do for v in _old ""; do
           echo "# round $r bench_conv$v"; step 100 $pin $L $B/bin/bench_conv$v --threads 1 --min-time 0.1 --shared $B/shared
         done; done; unset OCTET_MAX_ISA DNNL_MAX_CPU_ISA; } > $O/ab.txt 2>&1 ;;
abzoo) { pin="taskset -c 4"; $pin true 2>/dev/null || pin=
         for r in 1 2 3; do for v in _old ""; do for c in avx512_core_vnni:resnet50:200 avx512_core_vnni:mobilenetv2:500 avx2:mobilenetv2:300; do
           IFS=: read -r isa m n <<< "$c"
           echo "# round $r jitbench$v $isa $m"
           OCTET_MAX_ISA=$isa timeout 60 $pin $L $B/bin/jitbench$v -m zoo:$m-int8 -nthreads 1 -niter $n -pc 2>&1 |
             awk '$2 == "EXECUTED" { t[$4] += $6 } /Median|Total CPU/ { print } END { for (k in t) printf "  %-28s %8.3f\n", k, t[k] }'
         done; done; done; } > $O/abzoo.txt 2>&1 ;;
amx2t) { pin="taskset -c 2,3"; $pin true 2>/dev/null || pin=
         for r in 1 2; do for isa in native avx512_core_vnni; do for m in mobilenetv2:400 resnet50:150; do for t in 1 2; do
           IFS=: read -r mm n <<< "$m"
           echo "# round $r $isa $mm threads $t"
           ( [ $isa = native ] || export OCTET_MAX_ISA=$isa
             timeout 60 $pin $L $B/bin/jitbench -m zoo:$mm-int8 -nthreads $t -niter $n 2>&1 |
             awk '$2 == "EXECUTED" { w[$4] += $5 } /Median|Min:/ { print } END { for (k in w) printf "  %-28s %8.3f\n", k, w[k] }' )
         done; done; done; done; } > $O/amx2t.txt 2>&1 ;;
abnative) # bench_conv_old (bundle.sh OLD=...) against the new at the native ISA: benchdnn shapes at 1 thread
       # pinned, then the zoo's ResNet-50 at 1 and 2 threads; abnative.txt, abnative_zoo.txt.
       { pin="taskset -c 4"; $pin true 2>/dev/null || pin=
         for r in 1 2; do for v in _old ""; do
           echo "# round $r bench_conv$v"; step 60 $pin $L $B/bin/bench_conv$v --threads 1 --min-time 0.1 --shared $B/shared
         done; done; } > $O/abnative.txt 2>&1
       { for r in 1 2; do for v in _old ""; do
           echo "# round $r bench_conv$v zoo"; step 60 $L $B/bin/bench_conv$v --zoo resnet50 --threads 1,2 --min-time 0.1
         done; done; } > $O/abnative_zoo.txt 2>&1 ;;
layers) { pin="taskset -c 4"; $pin true 2>/dev/null || pin=
         for r in 1 2 3; do for isa in native avx512_core_vnni; do for m in ${LAYERS_MODELS:-mobilenetv2:400 resnet50:150 bert-layer:150}; do
           IFS=: read -r mm n <<< "$m"
           echo "# round $r $isa $mm"
           ( [ $isa = native ] || export OCTET_MAX_ISA=$isa
             timeout 60 $pin $L $B/bin/jitbench -m zoo:$mm-int8 -nthreads 1 -niter $n 2>&1 |
             awk '$2 == "EXECUTED" && ($3 == "Convolution" || $3 == "MatMul" || $3 == "FullyConnected") { print $1, $4, $5 } /Median|Min:/ { print }' )
         done; done; done; } > $O/layers.txt 2>&1 ;;
esac; done
uptime >> $O/machine.txt
