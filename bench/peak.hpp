#pragma once
// The core's int8 multiply-accumulate peak, measured with generated loops of
// independent instruction chains (no memory traffic), so that every benchmark
// can report its GOPS as a share of the peak measured in the same run.
//
//   avx2_maddubs_ymm   vpmaddubsw ymm + vpmaddwd(ones) ymm + vpaddd ymm   32 MACs / triple
//   avx512_maddubs_zmm the same chain on zmm (AVX-512BW)                 64 MACs / triple
//   avx512_vnni_zmm    vpdpbusd zmm (AVX-512 VNNI)                        64 MACs / instruction
//   avx512_vnni_ymm    vpdpbusd ymm, EVEX encoding                        32 MACs / instruction
//   avx_vnni_ymm       vpdpbusd ymm, VEX encoding (AVX-VNNI)              32 MACs / instruction
// Frequency: a chain of dependent imul r64 (3 cycles each on Intel and AMD cores).
#include <string>
#include <vector>

namespace octet::bench {

enum class Chain { avx2_maddubs_ymm, avx512_maddubs_zmm, avx512_vnni_zmm, avx512_vnni_ymm, avx_vnni_ymm };

const char* chain_name(Chain c);
bool chain_supported(Chain c);
std::vector<Chain> all_chains();

struct PeakResult {
    Chain chain;
    int threads = 1;
    double gops = 0;            // 2 ops per MAC, all threads together (wall time)
    double macs_per_cycle = 0;  // per core, using the measured frequency (0 when unknown)
};

// Core clock in GHz from the dependent-imul chain (1 thread, best of a few runs).
double measure_ghz();
// One chain at `threads` threads (one per core), best of `reps` runs of ~`seconds` each.
PeakResult measure_peak(Chain c, int threads, double ghz, double seconds = 0.1, int reps = 3);

// The peak a benchmark compares with: the fastest supported chain at 1 and at 2
// threads, measured now. `log` gets one line per chain when non-null.
struct Peak {
    double ghz = 0;
    // Only chains whose ISA is within this cap count for best_*(): the ISA octet runs
    // at (jit::best_isa(), so OCTET_MAX_ISA=avx2 compares with the AVX2 chain).
    std::string cap;
    std::vector<PeakResult> all;                    // every supported chain, 1 and N threads
    double best_gops(int threads) const;            // fastest chain at that thread count
    std::string best_chain(int threads) const;
    double gops(Chain c, int threads) const;        // 0 when not measured
};
Peak measure_all_peaks(const std::vector<int>& thread_counts, bool print = true);

}  // namespace octet::bench
