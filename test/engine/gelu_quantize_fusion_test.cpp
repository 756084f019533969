// Fusion of the Quantize that reads an f32 Gelu into it (engine/f32/fuse_f32.hpp,
// fuse_gelu_quantize): the BERT FFN's Gelu -> FakeQuantize -> MatMul. Each graph
// runs fused (the default), with this fusion off (OCTET_F32_NO_QUANTIZE_FUSE=1)
// and with every f32 fusion off (OCTET_F32_NO_FUSE=1), at sse42 (no f32 Gelu
// code: nothing fuses) and at the f32 JIT caps this machine runs (avx2,
// avx512_core), on 1 and 2 threads. The outputs must agree byte for byte: the
// fused step computes the generated Gelu's f32 value and quantizes it as the
// Quantize kernel does. The counters list the Quantize NOT_RUN under the Gelu;
// a Gelu with a second reader, or a Quantize that writes NHWC, is not fused.
#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

#include "jit/cpu.hpp"
#include "kernels/ref/ref.hpp"
#include "octet/octet.hpp"
#include "../scoped_env.hpp"
#include "test_graphs.hpp"

using namespace octet;

namespace {

using test::ScopedEnv;

// sse42 (the f32 Gelu stays on the reference) and the f32 JIT caps this machine runs.
std::vector<std::string> caps() {
    std::vector<std::string> v = {"sse42"};
    const jit::Isa best = jit::best_isa("");
    for (const char* c : {"avx2", "avx512_core"})
        if (jit::isa_is_subset(jit::parse_isa(c), best)) v.push_back(c);
    return v;
}

ir::Tensor filled(const ir::Shape& s, float v) {
    ir::Tensor t(ir::ElemType::f32, s);
    for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = v;
    return t;
}

ir::PortRef fake_quantize(ir::Graph& g, const std::string& name, ir::PortRef x, float lo, float hi, int levels,
                          const ir::Shape& range_shape = {1}) {
    auto il = g.constant(name + "/il", filled(range_shape, lo));
    auto ih = g.constant(name + "/ih", filled(range_shape, hi));
    auto ol = g.constant(name + "/ol", filled(range_shape, lo));
    auto oh = g.constant(name + "/oh", filled(range_shape, hi));
    ir::Attributes a;
    a.set("levels", levels);
    return g.add("FakeQuantize", name, {x, il, ih, ol, oh}, a);
}

ir::Attributes gelu_attrs(bool tanh) {
    ir::Attributes a;
    a.set("approximation_mode", tanh ? "tanh" : "erf");
    return a;
}

ir::Attributes matmul_attrs() {
    ir::Attributes a;
    a.set("transpose_a", ir::AttrValue(false));
    a.set("transpose_b", ir::AttrValue(false));
    return a;
}

enum class Case {
    fq_matmul,       // Gelu -> FakeQuantize (per tensor) -> MatMul with quantized weights
    fq_result,       // Gelu -> FakeQuantize (u8 style) -> graph output (Quantize -> Dequantize)
    per_channel,     // Gelu -> Quantize (per channel on the last axis) -> Dequantize -> output
    per_channel_4d,  // [1,C,H,W] Gelu -> Quantize (per channel on axis 1: channel runs) -> Dequantize
    second_reader,   // fq_matmul with the Gelu's output also a graph output: not fused
    nhwc,            // [1,C,H,W] Gelu -> FakeQuantize -> Convolution: the Quantize writes NHWC, not fused
};

const char* case_name(Case c) {
    switch (c) {
    case Case::fq_matmul: return "FakeQuantize -> MatMul";
    case Case::fq_result: return "FakeQuantize (u8) -> output";
    case Case::per_channel: return "per-channel Quantize, channel last";
    case Case::per_channel_4d: return "per-channel Quantize, NCHW channel runs";
    case Case::second_reader: return "Gelu output also a graph output";
    case Case::nhwc: return "Quantize writing NHWC for a convolution";
    }
    return "?";
}

bool fuses(Case c) { return c != Case::second_reader && c != Case::nhwc; }

struct Built {
    ir::Graph g;
    std::vector<ir::Tensor> inputs;
    std::string quantize;  // the FakeQuantize / Quantize that folds
};

// a -> MatMul (f32) | Convolution (f32) -> "gelu" -> the case's quantization and reader.
Built build(Case c, bool tanh) {
    Built b;
    ir::Graph& g = b.g;
    const bool four_d = c == Case::per_channel_4d || c == Case::nhwc;
    const int64_t K = 24, N = 40, C = 6;
    ir::PortRef y;
    if (four_d) {
        const ir::Shape xs = {1, 4, 7, 9};
        auto x = g.parameter("x", ir::ElemType::f32, xs);
        ir::Attributes conv;
        conv.set("strides", std::vector<int64_t>{1, 1});
        conv.set("dilations", std::vector<int64_t>{1, 1});
        conv.set("pads_begin", std::vector<int64_t>{1, 1});
        conv.set("pads_end", std::vector<int64_t>{1, 1});
        auto w = g.constant("w", test::random_tensor(ir::ElemType::f32, {C, 4, 3, 3}, 3));
        y = g.add("Convolution", "conv", {x, w}, conv);
        b.inputs.push_back(test::random_tensor(ir::ElemType::f32, xs, 4));
    } else {
        const ir::Shape as = {2, 5, K};
        auto a = g.parameter("a", ir::ElemType::f32, as);
        auto w = g.constant("w", test::random_tensor(ir::ElemType::f32, {K, N}, 5));
        y = g.add("MatMul", "matmul", {a, w}, matmul_attrs());
        b.inputs.push_back(test::random_tensor(ir::ElemType::f32, as, 6));
    }
    auto gelu = g.add("Gelu", "gelu", {y}, gelu_attrs(tanh));
    // Explicit Quantize -> Dequantize pairs (the LPT's internal ops): per-channel vectors.
    auto quantize_pair = [&](int64_t axis, int64_t channels, ir::ElemType t) {
        std::vector<double> scale, shift, zp, dq_scale;
        for (int64_t k = 0; k < channels; ++k) {
            scale.push_back(20.0 + 7.5 * double(k));
            shift.push_back(t == ir::ElemType::u8 ? 3.0 + double(k % 3) : (k % 2 ? 0.5 : -1.5653436e-06));
            zp.push_back(t == ir::ElemType::u8 ? 3.0 : 0.0);
            dq_scale.push_back(1.0 / scale.back());
        }
        ir::Attributes q;
        q.set("destination_type", ir::to_string(t));
        q.set("scale", scale);
        q.set("shift", shift);
        q.set("axis", ir::AttrValue(axis));
        auto qn = g.add("Quantize", "quantize", {gelu}, q);
        ir::Attributes d;
        d.set("zero_point", zp);
        d.set("scale", dq_scale);
        d.set("axis", ir::AttrValue(axis));
        return g.add("Dequantize", "dequantize", {qn}, d);
    };
    switch (c) {
    case Case::fq_matmul:
    case Case::second_reader: {
        auto q = fake_quantize(g, "fq", gelu, -4.f, 4.f * 127.f / 128.f, 256);
        auto w2 = fake_quantize(g, "fq_w", g.constant("w2", test::random_tensor(ir::ElemType::f32, {N, 16}, 7)), -3.f,
                                3.f, 255);
        g.result("y", g.add("MatMul", "matmul2", {q, w2}, matmul_attrs()));
        if (c == Case::second_reader) g.result("gelu_out", gelu);
        b.quantize = "fq";
        break;
    }
    case Case::fq_result:
        g.result("y", fake_quantize(g, "fq", gelu, 0.f, 2.5f, 256));
        b.quantize = "fq";
        break;
    case Case::per_channel:
        g.result("y", quantize_pair(2, N, tanh ? ir::ElemType::s8 : ir::ElemType::u8));
        b.quantize = "quantize";
        break;
    case Case::per_channel_4d:
        g.result("y", quantize_pair(1, C, tanh ? ir::ElemType::u8 : ir::ElemType::s8));
        b.quantize = "quantize";
        break;
    case Case::nhwc: {
        auto q = fake_quantize(g, "fq", gelu, -4.f, 4.f * 127.f / 128.f, 256);
        auto w2 = fake_quantize(g, "fq_w", g.constant("w2", test::random_tensor(ir::ElemType::f32, {8, C, 1, 1}, 8)),
                                -3.f, 3.f, 255);
        ir::Attributes conv;
        conv.set("strides", std::vector<int64_t>{1, 1});
        conv.set("dilations", std::vector<int64_t>{1, 1});
        conv.set("pads_begin", std::vector<int64_t>{0, 0});
        conv.set("pads_end", std::vector<int64_t>{0, 0});
        g.result("y", g.add("Convolution", "conv2", {q, w2}, conv));
        b.quantize = "fq";
        break;
    }
    }
    g.infer();
    return b;
}

struct Run {
    std::vector<ir::Tensor> outs;
    std::map<std::string, PerfCounter> pcs;
    size_t pc_count = 0;
    ir::Graph graph;
};

Run run(const Built& b, const std::string& cap, int threads) {
    CompileOptions opt;
    opt.max_isa = cap;
    opt.threads = threads;
    CompiledModel cm = compile(Model::from_graph(b.g), opt);
    InferRequest rq = cm.create_request();
    for (size_t i = 0; i < b.inputs.size(); ++i) rq.set_input(i, b.inputs[i]);
    rq.infer();
    Run r;
    for (size_t i = 0; i < cm.outputs().size(); ++i) r.outs.push_back(rq.output(i));
    for (const PerfCounter& pc : rq.perf_counters()) r.pcs[pc.layer_name] = pc;
    r.pc_count = rq.perf_counters().size();
    r.graph = cm.graph();
    return r;
}

bool same_outputs(const Run& a, const Run& b) {
    if (a.outs.size() != b.outs.size()) return false;
    for (size_t i = 0; i < a.outs.size(); ++i)
        if (!a.outs[i].equals(b.outs[i])) return false;
    return true;
}

bool has_op(const ir::Graph& g, const std::string& op) {
    for (const ir::Node& n : g.nodes())
        if (n.op == op) return true;
    return false;
}

void check(Case c, bool tanh, const std::string& cap) {
    INFO(case_name(c) << (tanh ? ", Gelu tanh" : ", Gelu erf") << " at " << cap);
    const Built b = build(c, tanh);
    const Run fused = run(b, cap, 2);
    Run unfused, no_f32_fusion;
    {
        ScopedEnv off("OCTET_F32_NO_QUANTIZE_FUSE", "1");
        unfused = run(b, cap, 2);
    }
    {
        ScopedEnv off("OCTET_F32_NO_FUSE", "1");
        no_f32_fusion = run(b, cap, 1);
    }
    // The same bytes, fused or not, on any thread count.
    CHECK(same_outputs(fused, unfused));
    CHECK(same_outputs(fused, no_f32_fusion));
    CHECK(same_outputs(fused, run(b, cap, 1)));

    const bool expect_fused = fuses(c) && cap != "sse42";
    CHECK(has_op(fused.graph, "GeluQuantize") == expect_fused);
    CHECK_FALSE(has_op(unfused.graph, "GeluQuantize"));
    CHECK_FALSE(has_op(no_f32_fusion.graph, "GeluQuantize"));
    CHECK(fused.pc_count == unfused.pc_count);  // the same rows, the Quantize's NOT_RUN
    const PerfCounter& gelu = fused.pcs.at("gelu");
    const PerfCounter& q = fused.pcs.at(b.quantize);
    CHECK(gelu.exec_status == "EXECUTED");
    CHECK(gelu.layer_type == "Gelu");
    if (cap == "sse42") {
        CHECK(gelu.exec_type == "ref_FP32");
    } else {
        CHECK(gelu.exec_type == std::string("jit_") + (cap == "avx2" ? "avx2" : "avx512") + "_FP32");
    }
    CHECK(q.layer_type == (b.quantize == "fq" ? "FakeQuantize" : "Quantize"));
    if (expect_fused) {
        CHECK(q.exec_status == "NOT_RUN");
        CHECK(q.exec_type == "undef");
    } else {
        CHECK(q.exec_status == "EXECUTED");
    }
    CHECK(unfused.pcs.at(b.quantize).exec_status == "EXECUTED");
    CHECK(unfused.pcs.at("gelu").exec_type == gelu.exec_type);
    if (expect_fused) {
        // The fused node's reference (reference Gelu, then the reference Quantize)
        // gives the unfused compiled graph's reference bits.
        const std::vector<ir::Tensor> rf = kernels::ref::run_graph(fused.graph, b.inputs);
        const std::vector<ir::Tensor> ru = kernels::ref::run_graph(unfused.graph, b.inputs);
        REQUIRE(rf.size() == ru.size());
        for (size_t i = 0; i < rf.size(); ++i) CHECK(rf[i].equals(ru[i]));
    }
}

const Case kCases[] = {Case::fq_matmul,      Case::fq_result,     Case::per_channel,
                       Case::per_channel_4d, Case::second_reader, Case::nhwc};

}  // namespace

