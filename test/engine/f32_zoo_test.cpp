// The f32 zoo models (ResNet-50, BERT layer, MobileNetV2 with its depthwise
// convs) through the engine with the generated f32 Convolution / MatMul
// (engine/f32/conv_matmul_executables.hpp): every Convolution and MatMul
// executes as jit_*_FP32 where the CPU has AVX2, the output agrees with the
// reference executor (kernels::ref::run_graph) within a relative bound, and the
// thread count does not change a bit.
//
// Bound: each kernel is held to K·u·Σ|a·b| by its own test; through ResNet-50's
// 53 layers and BERT's LayerNorms those differences stay ~1e-6 relative; we allow
// 1e-4 of the output's largest magnitude, far below what a wrong tap or tile
// (relative errors of order 1) produces.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <map>

#include "jit/cpu.hpp"
#include "kernels/ref/ref.hpp"
#include "octet/octet.hpp"
#include "test_graphs.hpp"
#include "../random_tensor.hpp"

using namespace octet;

namespace {

ir::Tensor random_input(const ir::Shape& s, uint32_t seed) { return test::lcg_tensor(s, seed); }

void check_model(const std::string& name) {
    const Model model = Model::from_zoo(name);
    const ir::Graph& g = model.graph();
    const ir::Tensor x = random_input(g.node(g.parameters()[0]).outputs[0].shape, 11);

    CompileOptions opt;
    opt.threads = 2;
    CompiledModel cm = compile(model, opt);
    InferRequest rq = cm.create_request();
    rq.set_input(size_t(0), x);
    rq.infer();
    const ir::Tensor out = rq.output(size_t(0));

    const bool jit_expected = jit::isa_is_subset(jit::Isa::avx2, jit::parse_isa(cm.isa()));
    int heavy = 0;
    for (const PerfCounter& pc : rq.perf_counters()) {
        if (pc.layer_type != "Convolution" && pc.layer_type != "MatMul") continue;
        INFO(pc.layer_name << " " << pc.exec_type);
        ++heavy;
        CHECK(pc.exec_status == "EXECUTED");
        if (jit_expected) {
            CHECK(pc.exec_type.rfind("jit_", 0) == 0);
            CHECK(pc.exec_type.size() > 5);
            CHECK(pc.exec_type.substr(pc.exec_type.size() - 5) == "_FP32");
        }
    }
    CHECK(heavy > 0);
    if (!jit_expected) WARN(name << ": no AVX2 at " << cm.isa() << ", the reference ran");

    const ir::Tensor ref = kernels::ref::run_graph(g, {x}).at(0);
    REQUIRE(ref.numel() == out.numel());
    double max_ref = 0, max_diff = 0, dot = 0, aa = 0, bb = 0;
    for (int64_t i = 0; i < ref.numel(); ++i) {
        const double r = ref.data<float>()[i], o = out.data<float>()[i];
        max_ref = std::max(max_ref, std::fabs(r));
        max_diff = std::max(max_diff, std::fabs(r - o));
        dot += r * o;
        aa += r * r;
        bb += o * o;
    }
    const double cosine = dot / std::sqrt(aa * bb);
    std::printf("%s f32: vs reference: max abs diff %.3g of max |ref| %.3g, cosine %.9f\n", name.c_str(), max_diff,
                max_ref, cosine);
    CHECK(max_diff <= 1e-4 * max_ref);
    CHECK(cosine >= 0.99999);

    opt.threads = 1;
    InferRequest one = compile(model, opt).create_request();
    one.set_input(size_t(0), x);
    one.infer();
    CHECK(one.output(size_t(0)).equals(out));
}

}  // namespace

TEST_CASE("f32 zoo: resnet50 convolutions run generated code", "[engine][f32][zoo]") { check_model("resnet50"); }

TEST_CASE("f32 zoo: bert-layer matmuls run generated code", "[engine][f32][zoo]") { check_model("bert-layer"); }

TEST_CASE("f32 zoo: mobilenetv2 convolutions, depthwise included, run generated code", "[engine][f32][zoo]") {
    check_model("mobilenetv2");
}

// MatMul shapes beyond the zoo's, through the engine's batch mapping
// (engine/f32/conv_matmul_executables.cpp): broadcast batch dims with a run-time
// B, a 2D A against a batched B, a constant B under a batched A (folded into M),
// transpose_b. Bound: K·u·Σ|a·b| per element against the reference executor.
TEST_CASE("f32 engine: MatMul batch broadcasting and constant B", "[engine][f32]") {
    struct Case {
        ir::Shape a, b;
        bool b_const, transpose_b;
    };
    const Case cases[] = {
        {{2, 1, 3, 5}, {1, 4, 5, 6}, false, false},
        {{3, 5}, {2, 7, 5}, false, true},
        {{2, 3, 9}, {9, 10}, true, false},
        {{1, 4, 17}, {33, 17}, true, true},
    };
    uint32_t seed = 1;
    for (const Case& c : cases) {
        ir::Graph g;
        ir::PortRef a = g.parameter("a", ir::ElemType::f32, c.a);
        ir::PortRef b = c.b_const ? g.constant("b", test::random_tensor(ir::ElemType::f32, c.b, seed++))
                                  : g.parameter("b", ir::ElemType::f32, c.b);
        ir::Attributes at;
        at.set("transpose_a", ir::AttrValue(false));
        at.set("transpose_b", ir::AttrValue(c.transpose_b));
        g.result("y", g.add("MatMul", "mm", {a, b}, at));
        g.infer();
        std::vector<ir::Tensor> in = {test::random_tensor(ir::ElemType::f32, c.a, seed++)};
        if (!c.b_const) in.push_back(test::random_tensor(ir::ElemType::f32, c.b, seed++));
        const ir::Tensor ref = kernels::ref::run_graph(g, in).at(0);

        CompiledModel cm = compile(Model::from_graph(g));
        InferRequest rq = cm.create_request();
        for (size_t i = 0; i < in.size(); ++i) rq.set_input(i, in[i]);
        rq.infer();
        const ir::Tensor out = rq.output(size_t(0));
        INFO("A " << ir::to_string(c.a) << " B " << ir::to_string(c.b));
        if (jit::isa_is_subset(jit::Isa::avx2, jit::parse_isa(cm.isa())))
            for (const PerfCounter& pc : rq.perf_counters())
                if (pc.layer_name == "mm") CHECK(pc.exec_type.rfind("jit_", 0) == 0);
        REQUIRE(out.shape() == ref.shape());
        const int64_t k = c.a.back();
        auto max_abs = [](const ir::Tensor& t) {
            double m = 0;
            for (int64_t i = 0; i < t.numel(); ++i) m = std::max(m, double(std::fabs(t.data<float>()[i])));
            return m;
        };
        const ir::Tensor& b_value = c.b_const ? g.node(b.node).value : in[1];
        // Σ|a·b| <= K·max|a|·max|b|.
        const double bound = 2.0 * double(k) * std::ldexp(1.0, -24) * double(k) * max_abs(in[0]) * max_abs(b_value);
        double worst = 0;
        for (int64_t i = 0; i < out.numel(); ++i)
            worst = std::max(worst, std::fabs(double(ref.data<float>()[i]) - double(out.data<float>()[i])));
        CHECK(worst <= bound);
    }
}
