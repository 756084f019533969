// Dequantization through Concat (lpt/passes/propagate_through_concat.cpp):
// inputs with one and the same dequantization concatenate on int8 and the
// Convolution after them reads the int8 Concat directly; different scales keep
// the Concat in f32. Fused == unfused int8 reference bit for bit, and through
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
    g.result("y", conv1x1(g, "conv", c, 5, 4));
    g.infer();
    return g;
}

}  // namespace

TEST_CASE("lpt: Concat of equally dequantized inputs runs on int8", "[lpt][concat]") {
    const std::vector<ir::Tensor> x = {input({2, 3, 5, 5}, 1), input({2, 2, 5, 5}, 7)};
    for (bool equal : {true, false}) {
        INFO("equal scales " << equal);
        const ir::Graph g = concat_net(1.55f, equal ? 1.55f : 2.05f);
        const ir::Graph fused = lpt::transform(g);
        const ir::Graph unfused = lpt::transform(g, {false});
        const ir::Node& concat = fused.node(fused.find("concat"));
        CHECK(ir::is_int8(concat.outputs[0].type) == equal);
        // With the int8 Concat the Convolution reads it directly.
        const ir::Node& conv = fused.node(fused.find("conv"));
        CHECK((conv.op == "ConvolutionI8" && conv.inputs[0].node == fused.find("concat")) == equal);
        const ir::Tensor a = kernels::ref::run_graph(fused, x).at(0);
        CHECK(a.equals(kernels::ref::run_graph(unfused, x).at(0)));
        if (equal) {  // only data moved: equal to the FakeQuantize graph up to the conv's f32 rounding
            const ir::Tensor f = kernels::ref::run_graph(g, x).at(0);
            for (int64_t i = 0; i < f.numel(); ++i) REQUIRE(std::fabs(a.data<float>()[i] - f.data<float>()[i]) < 1e-4f);
        }
    }
}

TEST_CASE("lpt + engine: the int8 Concat runs the JIT concat kernel, bit-exact at every ISA", "[lpt][concat][engine]") {
    check_engine(concat_net(1.55f, 1.55f), {input({2, 3, 5, 5}, 2), input({2, 2, 5, 5}, 5)}, "concat");
}
