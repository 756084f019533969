// bench_f32: octet's generated f32 Convolution / MatMul (kernels/f32/) against oneDNN f32
// on the same layers, in one run: every ResNet-50 v1.5 conv at batch 1 (bias + ReLU fused
// on both sides), the BERT-base matmuls (M=128: K=768 N=768 / 3072, K=3072 N=768) and FC
// M=1 K=2048 N=1000 (constant B on both sides, oneDNN's B in its preferred layout,
// reordered outside the timed loop), then octet's whole zoo:resnet50 and zoo:bert-layer f32
// (and zoo:mobilenetv2) latency with these kernels and their follower fusion, without the fusion
// (OCTET_F32_NO_FUSE=1) and with the reference conv/matmul (OCTET_F32_REF_CONV_MATMUL=1); then the
// MobileNet depthwise layers (conv_shapes_mobilenet_dw). octet's conv time includes its pad copy and compaction.
// ratio = octet ms / oneDNN ms (< 1: octet faster; the target is <= 1.5).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <time.h>

#include <oneapi/dnnl/dnnl.hpp>

#include "common.hpp"
#include "engine/threads.hpp"
#include "jit/cpu.hpp"
#include "kernels/conv/desc.hpp"
#include "kernels/f32/conv_f32_kernel.hpp"
#include "kernels/f32/matmul_f32_kernel.hpp"
#include "octet/octet.hpp"
#include "peers.hpp"

using namespace octet;
using namespace octet::bench;

namespace {

const char* kUsage =
    "usage: bench_f32 [--threads 1] [--csv FILE] [--shared DIR] [--min-time S] [--filter SUBSTR] [--octet-only]\n"
    "  ResNet-50 v1.5 convs (DIR/data/benchdnn/conv_shapes_resnet_50_v1_5, batch 1), BERT / FC matmuls,\n"
    "  and the zoo:resnet50 / zoo:bert-layer f32 models, octet against oneDNN f32.\n";

jit::Isa f32_isa() {
    const jit::Isa best = jit::best_isa();
    if (jit::isa_is_subset(jit::Isa::avx512_core, best)) return jit::Isa::avx512_core;
    if (jit::isa_is_subset(jit::Isa::avx2, best)) return jit::Isa::avx2;
    std::fprintf(stderr, "bench_f32: octet generates f32 code from AVX2 up; this CPU (or cap) has %s\n",
                 jit::isa_name(best));
    std::exit(1);
}

std::vector<kernels::ConvDesc> load(const std::string& path, const std::string& filter) {
    std::ifstream f(path);
    if (!f) {
        std::fprintf(stderr, "bench_f32: cannot read %s (use --shared DIR)\n", path.c_str());
        std::exit(1);
    }
    std::vector<kernels::ConvDesc> out;
    std::string line;
    while (std::getline(f, line)) {
        const size_t b = line.find_first_not_of(" \t");
        if (b == std::string::npos || line[b] == '#' || line[b] == '-') continue;
        line = line.substr(b, line.find_last_not_of(" \t\r") + 1 - b);
        kernels::ConvDesc d = kernels::parse_conv_desc(line);
        d.mb = 1;
        if (!filter.empty() && d.name.find(filter) == std::string::npos) continue;
        out.push_back(d);
    }
    return out;
}

// oneDNN f32 matmul, C[M,N] = A[M,K]·B[K,N] + bias, B constant in the layout the
// primitive prefers (reordered once, outside the timed loop).
class DnnlMatmulF32 {
public:
    DnnlMatmulF32(int64_t m, int64_t n, int64_t k, const std::vector<float>& a, const std::vector<float>& b,
                  const std::vector<float>& bias)
        : eng_(dnnl::engine::kind::cpu, 0), strm_(eng_) {
        using tag = dnnl::memory::format_tag;
        using dt = dnnl::memory::data_type;
        dnnl::memory::desc a_md({m, k}, dt::f32, tag::ab), b_any({k, n}, dt::f32, tag::any),
            bias_md({1, n}, dt::f32, tag::ab), c_md({m, n}, dt::f32, tag::ab);
        dnnl::matmul::desc md(a_md, b_any, bias_md, c_md);
        pd_ = dnnl::matmul::primitive_desc(md, eng_);
        prim_ = dnnl::matmul(pd_);
        a_ = dnnl::memory(a_md, eng_);
        std::copy(a.begin(), a.end(), static_cast<float*>(a_.get_data_handle()));
        dnnl::memory ub({{k, n}, dt::f32, tag::ab}, eng_);
        std::copy(b.begin(), b.end(), static_cast<float*>(ub.get_data_handle()));
        b_ = dnnl::memory(pd_.weights_desc(), eng_);
        dnnl::reorder(ub, b_).execute(strm_, ub, b_);
        bias_ = dnnl::memory(bias_md, eng_);
        std::copy(bias.begin(), bias.end(), static_cast<float*>(bias_.get_data_handle()));
        c_ = dnnl::memory(c_md, eng_);
        strm_.wait();
    }
    void run() {
        prim_.execute(strm_, {{DNNL_ARG_SRC, a_}, {DNNL_ARG_WEIGHTS, b_}, {DNNL_ARG_BIAS, bias_}, {DNNL_ARG_DST, c_}});
        strm_.wait();
    }
    const float* c() const { return static_cast<const float*>(c_.get_data_handle()); }
    std::string impl() const { return pd_.impl_info_str(); }

private:
    dnnl::engine eng_;
    dnnl::stream strm_;
    dnnl::matmul::primitive_desc pd_;
    dnnl::matmul prim_;
    dnnl::memory a_, b_, bias_, c_;
};

// Per-call CPU time of the calling thread in ms (best of `samples` samples of k
// calls): on the shared development box wall time is mostly descheduling, the
// thread's CPU time is not. Meaningful at 1 thread, where octet's pool and
// oneDNN's OpenMP both compute on the caller.
double cpu_ms(const std::function<void()>& fn, double min_time_s, int samples = 7) {
    auto now = [] {
        timespec ts;
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
        return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) * 1e-6;
    };
    fn();
    double t0 = now();
    fn();
    const double one = std::max(now() - t0, 1e-4);
    const int k = std::max(1, int(min_time_s * 1e3 / samples / one));
    double best = 1e30;
    for (int i = 0; i < samples; ++i) {
        t0 = now();
        for (int j = 0; j < k; ++j) fn();
        best = std::min(best, (now() - t0) / k);
    }
    return best;
}

