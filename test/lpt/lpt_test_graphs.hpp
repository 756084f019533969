#pragma once
// Pieces of the small FakeQuantize graphs the LPT tests build (test/lpt/), and
// the engine check they share: compiled at every ISA this CPU runs, the output
// equals the unfused int8 reference bit for bit and the named layer ran
// generated int8 code.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "jit/cpu.hpp"
#include "kernels/ref/ref.hpp"
#include "lpt/pass_manager.hpp"
#include "octet/octet.hpp"

namespace octet::lpt_test {

inline ir::Tensor scalar(float v) {
    ir::Tensor t(ir::ElemType::f32, {1, 1, 1, 1});
    t.data<float>()[0] = v;
    return t;
}

// A per-tensor 256-level FakeQuantize of an activation over [lo, hi].
inline ir::PortRef fq(ir::Graph& g, const std::string& name, ir::PortRef x, float lo, float hi) {
    ir::Attributes a;
    a.set("levels", ir::AttrValue(int64_t(256)));
    return g.add("FakeQuantize", name,
                 {x, g.constant(name + "/il", scalar(lo)), g.constant(name + "/ih", scalar(hi)),
                  g.constant(name + "/ol", scalar(lo)), g.constant(name + "/oh", scalar(hi))},
                 a);
}

// Convolution 1x1 (ic -> oc) with 255-level per-channel FakeQuantize weights in [-0.2, 0.2].
inline ir::PortRef conv1x1(ir::Graph& g, const std::string& name, ir::PortRef x, int64_t ic, int64_t oc) {
    ir::Tensor w(ir::ElemType::f32, {oc, ic, 1, 1});
    for (int64_t i = 0; i < w.numel(); ++i) w.data<float>()[i] = 0.05f * float(i % 7) - 0.15f;
    ir::Tensor wl(ir::ElemType::f32, {oc, 1, 1, 1}), wh(ir::ElemType::f32, {oc, 1, 1, 1});
    for (int64_t i = 0; i < oc; ++i) {
        wl.data<float>()[i] = -0.2f;
        wh.data<float>()[i] = 0.2f;
    }
    ir::Attributes wa;
    wa.set("levels", ir::AttrValue(int64_t(255)));
    ir::PortRef wq = g.add("FakeQuantize", name + "/fq_w",
                           {g.constant(name + "/w", w), g.constant(name + "/fq_w/il", wl),
                            g.constant(name + "/fq_w/ih", wh), g.constant(name + "/fq_w/ol", wl.clone()),
                            g.constant(name + "/fq_w/oh", wh.clone())},
                           wa);
    ir::Attributes conv;
    conv.set("strides", std::vector<int64_t>{1, 1});
    conv.set("dilations", std::vector<int64_t>{1, 1});
    conv.set("pads_begin", std::vector<int64_t>{0, 0});
    conv.set("pads_end", std::vector<int64_t>{0, 0});
    return g.add("Convolution", name, {x, wq}, conv);
}

// Attributes of a MaxPool / AvgPool with a k x k window, stride s and pad p on every side.
inline ir::Attributes pool_attrs(int64_t k, int64_t s, int64_t p) {
    ir::Attributes a;
    a.set("kernel", std::vector<int64_t>{k, k});
    a.set("strides", std::vector<int64_t>{s, s});
    a.set("pads_begin", std::vector<int64_t>{p, p});
    a.set("pads_end", std::vector<int64_t>{p, p});
    a.set("rounding_type", "floor");
    return a;
}

// Deterministic f32 input in about [-1.3, 1.6].
inline ir::Tensor input(const ir::Shape& s, int salt = 0) {
    ir::Tensor t(ir::ElemType::f32, s);
    for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = float((i * 29 + salt) % 89) / 30.f - 1.3f;
    return t;
}

// Compiles g at every ISA this CPU runs: the output equals the unfused int8
// reference bit for bit and `layer` executed as jit_..._I8.
inline void check_engine(const ir::Graph& g, const std::vector<ir::Tensor>& x, const std::string& layer) {
    const ir::Tensor want = kernels::ref::run_graph(lpt::transform(g, {false}), x).at(0);
    for (const char* isa : {"sse42", "avx2", "avx512_core", "avx512_core_vnni"}) {
        if (!jit::isa_supported(jit::parse_isa(isa))) continue;
        INFO(isa << " " << layer);
        CompileOptions opt;
        opt.threads = 2;
        opt.max_isa = isa;
        InferRequest rq = compile(Model::from_graph(g), opt).create_request();
        for (size_t i = 0; i < x.size(); ++i) rq.set_input(i, x[i]);
        rq.infer();
        CHECK(rq.output(size_t(0)).equals(want));
        bool seen = false;
        for (const PerfCounter& pc : rq.perf_counters())
            if (pc.layer_name == layer) {
                seen = true;
                CHECK(pc.exec_status == "EXECUTED");
                CHECK(pc.exec_type.rfind("jit_", 0) == 0);
                CHECK(pc.exec_type.substr(pc.exec_type.size() - 3) == "_I8");
            }
        CHECK(seen);
    }
}

}  // namespace octet::lpt_test
