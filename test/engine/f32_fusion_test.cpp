// Fusion of the f32 followers of Convolution / MatMul (engine/f32/fuse_f32.hpp):
// bias Add, Relu, Clamp (ReLU6) and the residual Add fold into ConvolutionF32 /
// MatMulF32 and run in the generated epilogue, at every f32 ISA the machine
// runs (OCTET_MAX_ISA caps avx2 and avx512_core).
//
// Each graph runs three ways: fused (the default), unfused with the generated
// kernels (OCTET_F32_NO_FUSE=1) and unfused on the reference conv / matmul
// (OCTET_F32_REF_CONV_MATMUL=1), plus kernels::ref::run_graph on the model's
// graph. Fused and unfused generated code compute the same f32 operations on
// the same accumulators, so they must agree bit for bit; against the reference
// the bound of the f32 zoo test holds (1e-4 of the output's largest magnitude;
// these small layers stay near 1e-7). Folded nodes are NOT_RUN in the counters,
// the result does not depend on the thread count, and a tensor with a second
// reader (or a graph output) is not folded.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
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

// The f32 JIT caps this machine runs: avx2 and avx512_core where present.
std::vector<std::string> f32_caps() {
    std::vector<std::string> caps;
    const jit::Isa best = jit::best_isa("");
    for (const char* c : {"avx2", "avx512_core"})
        if (jit::isa_is_subset(jit::parse_isa(c), best)) caps.push_back(c);
    return caps;
}

ir::Attributes conv_attrs(int64_t k, int64_t stride, int64_t group = 1) {
    ir::Attributes a;
    const int64_t pad = k / 2;
    a.set("strides", std::vector<int64_t>{stride, stride});
    a.set("dilations", std::vector<int64_t>{1, 1});
    a.set("pads_begin", std::vector<int64_t>{pad, pad});
    a.set("pads_end", std::vector<int64_t>{pad, pad});
    a.set("group", ir::AttrValue(group));
    return a;
}

ir::PortRef clamp(ir::Graph& g, const std::string& name, ir::PortRef x, double lo, double hi) {
    ir::Attributes a;
    a.set("min", ir::AttrValue(lo));
    a.set("max", ir::AttrValue(hi));
    return g.add("Clamp", name, {x}, a);
}

enum class Tail { bias, bias_relu, bias_relu6, residual_relu, residual_first, bias_residual_relu6 };

const char* tail_name(Tail t) {
    switch (t) {
    case Tail::bias: return "bias";
    case Tail::bias_relu: return "bias+relu";
    case Tail::bias_relu6: return "bias+relu6";
    case Tail::residual_relu: return "bias+residual+relu";
    case Tail::residual_first: return "residual(first operand)+relu";
    case Tail::bias_residual_relu6: return "bias+relu6+residual+relu6";
    }
    return "?";
}

// The followers of `y` (output shape `out`, channel count `c` on `axis`);
// `folded` receives the names the fusion should fold. The residual is the
// Parameter "r".
ir::PortRef add_tail(ir::Graph& g, ir::PortRef y, Tail t, const ir::Shape& bias_shape, ir::PortRef r,
                     std::vector<std::string>& folded, uint32_t seed) {
    if (t != Tail::residual_first) {
        y = g.add("Add", "bias_add", {y, g.constant("bias", test::random_tensor(ir::ElemType::f32, bias_shape, seed))});
        folded.push_back("bias_add");
        folded.push_back("bias");
    }
    switch (t) {
    case Tail::bias: break;
    case Tail::bias_relu:
        y = g.add("Relu", "relu", {y});
        folded.push_back("relu");
        break;
    case Tail::bias_relu6:
        y = clamp(g, "relu6", y, 0.0, 6.0);
        folded.push_back("relu6");
        break;
    case Tail::residual_relu:
        y = g.add("Relu", "relu", {g.add("Add", "residual_add", {y, r})});
        folded.push_back("residual_add");
        folded.push_back("relu");
        break;
    case Tail::residual_first:
        y = g.add("Relu", "relu", {g.add("Add", "residual_add", {r, y})});
        folded.push_back("residual_add");
        folded.push_back("relu");
        break;
    case Tail::bias_residual_relu6:
        y = clamp(g, "relu6_a", y, 0.0, 6.0);
        y = clamp(g, "relu6_b", g.add("Add", "residual_add", {y, r}), 0.0, 6.0);
        for (const char* n : {"relu6_a", "residual_add", "relu6_b"}) folded.push_back(n);
        break;
    }
    return y;
}

bool has_residual(Tail t) {
    return t == Tail::residual_relu || t == Tail::residual_first || t == Tail::bias_residual_relu6;
}

struct Built {
    ir::Graph g;
    std::vector<ir::Tensor> inputs;
    std::vector<std::string> folded;
    std::string main;  // the Convolution / MatMul
};

