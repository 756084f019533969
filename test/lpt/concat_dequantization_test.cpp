// Dequantization through Concat (lpt/passes/propagate_through_concat.cpp):
// inputs with one and the same dequantization concatenate on int8 and the
// Convolution after them reads the int8 Concat directly; inputs on different
// grids are requantized onto the grid of the Quantize after the Concat
// (align_concat_scales), and without one the Concat stays f32. Fused == unfused int8 reference bit for bit, and through
// the engine the int8 Concat runs the JIT concat kernel, bit-exact at every ISA.
#include <catch2/catch.hpp>

#include <cmath>

#include "lpt_test_graphs.hpp"

using namespace octet;
using namespace octet::lpt_test;

namespace {

// x1[2,3,5,5], x2[2,2,5,5] -> FQ each -> Concat(axis 1) -> Convolution 1x1 -> Result
ir::Graph concat_net(float hi1, float hi2) {
    ir::Graph g;
    ir::PortRef x1 = g.parameter("x1", ir::ElemType::f32, {2, 3, 5, 5});
    ir::PortRef x2 = g.parameter("x2", ir::ElemType::f32, {2, 2, 5, 5});
    ir::Attributes axis;
    axis.set("axis", ir::AttrValue(int64_t(1)));
    ir::PortRef c = g.add("Concat", "concat", {fq(g, "fq1", x1, -1.f, hi1), fq(g, "fq2", x2, -1.f, hi2)}, axis);
    // Different grids: the conv's input is quantized after the Concat (as NNCF
    // does when it cannot unify the inputs' quantizers).
    if (hi1 != hi2) c = fq(g, "fq_concat", c, -1.f, 2.4f);
    g.result("y", conv1x1(g, "conv", c, 5, 4));
    g.infer();
    return g;
}

}  // namespace

TEST_CASE("lpt: Concat of dequantized inputs runs on int8, scales aligned", "[lpt][concat]") {
    const std::vector<ir::Tensor> x = {input({2, 3, 5, 5}, 1), input({2, 2, 5, 5}, 7)};
    for (bool equal : {true, false}) {
        INFO("equal scales " << equal);
        const ir::Graph g = concat_net(1.55f, equal ? 1.55f : 3.25f);
        const ir::Graph fused = lpt::transform(g);
        const ir::Graph unfused = lpt::transform(g, {false});
        const ir::Node& concat = fused.node(fused.find("concat"));
        CHECK(ir::is_int8(concat.outputs[0].type));
        // Different grids: each input requantized onto the conv input's grid
        // (align_concat_scales); the unfused reference keeps the f32 Concat.
        for (const ir::PortRef& p : concat.inputs) CHECK((fused.node(p.node).op == "Requantize") == !equal);
        CHECK(ir::is_int8(unfused.node(unfused.find("concat")).outputs[0].type) == equal);
        // With the int8 Concat the Convolution reads it directly.
        const ir::Node& conv = fused.node(fused.find("conv"));
        CHECK(conv.op == "ConvolutionI8");
        CHECK(conv.inputs[0].node == fused.find("concat"));
        const ir::Tensor a = kernels::ref::run_graph(fused, x).at(0);
        CHECK(a.equals(kernels::ref::run_graph(unfused, x).at(0)));
        if (equal) {  // only data moved: equal to the FakeQuantize graph up to the conv's f32 rounding
            const ir::Tensor f = kernels::ref::run_graph(g, x).at(0);
            for (int64_t i = 0; i < f.numel(); ++i) REQUIRE(std::fabs(a.data<float>()[i] - f.data<float>()[i]) < 1e-4f);
        }
    }
}

TEST_CASE("lpt: a Concat of different grids with no Quantize after it stays f32", "[lpt][concat]") {
    ir::Graph g;
    ir::Attributes axis;
    axis.set("axis", ir::AttrValue(int64_t(1)));
    ir::PortRef a = fq(g, "fq1", g.parameter("x1", ir::ElemType::f32, {1, 2, 3, 3}), -1.f, 1.55f);
    ir::PortRef b = fq(g, "fq2", g.parameter("x2", ir::ElemType::f32, {1, 2, 3, 3}), -1.f, 3.25f);
    g.result("y", g.add("Concat", "concat", {a, b}, axis));
    g.infer();
    const ir::Graph fused = lpt::transform(g);
    const ir::Node& concat = fused.node(fused.find("concat"));
    CHECK(concat.outputs[0].type == ir::ElemType::f32);
    for (const ir::PortRef& p : concat.inputs) CHECK(fused.node(p.node).op == "Dequantize");  // both int8 before it
}

TEST_CASE("lpt + engine: the int8 Concat runs the JIT concat kernel, bit-exact at every ISA", "[lpt][concat][engine]") {
    check_engine(concat_net(1.55f, 1.55f), {input({2, 3, 5, 5}, 2), input({2, 2, 5, 5}, 5)}, "concat");
    // Scales aligned: the Requantize of each input and the Concat run generated int8 code.
    for (const char* layer : {"concat", "concat/requantize_0", "concat/requantize_1"})
        check_engine(concat_net(1.55f, 3.25f), {input({2, 3, 5, 5}, 2), input({2, 2, 5, 5}, 5)}, layer);
}
