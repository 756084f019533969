#include "peak.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <thread>

#include "common.hpp"
#include "jit/cpu.hpp"
#include "jit/generator.hpp"

namespace octet::bench {
namespace {

using namespace Xbyak;

double now_s() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

jit::Isa chain_isa(Chain c) {
    switch (c) {
    case Chain::avx2_maddubs_ymm: return jit::Isa::avx2;
    case Chain::avx512_maddubs_zmm: return jit::Isa::avx512_core;
    case Chain::avx512_vnni_zmm:
    case Chain::avx512_vnni_ymm: return jit::Isa::avx512_core_vnni;
    case Chain::avx_vnni_ymm: return jit::Isa::avx_vnni;
    }
    return jit::Isa::avx2;
}

// Instructions per loop iteration is fixed by the chain; the loop runs `iters`
// times (rdi). Returns nothing: the accumulators are dead, but the CPU does not know.
class ChainLoop : public jit::Generator {
public:
    static constexpr int kUnroll = 4;  // groups of independent chains per iteration
    explicit ChainLoop(Chain c) : jit::Generator(chain_isa(c)), chain_(c) {}
    std::string name() const override { return std::string("bench_peak_") + chain_name(chain_); }
    // MACs done by one loop iteration.
    int64_t macs_per_iter() const { return macs_per_iter_; }

protected:
    void generate() override {
        preamble();
        Label loop;
        mov(rax, 0x0101010101010101ull);  // a: u8 ones-ish pattern
        switch (chain_) {
        case Chain::avx2_maddubs_ymm: {
            // ymm15 = a (u8), ymm14 = b (s8), ymm13 = ones (s16); 6 chains, ymm0-5 acc, ymm6-11 temp
            vmovq(xmm15, rax); vpbroadcastq(ymm15, xmm15);
            vmovdqa(ymm14, ymm15);
            mov(eax, 0x00010001); vmovd(xmm13, eax); vpbroadcastd(ymm13, xmm13);
            for (int i = 0; i < 6; ++i) vpxor(Ymm(i), Ymm(i), Ymm(i));
            L(loop);
            for (int u = 0; u < kUnroll; ++u)
                for (int i = 0; i < 6; ++i) {
                    vpmaddubsw(Ymm(6 + i), ymm15, ymm14);
                    vpmaddwd(Ymm(6 + i), Ymm(6 + i), ymm13);
                    vpaddd(Ymm(i), Ymm(i), Ymm(6 + i));
                }
            macs_per_iter_ = int64_t(kUnroll) * 6 * 32;
            break;
        }
        case Chain::avx512_maddubs_zmm: {
            // zmm31 = a, zmm30 = b, zmm29 = ones; 12 chains: acc zmm0-11, temp zmm12-23
            vpbroadcastq(zmm31, rax);
            vmovdqa64(zmm30, zmm31);
            mov(eax, 0x00010001); vpbroadcastd(zmm29, eax);
            for (int i = 0; i < 12; ++i) vpxord(Zmm(i), Zmm(i), Zmm(i));
            L(loop);
            for (int u = 0; u < kUnroll; ++u)
                for (int i = 0; i < 12; ++i) {
                    vpmaddubsw(Zmm(12 + i), zmm31, zmm30);
                    vpmaddwd(Zmm(12 + i), Zmm(12 + i), zmm29);
                    vpaddd(Zmm(i), Zmm(i), Zmm(12 + i));
                }
            macs_per_iter_ = int64_t(kUnroll) * 12 * 64;
            break;
        }
        case Chain::avx512_vnni_zmm: {
            vpbroadcastq(zmm31, rax);
            vmovdqa64(zmm30, zmm31);
            for (int i = 0; i < 24; ++i) vpxord(Zmm(i), Zmm(i), Zmm(i));
            L(loop);
            for (int u = 0; u < kUnroll; ++u)
                for (int i = 0; i < 24; ++i) vpdpbusd(Zmm(i), zmm31, zmm30, EvexEncoding);
            macs_per_iter_ = int64_t(kUnroll) * 24 * 64;
            break;
        }
        case Chain::avx512_vnni_ymm: {
            vpbroadcastq(ymm31, rax);
            vmovdqa64(ymm30, ymm31);
            for (int i = 0; i < 24; ++i) vpxord(Ymm(i), Ymm(i), Ymm(i));
            L(loop);
            for (int u = 0; u < kUnroll; ++u)
                for (int i = 0; i < 24; ++i) vpdpbusd(Ymm(i), ymm31, ymm30, EvexEncoding);
            macs_per_iter_ = int64_t(kUnroll) * 24 * 32;
            break;
        }
        case Chain::avx_vnni_ymm: {
            vmovq(xmm15, rax); vpbroadcastq(ymm15, xmm15);
            vmovdqa(ymm14, ymm15);
            for (int i = 0; i < 12; ++i) vpxor(Ymm(i), Ymm(i), Ymm(i));
            L(loop);
            for (int u = 0; u < kUnroll; ++u)
                for (int i = 0; i < 12; ++i) vpdpbusd(Ymm(i), ymm15, ymm14, VexEncoding);
            macs_per_iter_ = int64_t(kUnroll) * 12 * 32;
            break;
        }
        }
        dec(abi_param1);
        jnz(loop, T_NEAR);
        postamble();
    }

private:
    Chain chain_;
    int64_t macs_per_iter_ = 0;
};

// 100 dependent imul r64 per iteration: 300 cycles per iteration.
class ImulLoop : public jit::Generator {
public:
    ImulLoop() : jit::Generator(jit::Isa::sse42) {}
    std::string name() const override { return "bench_peak_imul_chain"; }
    static constexpr int kChain = 100;

protected:
    void generate() override {
        preamble();
        Label loop;
        mov(rax, 1);
        mov(rcx, 1);
        L(loop);
        for (int i = 0; i < kChain; ++i) imul(rax, rcx);
        dec(abi_param1);
        jnz(loop, T_NEAR);
        postamble();
    }
};

// Runs fn(iters) on `threads` threads at once; returns the wall time of the slowest.
// At 1 thread it reads bench_clock_s() (common.hpp: the thread's CPU time when asked).
double run_threads(void (*fn)(int64_t), int64_t iters, int threads) {
    auto clock = [&] { return threads == 1 ? bench_clock_s() : now_s(); };
    const double t0 = clock();
    std::vector<std::thread> ts;
    for (int t = 1; t < threads; ++t) ts.emplace_back([&] { fn(iters); });
    fn(iters);
    for (auto& t : ts) t.join();
    return clock() - t0;
}

}  // namespace

const char* chain_name(Chain c) {
    switch (c) {
    case Chain::avx2_maddubs_ymm: return "avx2_vpmaddubsw+vpmaddwd+vpaddd_ymm";
    case Chain::avx512_maddubs_zmm: return "avx512_vpmaddubsw+vpmaddwd+vpaddd_zmm";
    case Chain::avx512_vnni_zmm: return "avx512_vnni_vpdpbusd_zmm";
    case Chain::avx512_vnni_ymm: return "avx512_vnni_vpdpbusd_ymm_evex";
    case Chain::avx_vnni_ymm: return "avx_vnni_vpdpbusd_ymm_vex";
    }
    return "?";
}

bool chain_supported(Chain c) { return jit::isa_supported(chain_isa(c)); }

std::vector<Chain> all_chains() {
    return {Chain::avx2_maddubs_ymm, Chain::avx512_maddubs_zmm, Chain::avx512_vnni_zmm, Chain::avx512_vnni_ymm,
            Chain::avx_vnni_ymm};
}

double measure_ghz() {
    ImulLoop g;
    g.create();
    auto fn = g.function<void(int64_t)>();
    fn(10000);  // warm up the clock
    double best = 0;
    for (int r = 0; r < 30; ++r) {  // short runs, many: on a shared machine some run undisturbed
        const int64_t iters = 20000;  // 6M cycles: ~2-3 ms
        const double t = run_threads(fn, iters, 1);
        best = std::max(best, double(iters) * ImulLoop::kChain * 3 / t / 1e9);
    }
    return best;
}

PeakResult measure_peak(Chain c, int threads, double ghz, double seconds, int reps) {
    PeakResult r;
    r.chain = c;
    r.threads = threads;
    ChainLoop g(c);
    g.create();
    auto fn = g.function<void(int64_t)>();
    // Calibrate the iteration count to ~`seconds`.
    int64_t iters = 1000;
    for (;;) {
        const double t = run_threads(fn, iters, 1);
        if (t > seconds / 4 || iters > (int64_t(1) << 40)) {
            iters = std::max<int64_t>(1, int64_t(double(iters) * seconds / t));
            break;
        }
        iters *= 4;
    }
    double best_t = 1e30;
    for (int k = 0; k < reps; ++k) best_t = std::min(best_t, run_threads(fn, iters, threads));
    const double macs = double(g.macs_per_iter()) * double(iters) * threads;
    r.gops = 2 * macs / best_t / 1e9;
    if (ghz > 0) r.macs_per_cycle = macs / threads / (best_t * ghz * 1e9);
    return r;
}

namespace {
bool within(const Peak& p, Chain c) {
    return p.cap.empty() || jit::isa_is_subset(chain_isa(c), jit::parse_isa(p.cap));
}
}  // namespace

double Peak::best_gops(int threads) const {
    double b = 0;
    for (const auto& r : all)
        if (r.threads == threads && within(*this, r.chain)) b = std::max(b, r.gops);
    return b;
}

std::string Peak::best_chain(int threads) const {
    double b = 0;
    std::string n;
    for (const auto& r : all)
        if (r.threads == threads && within(*this, r.chain) && r.gops > b) { b = r.gops; n = chain_name(r.chain); }
    return n;
}

double Peak::gops(Chain c, int threads) const {
    for (const auto& r : all)
        if (r.chain == c && r.threads == threads) return r.gops;
    return 0;
}

Peak measure_all_peaks(const std::vector<int>& thread_counts, bool print) {
    Peak p;
    p.cap = jit::isa_name(jit::best_isa());
    p.ghz = measure_ghz();
    if (print) std::printf("# peak: core clock %.2f GHz (dependent imul chain, 1 thread)\n", p.ghz);
    for (Chain c : all_chains()) {
        if (!chain_supported(c)) {
            if (print) std::printf("# peak: %-40s not supported on this CPU\n", chain_name(c));
            continue;
        }
        for (int t : thread_counts) {
            PeakResult r = measure_peak(c, t, p.ghz, 0.02, 15);
            p.all.push_back(r);
            if (print)
                std::printf("# peak: %-40s %d thr %8.1f GOPS  %6.1f GOPS/core  %5.1f MACs/cycle/core\n",
                            chain_name(c), t, r.gops, r.gops / t, r.macs_per_cycle);
        }
    }
    if (print)
        for (int t : thread_counts)
            std::printf("# peak used for %%-of-peak at %d thread(s): %s, %.1f GOPS (chains within octet's isa %s)\n", t,
                        p.best_chain(t).c_str(), p.best_gops(t), p.cap.c_str());
    std::fflush(stdout);
    return p;
}

}  // namespace octet::bench