TEST_CASE("gelu + quantize fusion: the Gelu step writes the quantized bytes of the unfused pair",
          "[engine][f32][fusion]") {
    for (const std::string& cap : caps())
        for (Case c : kCases)
            for (bool tanh : {false, true}) check(c, tanh, cap);
}

TEST_CASE("gelu + quantize fusion: the compiled graph records the Quantize in the Gelu", "[engine][f32][fusion]") {
    if (caps().size() < 2) {
        WARN("no AVX2: the Gelu + Quantize fusion does not run here");
        return;
    }
    const Built b = build(Case::fq_matmul, false);
    CompiledModel cm = compile(Model::from_graph(b.g));
    const ir::Graph& g = cm.graph();
    const int id = g.find("gelu");
    REQUIRE(id >= 0);
    const ir::Node& n = g.node(id);
    CHECK(n.op == "GeluQuantize");
    CHECK(n.attrs.get_string("original_op") == "Gelu");
    CHECK(n.attrs.get_string("approximation_mode") == "erf");
    CHECK(n.attrs.get_string("destination_type") == "s8");
    CHECK(n.outputs.at(0).type == ir::ElemType::s8);
    CHECK(g.find("fq") < 0);
    const std::vector<std::string> fused = {"fq", "fq/il", "fq/ih", "fq/ol", "fq/oh"};
    std::string names;
    for (const std::string& s : fused) names += (names.empty() ? "" : "\n") + s;
    CHECK(n.attrs.get_string("fused_names") == names);
    CHECK(n.attrs.get_string("fused_ops") == "FakeQuantize\nConstant\nConstant\nConstant\nConstant");
}

