// bench_f32_ops: octet's generated f32 ops (engine/f32/misc_executables, the
// path a compiled model runs) against oneDNN f32 on BERT / ResNet shapes, one
// process, same threads: Softmax [1,12,128,128] last axis, LayerNorm (MVN)
// [1,128,768], Gelu erf [1,128,3072], Add [1,256,56,56]. Prints both times,
// the ratio (oneDNN ms / octet ms: > 1 means octet is faster) and the largest
// relative difference of the two outputs. At 1 thread it also prints the
// per-call CPU time of the calling thread (best of 7 samples; oneDNN's
// single OpenMP thread is the caller): on a loaded shared machine that
// leaves out the time the thread spent descheduled, which wall time does not.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <oneapi/dnnl/dnnl.hpp>

#include "common.hpp"
#include "engine/f32/misc_executables.hpp"
#include "engine/threads.hpp"
#include "jit/cpu.hpp"
#include "peers.hpp"

using namespace octet;
using namespace octet::bench;

namespace {

using dt = dnnl::memory::data_type;

dnnl::engine& eng() {
    static dnnl::engine e(dnnl::engine::kind::cpu, 0);
    return e;
}
dnnl::stream& strm() {
    static dnnl::stream s(eng());
    return s;
}

dnnl::memory::format_tag plain_tag(size_t rank) {
    switch (rank) {
    case 2: return dnnl::memory::format_tag::ab;
    case 3: return dnnl::memory::format_tag::abc;
    default: return dnnl::memory::format_tag::abcd;
    }
}

struct Case {
    const char* name;
    const char* op;
    ir::Shape shape;
    bool binary;
};

// The octet side: one node compiled into its Executable.
struct OctetOp {
    ir::Graph g;
    int id = -1;
    std::shared_ptr<const engine::Executable> exec;
};

OctetOp make_octet(const Case& c, jit::Isa isa) {
    OctetOp o;
    std::vector<ir::PortRef> in = {o.g.parameter("a", ir::ElemType::f32, c.shape)};
    if (c.binary) in.push_back(o.g.parameter("b", ir::ElemType::f32, c.shape));
    ir::Attributes a;
    if (std::strcmp(c.op, "Softmax") == 0) a.set("axis", int(c.shape.size()) - 1);
    if (std::strcmp(c.op, "MVN") == 0) {
        a.set("axes", std::vector<int64_t>{int64_t(c.shape.size()) - 1});
        a.set("eps", 1e-12f);
        a.set("eps_mode", "inside_sqrt");
    }
    const ir::PortRef y = o.g.add(c.op, c.name, in, a);
    o.g.result("y", y);
    o.g.infer();
    o.id = y.node;
    o.exec = engine::f32::make_misc_executable(o.g, o.id, isa);
    return o;
}

// The oneDNN side: the matching primitive on plain f32 memory.
struct DnnlOp {
    dnnl::primitive prim;
    std::unordered_map<int, dnnl::memory> args;
    dnnl::memory dst;
    std::string impl;
};

DnnlOp make_dnnl(const Case& c, const std::vector<float>& a, const std::vector<float>& b) {
    const dnnl::memory::dims dims(c.shape.begin(), c.shape.end());
    const dnnl::memory::desc md(dims, dt::f32, plain_tag(c.shape.size()));
    DnnlOp d;
    dnnl::memory src(md, eng(), const_cast<float*>(a.data()));
    d.dst = dnnl::memory(md, eng());
    d.args = {{DNNL_ARG_SRC, src}, {DNNL_ARG_DST, d.dst}};
    const auto fwd = dnnl::prop_kind::forward_inference;
    if (std::strcmp(c.op, "Softmax") == 0) {
        dnnl::softmax_forward::primitive_desc pd({fwd, md, int(c.shape.size()) - 1}, eng());
        d.impl = pd.impl_info_str();
        d.prim = dnnl::softmax_forward(pd);
    } else if (std::strcmp(c.op, "MVN") == 0) {
        dnnl::layer_normalization_forward::primitive_desc pd(
            {fwd, md, 1e-12f, dnnl::normalization_flags::none}, eng());
        d.impl = pd.impl_info_str();
        if (pd.mean_desc().get_size() > 0) {
            d.args[DNNL_ARG_MEAN] = dnnl::memory(pd.mean_desc(), eng());
            d.args[DNNL_ARG_VARIANCE] = dnnl::memory(pd.variance_desc(), eng());
        }
        d.prim = dnnl::layer_normalization_forward(pd);
    } else if (std::strcmp(c.op, "Gelu") == 0) {
        dnnl::eltwise_forward::primitive_desc pd({fwd, dnnl::algorithm::eltwise_gelu_erf, md, 0.f, 0.f}, eng());
        d.impl = pd.impl_info_str();
        d.prim = dnnl::eltwise_forward(pd);
    } else {  // Add
        dnnl::binary::primitive_desc pd({dnnl::algorithm::binary_add, md, md, md}, eng());
        d.impl = pd.impl_info_str();
        d.args = {{DNNL_ARG_SRC_0, src},
                  {DNNL_ARG_SRC_1, dnnl::memory(md, eng(), const_cast<float*>(b.data()))},
                  {DNNL_ARG_DST, d.dst}};
        d.prim = dnnl::binary(pd);
    }
    return d;
}

// Per-call CPU time (ms) of this thread: best of 7 samples of `calls` calls each.
double thread_cpu_ms(const std::function<void()>& fn, int calls) {
    auto now = [] {
        timespec t;
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
        return double(t.tv_sec) * 1e3 + double(t.tv_nsec) * 1e-6;
    };
    fn();
    double best = INFINITY;
    for (int s = 0; s < 7; ++s) {
        const double t0 = now();
        for (int i = 0; i < calls; ++i) fn();
        best = std::min(best, (now() - t0) / calls);
    }
    return best;
}

}  // namespace