std::string fmt(double v, const char* f = "%.3f") {
    if (std::isnan(v)) return "-";
    char buf[64];
    std::snprintf(buf, sizeof buf, f, v);
    return buf;
}

ir::Tensor random_input(const ir::Shape& s) {
    ir::Tensor t(ir::ElemType::f32, s);
    std::mt19937 rng(5);
    std::normal_distribution<float> nd(0.f, 1.f);
    for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = nd(rng);
    return t;
}

// Whole-model latency at `threads`: best sample of one infer() (CPU time at 1 thread).
// mode: 0 reference conv/matmul, 1 generated without the follower fusion, 2 generated + fused.
double model_ms(const std::string& zoo, int threads, int mode, double min_time, std::string& conv_type) {
    if (mode == 0) setenv("OCTET_F32_REF_CONV_MATMUL", "1", 1);
    if (mode == 1) setenv("OCTET_F32_NO_FUSE", "1", 1);
    const Model model = Model::from_zoo(zoo);
    CompileOptions opt;
    opt.threads = threads;
    CompiledModel cm = compile(model, opt);
    unsetenv("OCTET_F32_REF_CONV_MATMUL");
    unsetenv("OCTET_F32_NO_FUSE");
    InferRequest rq = cm.create_request();
    const ir::Graph& g = model.graph();
    rq.set_input(size_t(0), random_input(g.node(g.parameters()[0]).outputs[0].shape));
    auto infer = [&] { rq.infer(); };
    const double ms = threads == 1 ? cpu_ms(infer, min_time, 3) : time_ms(infer, min_time, 3);
    for (const PerfCounter& pc : rq.perf_counters())
        if ((pc.layer_type == "Convolution" || pc.layer_type == "MatMul") && pc.exec_status == "EXECUTED") {
            conv_type = pc.exec_type;
            break;
        }
    return ms;
}

}  // namespace