// The BERT layer: its FFN's Gelu takes the FakeQuantize after it, same output bytes.
TEST_CASE("gelu + quantize fusion: zoo bert-layer-int8", "[engine][f32][fusion][zoo]") {
    if (caps().size() < 2) return;
    CompileOptions opt;
    opt.threads = 1;
    const Model model = Model::from_zoo("bert-layer-int8");
    const ir::Graph& mg = model.graph();
    const ir::Tensor x = test::random_tensor(ir::ElemType::f32, mg.node(mg.parameters()[0]).outputs[0].shape, 1);
    auto infer = [&](std::vector<PerfCounter>* pcs) {
        InferRequest rq = compile(model, opt).create_request();
        rq.set_input(size_t(0), x);
        rq.infer();
        if (pcs) *pcs = rq.perf_counters();
        return rq.output(size_t(0));
    };
    std::vector<PerfCounter> pcs;
    const ir::Tensor fused = infer(&pcs);
    ir::Tensor unfused;
    {
        ScopedEnv off("OCTET_F32_NO_QUANTIZE_FUSE", "1");
        unfused = infer(nullptr);
    }
    CHECK(fused.equals(unfused));
    std::map<std::string, PerfCounter> by_name;
    for (const PerfCounter& pc : pcs) by_name[pc.layer_name] = pc;
    CHECK(by_name.at("intermediate/gelu").exec_status == "EXECUTED");
    CHECK(by_name.at("intermediate/gelu").exec_type.rfind("jit_", 0) == 0);
    CHECK(by_name.at("output/dense/fq_input_0").exec_status == "NOT_RUN");
}