int main(int argc, char** argv) {
    const std::string omp_policy = ensure_omp_wait_policy(argv);
    Options o = parse_options(argc, argv,
                              "usage: bench_f32_ops [--threads 1,2] [--csv FILE] [--min-time S] [--filter SUBSTR]\n");
    const Case cases[] = {
        {"softmax_bert", "Softmax", {1, 12, 128, 128}, false},
        {"layernorm_bert", "MVN", {1, 128, 768}, false},
        {"gelu_erf_bert", "Gelu", {1, 128, 3072}, false},
        {"add_resnet", "Add", {1, 256, 56, 56}, true},
    };
    std::printf("# bench_f32_ops\n# %s\n# OMP_WAIT_POLICY=%s (oneDNN's OpenMP workers)\n", machine_summary().c_str(),
                omp_policy.c_str());
    const jit::Isa isa = jit::best_isa();
    std::printf("# octet isa: %s; oneDNN %s\n", jit::isa_name(isa), peer_versions().c_str());
    Csv csv({"case", "shape", "threads", "octet_exec_type", "octet_ms", "dnnl_ms", "speedup_vs_dnnl", "octet_cpu_ms",
             "dnnl_cpu_ms", "cpu_speedup_vs_dnnl", "max_rel_diff", "dnnl_impl"});
    for (int t : o.threads) {
        engine::ThreadPool pool(t);
        set_peer_threads(t);
        std::printf("\n## %d thread(s); x/dnnl = oneDNN ms / octet ms (> 1: octet faster)\n", t);
        std::printf("%-16s %-18s %-16s %9s %9s | %6s | %9s %9s | %6s | %-9s %s\n", "case", "shape", "octet exec",
                    "octet ms", "dnnl ms", "x/dnnl", "octet cpu", "dnnl cpu", "x/dnnl", "rel diff", "dnnl impl");
        for (const Case& c : cases) {
            if (!o.filter.empty() && std::string(c.name).find(o.filter) == std::string::npos) continue;
            const size_t n = size_t(ir::num_elements(c.shape));
            std::mt19937 rng(11);
            std::uniform_real_distribution<float> dist(-4.f, 4.f);
            std::vector<float> a(n), b(n);
            for (float& v : a) v = dist(rng);
            for (float& v : b) v = dist(rng);
            OctetOp op = make_octet(c, isa);
            if (!op.exec) {
                std::printf("%-16s octet has no generated kernel at %s\n", c.name, jit::isa_name(isa));
                continue;
            }
            std::vector<ir::Tensor> ins = {ir::Tensor(ir::ElemType::f32, c.shape)};
            std::memcpy(ins[0].raw(), a.data(), n * sizeof(float));
            if (c.binary) {
                ins.push_back(ir::Tensor(ir::ElemType::f32, c.shape));
                std::memcpy(ins[1].raw(), b.data(), n * sizeof(float));
            }
            std::vector<ir::Tensor> outs = {ir::Tensor(ir::ElemType::f32, c.shape)};
            const double octet_ms = time_ms([&] { op.exec->run(ins, outs, pool); }, o.min_time);
            const bool cpu = t == 1;
            const double octet_cpu = cpu ? thread_cpu_ms([&] { op.exec->run(ins, outs, pool); }, 20) : NAN;
            double dnnl_ms = NAN, diff = NAN, dnnl_cpu = NAN;
            std::string impl = "-";
            try {
                DnnlOp d = make_dnnl(c, a, b);
                impl = d.impl;
                dnnl_ms = time_ms([&] { d.prim.execute(strm(), d.args); strm().wait(); }, o.min_time);
                if (cpu) dnnl_cpu = thread_cpu_ms([&] { d.prim.execute(strm(), d.args); strm().wait(); }, 20);
                const float* p = static_cast<const float*>(d.dst.get_data_handle());
                const float* q = static_cast<const float*>(outs[0].raw());
                double scale = 0, worst = 0;
                for (size_t i = 0; i < n; ++i) scale = std::max(scale, double(std::fabs(p[i])));
                for (size_t i = 0; i < n; ++i) worst = std::max(worst, double(std::fabs(p[i] - q[i])));
                diff = worst / std::max(scale, 1e-30);
            } catch (const std::exception& e) {
                std::fprintf(stderr, "%s: oneDNN: %s\n", c.name, e.what());
            }
            std::printf("%-16s %-18s %-16s %9.4f %9.4f | %6.2f | %9.4f %9.4f | %6.2f | %9.2e %s\n", c.name,
                        ir::to_string(c.shape).c_str(), op.exec->exec_type().c_str(), octet_ms, dnnl_ms,
                        dnnl_ms / octet_ms, octet_cpu, dnnl_cpu, dnnl_cpu / octet_cpu, diff, impl.c_str());
            std::fflush(stdout);
            csv.add({c.name, ir::to_string(c.shape), std::to_string(t), op.exec->exec_type(), fmt("%.5f", octet_ms),
                     fmt("%.5f", dnnl_ms), fmt("%.3f", dnnl_ms / octet_ms), fmt("%.5f", octet_cpu), fmt("%.5f", dnnl_cpu),
                     fmt("%.3f", dnnl_cpu / octet_cpu), fmt("%.3g", diff), "\"" + impl + "\""});
        }
    }
    std::printf("# load average at the end: %s\n", load_average().c_str());
    csv.write(o.csv);
    return 0;
}
