// bench_matmul: int8 fully connected / matmul, octet against oneDNN int8 matmul and inner
// product and XNNPACK qs8 fully connected, at 1 and 2 threads, in one run, with the int8
// peak measured at the start (peak.hpp). For M=1 the weights stream: GB/s of weights is printed.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <immintrin.h>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "common.hpp"
#include "engine/threads.hpp"
#include "jit/cpu.hpp"
#include "kernels/matmul/jit_matmul_kernel.hpp"
#include "kernels/registry.hpp"
#include "peak.hpp"
#include "peers.hpp"

using namespace octet;
using namespace octet::bench;

namespace {
// Reads `bytes` (a multiple of 128) with 32-byte loads into 4 independent accumulators.
__attribute__((target("avx2"))) uint64_t read_sum(const char* p, size_t bytes) {
    __m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0;
    for (size_t i = 0; i < bytes; i += 128) {
        a0 = _mm256_add_epi64(a0, _mm256_load_si256(reinterpret_cast<const __m256i*>(p + i)));
        a1 = _mm256_add_epi64(a1, _mm256_load_si256(reinterpret_cast<const __m256i*>(p + i + 32)));
        a2 = _mm256_add_epi64(a2, _mm256_load_si256(reinterpret_cast<const __m256i*>(p + i + 64)));
        a3 = _mm256_add_epi64(a3, _mm256_load_si256(reinterpret_cast<const __m256i*>(p + i + 96)));
    }
    a0 = _mm256_add_epi64(_mm256_add_epi64(a0, a1), _mm256_add_epi64(a2, a3));
    return uint64_t(_mm256_extract_epi64(a0, 0) + _mm256_extract_epi64(a0, 1) + _mm256_extract_epi64(a0, 2) +
                    _mm256_extract_epi64(a0, 3));
}
}  // namespace

