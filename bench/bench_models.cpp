// bench_models: the zoo models end to end, in one run. For each int8 model
// (zoo:resnet50-int8, zoo:mobilenetv2-int8, zoo:bert-layer-int8) and its f32
// original: compile time, latency of one request at 1 and 2 threads, the
// activation arena next to the largest single step (inputs + outputs: no plan
// can go below it), and the exec types that ran. Then oneDNN int8 and f32 over
// the same conv layers (and oneDNN int8 over the constant-weight matmuls), with
// octet's own time on those layers read from its performance counters, so the
// ratios compare like with like.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <octet/octet.hpp>

#include "common.hpp"
#include "kernels/ref/int8_ops.hpp"
#include "peers.hpp"

using namespace octet;
using namespace octet::bench;

namespace {

const char* kUsage =
    "usage: bench_models [--threads 1,2] [--csv FILE] [--min-time S] [--filter SUBSTR] [--octet-only]\n"
    "  Runs the int8 zoo models and their f32 originals; --filter keeps the models whose name contains SUBSTR.\n";

double ms_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

double median(std::vector<double> v) {
    if (v.empty()) return NAN;
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

ir::Tensor random_input(const ir::TensorDesc& d, std::mt19937& g) {
    ir::Tensor t(d.type, d.shape);
    if (d.type == ir::ElemType::f32) {
        std::normal_distribution<float> n(0.f, 1.f);
        float* p = t.data<float>();
        for (int64_t i = 0; i < t.numel(); ++i) p[i] = n(g);
    }
    return t;
}

struct ModelRun {
    double compile_ms = NAN;                // wall time of compile() at the first thread count
    std::map<int, double> ms;               // threads -> latency of one infer()
    std::map<int, double> conv_ms;          // threads -> octet's time in Convolution layers (counters)
    std::map<int, double> matmul_ms;        // threads -> octet's time in MatMul layers with constant weights
    size_t peak_bytes = 0, largest_step = 0, total_bytes = 0;
    std::map<std::string, int> exec_types;  // executed steps by exec type
    std::string isa;
};

// The sum of the per-layer wall times of one infer() over the layers whose
// original op is Convolution / MatMul (fused nodes are NOT_RUN and count
// nothing), median of `runs` runs.
std::pair<double, double> conv_matmul_ms(InferRequest& r, int runs) {
    std::vector<double> conv, matmul;
    for (int i = 0; i < runs; ++i) {
        r.infer();
        double c = 0, m = 0;
        for (const PerfCounter& pc : r.perf_counters()) {
            if (pc.exec_status != "EXECUTED") continue;
            if (pc.layer_type == "Convolution") c += pc.real_time_ms;
            if (pc.layer_type == "MatMul") m += pc.real_time_ms;
        }
        conv.push_back(c);
        matmul.push_back(m);
    }
    return {median(conv), median(matmul)};
}

ModelRun run_model(const Model& m, const std::vector<int>& threads, double min_time) {
    ModelRun out;
    std::mt19937 g(7);
    for (int t : threads) {
        CompileOptions o;
        o.threads = t;
        const auto t0 = std::chrono::steady_clock::now();
        CompiledModel c = compile(m, o);
        if (t == threads.front()) {
            out.compile_ms = ms_since(t0);
            out.peak_bytes = c.peak_activation_bytes();
            out.largest_step = c.largest_step_bytes();
            out.total_bytes = c.total_activation_bytes();
            out.isa = c.isa();
        }
        InferRequest r = c.create_request();
        for (size_t i = 0; i < c.inputs().size(); ++i) r.set_input(i, random_input(c.inputs()[i].desc, g));
        out.ms[t] = time_ms([&] { r.infer(); }, min_time);
        const int runs = out.ms[t] < 50 ? 15 : 3;  // a model on reference kernels takes seconds
        std::tie(out.conv_ms[t], out.matmul_ms[t]) = conv_matmul_ms(r, runs);
        if (t == threads.front())
            for (const PerfCounter& pc : r.perf_counters())
                if (pc.exec_status == "EXECUTED") out.exec_types[pc.exec_type]++;
    }
    return out;
}

// The conv and constant-weight matmul layers of a compiled int8 graph, as the
// kernels see them (batch, groups, padding, strides from the LPT's output).
struct Layers {
    std::vector<kernels::ConvDesc> convs;
    std::vector<kernels::MatmulDesc> matmuls;
};

Layers layers_of(const CompiledModel& c) {
    Layers l;
    const ir::Graph& g = c.graph();
    for (const ir::Node& n : g.nodes()) {
        if (n.op == "ConvolutionI8" && g.node(n.inputs.at(1).node).op == "Constant")
            l.convs.push_back(kernels::ref::conv_problem_of(n, g.desc(n.inputs[0]), g.node(n.inputs[1].node).value).desc);
        if (n.op == "MatMulI8" && g.node(n.inputs.at(1).node).op == "Constant") {
            const ir::Tensor& b = g.node(n.inputs[1].node).value;
            l.matmuls.push_back(kernels::ref::matmul_problem_of(n, g.desc(n.inputs[0]), b.shape(), &b).desc);
        }
    }
    return l;
}

struct PeerSums {
    double conv_int8 = 0, conv_f32 = 0, matmul_int8 = 0;
    int failed = 0;
};

// oneDNN over the same layers, random data of the same shapes, primitives made
// outside the timed loop (set_peer_threads first: oneDNN sizes its split at creation).
PeerSums time_peers(const Layers& l, int threads, double min_time) {
    PeerSums s;
    set_peer_threads(threads);
    std::mt19937 g(11);
    auto add = [&](double& sum, const PeerTiming& pt) {
        if (std::isnan(pt.ms)) ++s.failed; else sum += pt.ms;
    };
    for (const kernels::ConvDesc& d : l.convs) {
        std::vector<uint8_t> src(size_t(d.src_elems()));
        std::vector<int8_t> wei(size_t(d.wei_elems()));
        fill_u8(src, g);
        fill_s8(wei, g, -128, 127);
        QuantParams q;
        q.scale.assign(size_t(d.oc), 1.f / 4096.f);
        q.bias.assign(size_t(d.oc), 1.f);
        add(s.conv_int8, time_peer([&] { return make_dnnl_conv(d, true, src, wei, q); }, d.name, "oneDNN int8", min_time));
        add(s.conv_f32, time_peer([&] { return make_dnnl_conv(d, false, src, wei, q); }, d.name, "oneDNN f32", min_time));
    }
    for (const kernels::MatmulDesc& d : l.matmuls) {
        std::vector<uint8_t> a(size_t(d.a_elems()));
        std::vector<int8_t> b(size_t(d.b_elems()));
        fill_u8(a, g);
        fill_s8(b, g, -128, 127);
        QuantParams q;
        q.scale.assign(size_t(d.n), 1.f / 4096.f);
        q.bias.assign(size_t(d.n), 1.f);
        add(s.matmul_int8,
            time_peer([&] { return make_dnnl_matmul(d, false, a, b, q); }, d.name, "oneDNN int8 matmul", min_time));
    }
    return s;
}

std::string mib(size_t b) { return fmt("%.2f", double(b) / (1024.0 * 1024.0)); }

std::string exec_summary(const std::map<std::string, int>& e) {
    std::string s;
    int ref = 0;
    for (const auto& [k, n] : e) {
        s += (s.empty() ? "" : " ") + k + "x" + std::to_string(n);
        if (k.rfind("ref_", 0) == 0) ref += n;
    }
    return s + (ref ? fmt("  [%d ref_ steps]", ref) : "  [no ref_ step]");
}

}  // namespace

int main(int argc, char** argv) {
    const std::string omp_policy = ensure_omp_wait_policy(argv);
    Options o = parse_options(argc, argv, kUsage);
    std::printf("# bench_models: octet's compiled zoo models, one request, batch 1\n");
    std::printf("# %s\n# OMP_WAIT_POLICY=%s; peers: %s\n", machine_summary().c_str(), omp_policy.c_str(),
                peer_versions().c_str());

    const std::vector<std::pair<std::string, std::string>> zoo = {
        {"resnet50-int8", "resnet50"}, {"mobilenetv2-int8", "mobilenetv2"}, {"bert-layer-int8", "bert-layer"}};
    std::vector<std::string> header = {"model", "precision", "isa", "compile_ms", "peak_activation_bytes",
                                       "largest_step_bytes", "total_activation_bytes"};
    for (int t : o.threads)
        for (const char* c : {"ms", "conv_ms", "matmul_ms", "dnnl_conv_int8_ms", "dnnl_conv_f32_ms",
                              "dnnl_matmul_int8_ms", "f32_over_int8"})
            header.push_back(fmt("%s_%dt", c, t));
    Csv csv(header);

    for (const auto& [int8_name, f32_name] : zoo) {
        if (!o.filter.empty() && int8_name.find(o.filter) == std::string::npos) continue;
        std::printf("\n## zoo:%s and zoo:%s\n", int8_name.c_str(), f32_name.c_str());
        std::fflush(stdout);
        const Model mi = Model::from_zoo(int8_name), mf = Model::from_zoo(f32_name);
        const ModelRun ri = run_model(mi, o.threads, o.min_time);
        const ModelRun rf = run_model(mf, o.threads, o.min_time);
        const Layers layers = layers_of(compile(mi, {}));
        std::map<int, PeerSums> peers;
        if (!o.no_peers)
            for (int t : o.threads) peers[t] = time_peers(layers, t, o.min_time);

        for (const ModelRun* r : {&ri, &rf}) {
            const bool i8 = r == &ri;
            std::printf("%-18s %-4s isa %s  compile %.1f ms  activations: arena %s MiB, largest step (in+out) %s MiB, "
                        "all %s MiB\n",
                        (i8 ? int8_name : f32_name).c_str(), i8 ? "int8" : "f32", r->isa.c_str(), r->compile_ms,
                        mib(r->peak_bytes).c_str(), mib(r->largest_step).c_str(), mib(r->total_bytes).c_str());
            std::printf("    exec types: %s\n", exec_summary(r->exec_types).c_str());
        }
        std::printf("  %3s | %10s %10s %7s | %9s %9s %9s %7s %7s | %9s %9s %7s\n", "thr", "octet int8", "octet f32",
                    "f32/i8", "i8 convs", "dnnl i8", "dnnl f32", "dn8/x", "dnf32/x", "i8 matmul", "dnnl i8", "dn8/x");
        std::vector<std::string> row_i = {int8_name, "int8", ri.isa, fmt("%.2f", ri.compile_ms),
                                          std::to_string(ri.peak_bytes), std::to_string(ri.largest_step),
                                          std::to_string(ri.total_bytes)};
        std::vector<std::string> row_f = {f32_name, "f32", rf.isa, fmt("%.2f", rf.compile_ms),
                                          std::to_string(rf.peak_bytes), std::to_string(rf.largest_step),
                                          std::to_string(rf.total_bytes)};
        for (int t : o.threads) {
            const PeerSums p = peers.count(t) ? peers[t] : PeerSums{NAN, NAN, NAN, 0};
            const bool has_conv = !layers.convs.empty(), has_mm = !layers.matmuls.empty();
            const double ci = ri.conv_ms.at(t), mi_ms = ri.matmul_ms.at(t);
            std::printf("  %3d | %10.3f %10.3f %7.2f | %9.3f %9.3f %9.3f %7.2f %7.2f | %9.3f %9.3f %7.2f%s\n", t,
                        ri.ms.at(t), rf.ms.at(t), rf.ms.at(t) / ri.ms.at(t), has_conv ? ci : NAN,
                        has_conv ? p.conv_int8 : NAN, has_conv ? p.conv_f32 : NAN, p.conv_int8 / ci, p.conv_f32 / ci,
                        has_mm ? mi_ms : NAN, has_mm ? p.matmul_int8 : NAN, p.matmul_int8 / mi_ms,
                        p.failed ? fmt("  (%d peer layers failed)", p.failed).c_str() : "");
            row_i.insert(row_i.end(), {fmt("%.4f", ri.ms.at(t)), fmt("%.4f", ci), fmt("%.4f", mi_ms),
                                       fmt("%.4f", p.conv_int8), fmt("%.4f", p.conv_f32), fmt("%.4f", p.matmul_int8),
                                       fmt("%.3f", rf.ms.at(t) / ri.ms.at(t))});
            row_f.insert(row_f.end(), {fmt("%.4f", rf.ms.at(t)), fmt("%.4f", rf.conv_ms.at(t)),
                                       fmt("%.4f", rf.matmul_ms.at(t)), "", "", "", ""});
        }
        std::printf("  layers: %zu convs, %zu constant-weight matmuls (oneDNN over those; its sums leave out every "
                    "other op, octet's whole-model time does not)\n",
                    layers.convs.size(), layers.matmuls.size());
        if (o.threads.size() >= 2) {
            const int t0 = o.threads.front(), t1 = o.threads.back();
            std::printf("  scaling %d->%d threads: octet int8 %.2fx, octet f32 %.2fx\n", t0, t1,
                        ri.ms.at(t0) / ri.ms.at(t1), rf.ms.at(t0) / rf.ms.at(t1));
        }
        std::fflush(stdout);
        csv.add(row_i);
        csv.add(row_f);
    }
    std::printf("\n# columns: octet int8/f32 = ms of one infer() (best of 5 samples); i8 convs / i8 matmul = octet's "
                "own time in those layers (performance counters, median of 15 runs, 3 when a run takes over 50 ms); dnnl = oneDNN over the same "
                "layers; dn8/x = oneDNN ms / octet ms (>1: octet faster)\n");
    std::printf("# load average at the end: %s\n", load_average().c_str());
    csv.write(o.csv);
    return 0;
}