int main(int argc, char** argv) {
    const std::string omp_policy = ensure_omp_wait_policy(argv);
    Options o = parse_options(argc, argv, kUsage);
    if (o.threads == std::vector<int>{1, 2}) o.threads = {1};  // the default here: 1 thread
    const jit::Isa isa = f32_isa();
    const std::string dir = o.shared + "/data/benchdnn/";
    // ResNet-50 v1.5, then the MobileNet depthwise layers (3x3, stride 1 and 2).
    const std::vector<kernels::ConvDesc> resnet = load(dir + "conv_shapes_resnet_50_v1_5", o.filter);
    const std::vector<kernels::ConvDesc> mobilenet_dw = load(dir + "conv_shapes_mobilenet_dw", o.filter);
    std::printf("# bench_f32: octet f32 (%s) vs oneDNN f32; %s\n# OMP_WAIT_POLICY=%s; peers: %s\n",
                jit::isa_name(isa), machine_summary().c_str(), omp_policy.c_str(), peer_versions().c_str());
    std::printf("# ratio = octet ms / oneDNN ms (< 1: octet faster); at 1 thread every ms is the calling\n"
                "# thread's CPU time (best sample), at more threads wall time\n");
    Csv csv({"kind", "layer", "repeat", "threads", "desc", "flops", "octet_exec_type", "octet_ms", "dnnl_ms",
             "octet_gflops", "dnnl_gflops", "ratio"});

    for (int t : o.threads) {
        engine::ThreadPool pool(t);
        set_peer_threads(t);
        for (const std::vector<kernels::ConvDesc>* list : {&resnet, &mobilenet_dw}) {
        const std::vector<kernels::ConvDesc>& convs = *list;
        if (convs.empty()) continue;
        std::printf("\n## convolutions (%s), %d thread(s)\n%-32s %3s %-20s %9s %9s %8s %8s %6s\n",
                    list == &resnet ? "conv_shapes_resnet_50_v1_5" : "conv_shapes_mobilenet_dw", t, "layer", "*N",
                    "octet exec", "octet ms", "dnnl ms", "GFLOPS", "dnnl", "ratio");
        double tot_o = 0, tot_d = 0;
        int64_t layers = 0;
        for (size_t li = 0; li < convs.size(); ++li) {
            const kernels::ConvDesc& d = convs[li];
            std::mt19937 rng(100 + unsigned(li));
            std::normal_distribution<float> nd(0.f, 1.f);
            kernels::f32::ConvF32Desc fd;
            fd.mb = d.mb; fd.ic = d.ic; fd.ih = d.ih; fd.iw = d.iw; fd.oc = d.oc; fd.oh = d.oh; fd.ow = d.ow;
            fd.kh = d.kh; fd.kw = d.kw; fd.sh = d.sh; fd.sw = d.sw; fd.dh = d.dh + 1; fd.dw = d.dw + 1;
            fd.pt = d.ph; fd.pl = d.pw; fd.group = d.g; fd.post = {kernels::f32::GemmPost::relu};
            std::vector<float> w(size_t(d.wei_elems())), x(size_t(d.src_elems())), y(size_t(d.dst_elems()));
            for (float& v : w) v = nd(rng) * 0.05f;
            for (float& v : x) v = nd(rng);
            fd.bias.resize(size_t(d.oc));
            for (float& v : fd.bias) v = nd(rng) * 0.1f;
            kernels::f32::ConvF32Kernel k(fd, w.data(), isa);
            std::vector<float> ss(k.src_scratch_floats()), ds(k.dst_scratch_floats());
            kernels::f32::ConvF32Args a;
            a.src = x.data();
            a.dst = y.data();
            a.src_scratch = ss.data();
            a.dst_scratch = ds.data();
            auto run_octet = [&] {
                pool.parallel_for(k.prepare_units(), [&](int64_t b, int64_t e) { k.prepare(a, b, e); });
                pool.parallel_for(k.work_units(), [&](int64_t b, int64_t e) { k.run(a, b, e); });
                if (k.finish_units())
                    pool.parallel_for(k.finish_units(), [&](int64_t b, int64_t e) { k.finish(a, b, e); });
            };
            const double ms_o = t == 1 ? cpu_ms(run_octet, o.min_time) : time_ms(run_octet, o.min_time);
            double ms_d = NAN;
            std::string impl = "-";
            if (!o.no_peers) {
                // The shared oneDNN conv peer in f32 (bias + ReLU, format_tag::any); its source
                // values do not change its time.
                std::vector<uint8_t> src_u8(size_t(d.src_elems()), 1);
                std::vector<int8_t> wei_s8(size_t(d.wei_elems()), 1);
                QuantParams q;
                q.scale.assign(size_t(d.oc), 1.f);
                q.bias = fd.bias;
                try {
                    auto peer = make_dnnl_conv(d, false, src_u8, wei_s8, q);
                    impl = peer->impl();
                    auto run_peer = [&] { peer->run(); };
                    ms_d = t == 1 ? cpu_ms(run_peer, o.min_time) : time_ms(run_peer, o.min_time);
                } catch (const std::exception& e) {
                    std::fprintf(stderr, "%s: dnnl f32: %s\n", d.name.c_str(), e.what());
                }
            }
            const double flops = 2.0 * double(d.macs());
            tot_o += ms_o * double(d.repeat);
            tot_d += ms_d * double(d.repeat);
            layers += d.repeat;
            std::printf("%-32s %3lld %-20s %9.3f %9s %8.1f %8s %6s  %s\n", d.name.c_str(), (long long)d.repeat,
                        k.exec_type().c_str(), ms_o, fmt(ms_d).c_str(), flops / ms_o * 1e-6,
                        fmt(flops / ms_d * 1e-6, "%.1f").c_str(), fmt(ms_o / ms_d, "%.2f").c_str(), impl.c_str());
            std::fflush(stdout);
            csv.add({"conv", d.name, std::to_string(d.repeat), std::to_string(t), kernels::to_string(d),
                     fmt(flops, "%.0f"), k.exec_type(), fmt(ms_o, "%.4f"), fmt(ms_d, "%.4f"),
                     fmt(flops / ms_o * 1e-6, "%.2f"), fmt(flops / ms_d * 1e-6, "%.2f"), fmt(ms_o / ms_d, "%.3f")});
        }
        std::printf("%-32s %3s %-20s %9.2f %9s %8s %8s %6s   (weighted by *N: all %lld layers)\n", "TOTAL", "", "",
                    tot_o, fmt(tot_d, "%.2f").c_str(), "", "", fmt(tot_o / tot_d, "%.2f").c_str(), (long long)layers);
        }

        struct Mm { const char* name; int64_t m, n, k; };
        const Mm mms[] = {{"fc_m1_k2048_n1000", 1, 1000, 2048},
                          {"bert_m128_k768_n768", 128, 768, 768},
                          {"bert_m128_k768_n3072", 128, 3072, 768},
                          {"bert_m128_k3072_n768", 128, 768, 3072}};
        std::printf("\n## matmuls (constant B + bias), %d thread(s)\n%-24s %-16s %9s %9s %8s %8s %6s %10s\n", t,
                    "layer", "octet exec", "octet ms", "dnnl ms", "GFLOPS", "dnnl", "ratio", "max|diff|");
        for (const Mm& mm : mms) {
            if (!o.filter.empty() && std::string(mm.name).find(o.filter) == std::string::npos) continue;
            std::mt19937 rng(7);
            std::normal_distribution<float> nd(0.f, 1.f);
            std::vector<float> a(size_t(mm.m * mm.k)), b(size_t(mm.k * mm.n)), c(size_t(mm.m * mm.n));
            for (float& v : a) v = nd(rng);
            for (float& v : b) v = nd(rng) * 0.04f;
            kernels::f32::MatmulF32Desc md;
            md.m = mm.m;
            md.n = mm.n;
            md.k = mm.k;
            md.bias.resize(size_t(mm.n));
            for (float& v : md.bias) v = nd(rng) * 0.02f;
            const std::vector<float> bias = md.bias;
            kernels::f32::MatmulF32Kernel k(std::move(md), b.data(), isa);
            kernels::f32::MatmulF32Args args;
            args.a = a.data();
            args.c = c.data();
            auto run_octet = [&] { pool.parallel_for(k.work_units(), [&](int64_t x0, int64_t x1) { k.run(args, x0, x1); }); };
            const double ms_o = t == 1 ? cpu_ms(run_octet, o.min_time) : time_ms(run_octet, o.min_time);
            run_octet();
            double ms_d = NAN, diff = NAN;
            if (!o.no_peers) {
                try {
                    DnnlMatmulF32 peer(mm.m, mm.n, mm.k, a, b, bias);
                    auto run_peer = [&] { peer.run(); };
                    ms_d = t == 1 ? cpu_ms(run_peer, o.min_time) : time_ms(run_peer, o.min_time);
                    peer.run();
                    diff = 0;
                    for (size_t i = 0; i < c.size(); ++i) diff = std::max(diff, double(std::fabs(c[i] - peer.c()[i])));
                } catch (const std::exception& e) {
                    std::fprintf(stderr, "%s: dnnl f32 matmul: %s\n", mm.name, e.what());
                }
            }
            const double flops = 2.0 * double(mm.m) * double(mm.n) * double(mm.k);
            std::printf("%-24s %-16s %9.3f %9s %8.1f %8s %6s %10s\n", mm.name, k.exec_type().c_str(), ms_o,
                        fmt(ms_d).c_str(), flops / ms_o * 1e-6, fmt(flops / ms_d * 1e-6, "%.1f").c_str(),
                        fmt(ms_o / ms_d, "%.2f").c_str(), fmt(diff, "%.2g").c_str());
            std::fflush(stdout);
            csv.add({"matmul", mm.name, "1", std::to_string(t),
                     "m" + std::to_string(mm.m) + "n" + std::to_string(mm.n) + "k" + std::to_string(mm.k),
                     fmt(flops, "%.0f"), k.exec_type(), fmt(ms_o, "%.4f"), fmt(ms_d, "%.4f"),
                     fmt(flops / ms_o * 1e-6, "%.2f"), fmt(flops / ms_d * 1e-6, "%.2f"), fmt(ms_o / ms_d, "%.3f")});
        }

        if (o.filter.empty()) {
            std::printf("\n## whole f32 models, %d thread(s): octet with the reference conv/matmul, generated\n"
                        "## without the follower fusion (OCTET_F32_NO_FUSE=1), generated + fused\n", t);
            for (const char* zoo : {"resnet50", "bert-layer", "mobilenetv2"}) {
                std::string before_type, unfused_type, after_type;
                const double before = model_ms(zoo, t, 0, o.min_time, before_type);
                const double unfused = model_ms(zoo, t, 1, o.min_time, unfused_type);
                const double after = model_ms(zoo, t, 2, o.min_time, after_type);
                std::printf("zoo:%-12s reference %9.2f ms (%s)  unfused %8.2f ms  fused %8.2f ms (%s)  fusion %.2fx"
                            "  total %.2fx\n",
                            zoo, before, before_type.c_str(), unfused, after, after_type.c_str(), unfused / after,
                            before / after);
                csv.add({"model", std::string("zoo:") + zoo, "1", std::to_string(t), "-", "-", after_type,
                         fmt(after, "%.3f"), "-", "-", "-", fmt(before / after, "%.3f")});
                std::fflush(stdout);
            }
        }
    }
    csv.write(o.csv);
    return 0;
}