int main(int argc, char** argv) {
    const std::string omp_policy = ensure_omp_wait_policy(argv);
    Options o = parse_options(argc, argv,
                              "usage: bench_matmul [--threads 1,2] [--csv FILE] [--min-time S] [--filter SUBSTR] "
                              "[--wei7 | --wei-normal] [--octet-only] [--no-check] [--cold]\n"
                              "  --cold: every call timed with B (and A) evicted from the caches first, as\n"
                              "  inside a whole network; the median of 15 calls\n"
                              "  --wei-normal: weights like a real FC's (normal, quantized per output column);\n"
                              "  where the registry picks another kernel than the matmul JIT's (the conv's pxfix\n"
                              "  path at sse42 / avx2), the matmul JIT is timed too (a '# vs' line)\n");
    const char* shapes[] = {"mb1m1n1000k2048n\"fc_resnet50\"", "mb1m128n768k768n\"bert_qkv_out\"",
                            "mb1m128n3072k768n\"bert_ffn_up\"", "mb1m128n768k3072n\"bert_ffn_down\""};
    std::printf("# bench_matmul\n# %s\n# OMP_WAIT_POLICY=%s (oneDNN's OpenMP workers)\n", machine_summary().c_str(), omp_policy.c_str());
    const jit::Isa isa = jit::best_isa();
    std::printf("# octet isa: %s; weights %s\n", jit::isa_name(isa), o.wei_normal ? "normal per column" : o.wei7 ? "[-64,63]" : "[-128,127]");
    Peak peak = measure_all_peaks(o.threads);
    Csv csv({"shape", "threads", "m", "n", "k", "octet_exec_type", "octet_ms", "dnnl_matmul_ms", "dnnl_ip_ms",
             "xnnpack_fc_ms", "octet_gops", "dnnl_matmul_gops", "dnnl_ip_gops", "xnnpack_gops", "peak_gops",
             "octet_pct_peak", "octet_weight_gbs", "speedup_vs_dnnl_matmul", "speedup_vs_dnnl_ip",
             "speedup_vs_xnnpack", "diff_vs_dnnl_n", "diff_vs_dnnl_max", "diff_vs_xnn_n", "diff_vs_xnn_max"});
    // The read bandwidth at the size of each weight matrix (AVX2 loads over a buffer that
    // size, warm in cache like the weights are): the FC at M=1 is bounded by it.
    auto copy_gbs = [&](size_t bytes) {
        bytes = (bytes + 127) / 128 * 128;
        char* x = static_cast<char*>(std::aligned_alloc(64, bytes));
        std::memset(x, 1, bytes);
        volatile uint64_t sink = 0;
        const double ms = time_ms([&] { sink = sink + read_sum(x, bytes); }, o.min_time);
        std::free(x);
        return double(bytes) / (ms * 1e6);
    };
    for (const char* s : shapes) {
        kernels::MatmulDesc d = kernels::parse_matmul_desc(s);
        std::printf("# read bandwidth (AVX2 loads) at %s's weight size (%.2f MB): %.1f GB/s (1 thread)\n", d.name.c_str(),
                    double(d.b_elems()) / 1e6, copy_gbs(size_t(d.b_elems())));
    }
    for (int t : o.threads) {
        engine::ThreadPool pool(t);
        set_peer_threads(t);
        const double pk = peak.best_gops(t);
        std::printf("\n## %d thread(s); peak %.1f GOPS; speedup = peer ms / octet ms\n", t, pk);
        std::printf("%-14s %-22s %8s %8s %8s %8s | %7s %7s %7s %7s | %5s %7s | %6s %6s %6s | %s\n", "shape",
                    "octet exec", "octet", "dnnl_mm", "dnnl_ip", "xnn_fc", "GOPS", "dnnl_mm", "dnnl_ip", "xnn",
                    "%pk", "wGB/s", "x/mm", "x/ip", "x/xnn", "diff vs dnnl_mm / xnn");
        for (const char* s : shapes) {
            kernels::MatmulDesc d = kernels::parse_matmul_desc(s);
            if (!o.filter.empty() && d.name.find(o.filter) == std::string::npos) continue;
            std::mt19937 rng(99);
            std::vector<uint8_t> a(size_t(d.a_elems()));
            std::vector<int8_t> b(size_t(d.b_elems()));
            fill_u8(a, rng);
            if (o.wei_normal) {
                std::normal_distribution<float> nd;
                std::vector<float> f(size_t(d.k));
                for (int64_t n = 0; n < d.n; ++n) {
                    float mx = 1e-6f;
                    for (float& x : f) mx = std::max(mx, std::fabs(x = nd(rng)));
                    for (int64_t k = 0; k < d.k; ++k) b[size_t(k * d.n + n)] = int8_t(std::nearbyint(f[size_t(k)] / mx * 127.f));
                }
            } else if (o.wei7) fill_s8(b, rng, -64, 63); else fill_s8(b, rng, -128, 127);
            QuantParams q;  // one scale for all columns so that XNNPACK's qs8 (one weight scale) is comparable
            const float sc = float(80.0 / (std::sqrt(double(d.k)) * (o.wei7 ? 37.0 : 74.0) * 147.0));
            std::uniform_real_distribution<float> ub(-20.f, 40.f);
            for (int64_t n = 0; n < d.n; ++n) { q.scale.push_back(sc); q.bias.push_back(ub(rng)); }
            kernels::MatmulProblem p;
            p.desc = d;
            p.a_type = ir::ElemType::u8;
            p.b = b;
            p.epilogue = relu_u8_epilogue(q.scale, q.bias);
            auto k = kernels::create_matmul_kernel(p, isa);
            std::vector<uint8_t> dst(size_t(d.dst_elems()));
            kernels::MatmulArgs args;
            args.a = a.data();
            args.dst = dst.data();
            // One parallel loop of a kernel with a fresh loop id, as the engine passes (MatmulArgs::job).
            auto run_loop = [&](const kernels::MatmulKernel& kern) {
                kernels::MatmulArgs a1 = args;
                a1.job = engine::new_loop_id();
                pool.parallel_for(kern.work_units(), [&](int64_t b0, int64_t e0) { kern.run(a1, b0, e0); });
            };
            auto run_octet = [&] { run_loop(*k); };
            double ms[4] = {time_ms(run_octet, o.min_time), NAN, NAN, NAN};
            std::string why;
            if (auto mj = kernels::make_matmul_jit_kernel(p, isa, why); mj && mj->exec_type() != k->exec_type()) {
                const double mms = time_ms([&] { run_loop(*mj); }, o.min_time);
                std::printf("# vs %s: %s %.4f ms, %s %.4f ms (%.3fx)\n", d.name.c_str(), mj->exec_type().c_str(), mms,
                            k->exec_type().c_str(), ms[0], mms / ms[0]);
            }
            run_octet();
            OutputDiff dd, dx;
            if (!o.no_peers) {
                const std::vector<uint8_t>* check = o.check ? &dst : nullptr;
                for (int ip = 0; ip < 2; ++ip) {
                    const PeerTiming r = time_peer([&] { return make_dnnl_matmul(d, ip == 1, a, b, q); }, d.name,
                                                   ip ? "oneDNN ip" : "oneDNN matmul", o.min_time,
                                                   ip == 0 ? check : nullptr);
                    ms[1 + ip] = r.ms;
                    if (ip == 0) dd = r.diff;
                }
                const PeerTiming x = time_peer([&] { return make_xnn_fc(d, t, a, b, q); }, d.name, "XNNPACK",
                                               o.min_time, check);
                ms[3] = x.ms;
                dx = x.diff;
            }
            const double macs = double(d.macs());
            double g[4];
            for (int i = 0; i < 4; ++i) g[i] = 2 * macs / (ms[i] * 1e6);
            const double wgbs = double(d.b_elems()) / (ms[0] * 1e6);
            std::printf("%-14s %-22s %8.4f %8.4f %8.4f %8.4f | %7.1f %7.1f %7.1f %7.1f | %5.1f %7.1f | %6.2f %6.2f "
                        "%6.2f | %s %s\n",
                        d.name.c_str(), k->exec_type().c_str(), ms[0], ms[1], ms[2], ms[3], g[0], g[1], g[2], g[3],
                        100 * g[0] / pk, wgbs, ms[1] / ms[0], ms[2] / ms[0], ms[3] / ms[0], dd.str().c_str(), dx.str().c_str());
            std::fflush(stdout);
            auto opt = [](const OutputDiff& x, int64_t v) { return x.ok ? std::to_string(v) : std::string(); };
            csv.add({d.name, std::to_string(t), std::to_string(d.m), std::to_string(d.n), std::to_string(d.k),
                     k->exec_type(), fmt("%.5f", ms[0]), fmt("%.5f", ms[1]), fmt("%.5f", ms[2]), fmt("%.5f", ms[3]),
                     fmt("%.2f", g[0]), fmt("%.2f", g[1]), fmt("%.2f", g[2]), fmt("%.2f", g[3]), fmt("%.2f", pk),
                     fmt("%.2f", 100 * g[0] / pk), fmt("%.2f", wgbs), fmt("%.3f", ms[1] / ms[0]),
                     fmt("%.3f", ms[2] / ms[0]), fmt("%.3f", ms[3] / ms[0]), opt(dd, dd.n), opt(dd, dd.max), opt(dx, dx.n),
                     opt(dx, dx.max)});
        }
    }
    std::printf("# load average at the end: %s\n", load_average().c_str());
    csv.write(o.csv);
    return 0;
}