// x [1,C,H,W] -> Convolution -> tail -> Result.
Built conv_case(int64_t c, int64_t hw, int64_t oc, int64_t k, int64_t stride, int64_t group, Tail t) {
    Built b;
    ir::Graph& g = b.g;
    const ir::Shape xs = {1, c, hw, hw};
    const int64_t ohw = (hw + 2 * (k / 2) - k) / stride + 1;
    const ir::Shape os = {1, oc, ohw, ohw};
    auto x = g.parameter("x", ir::ElemType::f32, xs);
    ir::PortRef r{};
    if (has_residual(t)) r = g.parameter("r", ir::ElemType::f32, os);
    auto w = g.constant("w", test::random_tensor(ir::ElemType::f32, {oc, c / group, k, k}, 3));
    auto y = g.add("Convolution", "conv", {x, w}, conv_attrs(k, stride, group));
    g.result("y", add_tail(g, y, t, {1, oc, 1, 1}, r, b.folded, 4));
    g.infer();
    b.inputs.push_back(test::random_tensor(ir::ElemType::f32, xs, 5));
    if (has_residual(t)) b.inputs.push_back(test::random_tensor(ir::ElemType::f32, os, 6));
    b.main = "conv";
    return b;
}

// A [2,5,K] x constant B [K,N] (or a run-time B [2,K,N]) -> MatMul -> tail.
Built matmul_case(int64_t k, int64_t n, bool b_const, Tail t) {
    Built b;
    ir::Graph& g = b.g;
    const ir::Shape as = {2, 5, k}, bs = b_const ? ir::Shape{k, n} : ir::Shape{2, k, n}, os = {2, 5, n};
    auto a = g.parameter("a", ir::ElemType::f32, as);
    auto bb = b_const ? g.constant("b", test::random_tensor(ir::ElemType::f32, bs, 7))
                      : g.parameter("b", ir::ElemType::f32, bs);
    ir::PortRef r{};
    if (has_residual(t)) r = g.parameter("r", ir::ElemType::f32, os);
    ir::Attributes at;
    at.set("transpose_a", ir::AttrValue(false));
    at.set("transpose_b", ir::AttrValue(false));
    auto y = g.add("MatMul", "matmul", {a, bb}, at);
    g.result("y", add_tail(g, y, t, {n}, r, b.folded, 8));
    g.infer();
    b.inputs.push_back(test::random_tensor(ir::ElemType::f32, as, 9));
    if (!b_const) b.inputs.push_back(test::random_tensor(ir::ElemType::f32, bs, 10));
    if (has_residual(t)) b.inputs.push_back(test::random_tensor(ir::ElemType::f32, os, 11));
    b.main = "matmul";
    return b;
}

struct Run {
    ir::Tensor out;
    std::vector<PerfCounter> pcs;
    std::string isa;
};

Run run(const Built& b, const std::string& cap, int threads) {
    CompileOptions opt;
    opt.max_isa = cap;
    opt.threads = threads;
    CompiledModel cm = compile(Model::from_graph(b.g), opt);
    InferRequest rq = cm.create_request();
    for (size_t i = 0; i < b.inputs.size(); ++i) rq.set_input(i, b.inputs[i]);
    rq.infer();
    return {rq.output(size_t(0)), rq.perf_counters(), cm.isa()};
}

double max_abs(const ir::Tensor& t) {
    double m = 0;
    for (int64_t i = 0; i < t.numel(); ++i) m = std::max(m, double(std::fabs(t.data<float>()[i])));
    return m;
}

double max_diff(const ir::Tensor& a, const ir::Tensor& b) {
    double m = 0;
    for (int64_t i = 0; i < a.numel(); ++i)
        m = std::max(m, std::fabs(double(a.data<float>()[i]) - double(b.data<float>()[i])));
    return m;
}

// The whole check of one graph at one cap.
void check(const Built& b, const std::string& cap, const std::string& what) {
    INFO(what << " at " << cap);
    const Run fused = run(b, cap, 2);
    Run unfused, ref_mm;
    {
        ScopedEnv no_fuse("OCTET_F32_NO_FUSE", "1");
        unfused = run(b, cap, 2);
    }
    {
        ScopedEnv ref("OCTET_F32_REF_CONV_MATMUL", "1");
        ref_mm = run(b, cap, 1);
    }
    const ir::Tensor ref = kernels::ref::run_graph(b.g, b.inputs).at(0);
    REQUIRE(fused.out.shape() == ref.shape());

    // Counters: the main node ran generated code; each folded node is listed NOT_RUN.
    std::map<std::string, PerfCounter> by_name;
    for (const PerfCounter& pc : fused.pcs) by_name[pc.layer_name] = pc;
    CHECK(fused.pcs.size() == b.g.size());  // every node of the model, once
    REQUIRE(by_name.count(b.main));
    CHECK(by_name[b.main].exec_status == "EXECUTED");
    CHECK(by_name[b.main].layer_type == (b.main == "conv" ? "Convolution" : "MatMul"));
    CHECK(by_name[b.main].exec_type.rfind("jit_", 0) == 0);
    for (const std::string& f : b.folded) {
        INFO("folded node " << f);
        REQUIRE(by_name.count(f));
        CHECK(by_name[f].exec_status == "NOT_RUN");
        CHECK(by_name[f].exec_type == "undef");
    }
    // Unfused: the followers ran as their own steps.
    std::map<std::string, PerfCounter> unfused_by_name;
    for (const PerfCounter& pc : unfused.pcs) unfused_by_name[pc.layer_name] = pc;
    for (const std::string& f : b.folded)
        if (f != "bias") CHECK(unfused_by_name[f].exec_status == "EXECUTED");
    CHECK(ref_mm.pcs.size() == b.g.size());

    CHECK(fused.out.equals(unfused.out));  // same operations, same bits
    const double bound = 1e-4 * max_abs(ref);
    CHECK(max_diff(fused.out, ref) <= bound);
    CHECK(max_diff(ref_mm.out, ref) <= bound);
    CHECK(max_diff(fused.out, ref_mm.out) <= bound);
    // Thread count: the same bits on one thread.
    CHECK(run(b, cap, 1).out.equals(fused.out));
}

const Tail kTails[] = {Tail::bias,          Tail::bias_relu,      Tail::bias_relu6,
                       Tail::residual_relu, Tail::residual_first, Tail::bias_residual_relu6};

}  // namespace

TEST_CASE("f32 fusion: convolution followers fold into the generated epilogue", "[engine][f32][fusion]") {
    const std::vector<std::string> caps = f32_caps();
    if (caps.empty()) {
        WARN("no AVX2: the f32 fusion does not run here");
        return;
    }
    struct Shape {
        int64_t c, hw, oc, k, stride, group;
        const char* name;
    };
    const Shape shapes[] = {
        {8, 9, 19, 3, 1, 1, "3x3 pad 1 (compacted: the sum runs in the compaction)"},
        {16, 7, 24, 1, 1, 1, "1x1 (direct: the sum runs in the generated block)"},
        {12, 15, 12, 3, 2, 12, "3x3 s2 depthwise (per-group units)"},
        {8, 12, 8, 3, 1, 8, "3x3 depthwise"},
    };
    for (const std::string& cap : caps)
        for (const Shape& s : shapes)
            for (Tail t : kTails)
                check(conv_case(s.c, s.hw, s.oc, s.k, s.stride, s.group, t), cap,
                      std::string("conv ") + s.name + " " + tail_name(t));
}

TEST_CASE("f32 fusion: matmul followers fold into the generated epilogue", "[engine][f32][fusion]") {
    const std::vector<std::string> caps = f32_caps();
    if (caps.empty()) {
        WARN("no AVX2: the f32 fusion does not run here");
        return;
    }
    for (const std::string& cap : caps)
        for (bool b_const : {true, false})
            for (Tail t : kTails)
                check(matmul_case(24, 40, b_const, t), cap,
                      std::string("matmul ") + (b_const ? "constant B " : "run-time B ") + tail_name(t));
}

TEST_CASE("f32 fusion: a tensor with a second reader or a graph output is not folded", "[engine][f32][fusion]") {
    const std::vector<std::string> caps = f32_caps();
    if (caps.empty()) return;
    // conv -> Add(bias) -> Relu -> Result "y", with
    //  (a) the conv output also a graph output: nothing folds;
    //  (b) the bias Add's output also read by a Multiply: the bias folds, the Relu does not;
    //  (c) the Relu's output also the residual's other operand: Add(relu, relu) reads it twice.
    for (int variant = 0; variant < 3; ++variant) {
        ir::Graph g;
        auto x = g.parameter("x", ir::ElemType::f32, {1, 4, 6, 6});
        auto w = g.constant("w", test::random_tensor(ir::ElemType::f32, {5, 4, 3, 3}, 1));
        auto c = g.add("Convolution", "conv", {x, w}, conv_attrs(3, 1));
        auto a = g.add("Add", "bias_add", {c, g.constant("bias", test::random_tensor(ir::ElemType::f32, {1, 5, 1, 1}, 2))});
        auto r = g.add("Relu", "relu", {a});
        if (variant == 0) {
            g.result("y", r);
            g.result("conv_out", c);
        } else if (variant == 1) {
            g.result("y", r);
            g.result("z", g.add("Multiply", "mul", {a, a}));
        } else {
            g.result("y", g.add("Add", "twice", {r, r}));
        }
        g.infer();
        Built b;
        b.g = g;
        b.inputs.push_back(test::random_tensor(ir::ElemType::f32, {1, 4, 6, 6}, 3));
        for (const std::string& cap : caps) {
            INFO("variant " << variant << " at " << cap);
            CompileOptions opt;
            opt.max_isa = cap;
            CompiledModel cm = compile(Model::from_graph(g), opt);
            InferRequest rq = cm.create_request();
            rq.set_input(size_t(0), b.inputs[0]);
            rq.infer();
            std::map<std::string, PerfCounter> by_name;
            for (const PerfCounter& pc : rq.perf_counters()) by_name[pc.layer_name] = pc;
            CHECK(by_name["bias_add"].exec_status == (variant == 0 ? "EXECUTED" : "NOT_RUN"));
            CHECK(by_name["relu"].exec_status == (variant == 2 ? "NOT_RUN" : "EXECUTED"));
            if (variant == 2) CHECK(by_name["twice"].exec_status == "EXECUTED");
            // The outputs, in their order, still agree with the reference.
            const std::vector<ir::Tensor> ref = kernels::ref::run_graph(g, b.inputs);
            REQUIRE(ref.size() == cm.outputs().size());
            for (size_t i = 0; i < ref.size(); ++i) {
                CHECK(cm.outputs()[i].name == g.node(g.results()[i]).name);
                CHECK(max_diff(rq.output(i), ref[i]) <= 1e-4 * max_abs(ref[i]));
            }
        }
    }
}

TEST_CASE("f32 fusion: the compiled graph holds ConvolutionF32 with its records", "[engine][f32][fusion]") {
    if (f32_caps().empty()) return;
    const Built b = conv_case(8, 9, 19, 3, 1, 1, Tail::residual_relu);
    CompiledModel cm = compile(Model::from_graph(b.g));
    const ir::Graph& g = cm.graph();
    const int id = g.find("conv");
    REQUIRE(id >= 0);
    const ir::Node& n = g.node(id);
    CHECK(n.op == "ConvolutionF32");
    CHECK(n.attrs.get_string("original_op") == "Convolution");
    CHECK(n.inputs.size() == 3);
    CHECK(n.attrs.get_string("fused_names") == "bias_add\nbias\nresidual_add\nrelu");
    CHECK(n.attrs.get_string("fused_ops") == "Add\nConstant\nAdd\nRelu");
    CHECK(g.find("relu") < 0);
    // The reference executor runs the fused node with the unfused graph's bits.
    CHECK(kernels::ref::run_graph(g, b.inputs).at(0).equals(kernels::ref::run_graph(b.g, b.inputs).at(0)));
    // Without the JIT (OCTET_F32_REF_CONV_MATMUL) the graph stays as the model has it.
    ScopedEnv ref("OCTET_F32_REF_CONV_MATMUL", "1");
    CHECK(compile(Model::from_graph(b.g)).graph().find("relu") >= 0);
}

// The zoo's CNNs fold every bias, ReLU / ReLU6 and residual Add; BERT its
// biases and residual Adds (the Gelu and the attention mask's Add stay).
TEST_CASE("f32 fusion: zoo models fold their followers", "[engine][f32][fusion][zoo]") {
    if (f32_caps().empty()) return;
    for (const char* name : {"resnet50", "mobilenetv2", "bert-layer"}) {
        INFO(name);
        CompileOptions opt;
        opt.threads = 1;
        const Model model = Model::from_zoo(name);
        CompiledModel cm = compile(model, opt);
        InferRequest rq = cm.create_request();
        const ir::Graph& mg = model.graph();
        const ir::Tensor x = test::random_tensor(ir::ElemType::f32, mg.node(mg.parameters()[0]).outputs[0].shape, 1);
        rq.set_input(size_t(0), x);
        rq.infer();
        {  // The same bits as the followers run as their own steps.
            ScopedEnv no_fuse("OCTET_F32_NO_FUSE", "1");
            InferRequest unfused = compile(model, opt).create_request();
            unfused.set_input(size_t(0), x);
            unfused.infer();
            CHECK(unfused.output(size_t(0)).equals(rq.output(size_t(0))));
        }
        int executed_eltwise = 0, not_run_eltwise = 0;
        for (const PerfCounter& pc : rq.perf_counters()) {
            if (pc.layer_type != "Relu" && pc.layer_type != "Clamp" && pc.layer_type != "Add") continue;
            (pc.exec_status == "EXECUTED" ? executed_eltwise : not_run_eltwise)++;
        }
        std::printf("%s: %d Add/Relu/Clamp folded, %d still run\n", name, not_run_eltwise, executed_eltwise);
        CHECK(not_run_eltwise > 0);
        // CNNs: every bias, activation and residual add folds.
        if (std::string(name) != "bert-layer") CHECK(executed_eltwise == 0);
    }
}
