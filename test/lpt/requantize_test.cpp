// Requantization between two FakeQuantizes (lpt/passes/requantize_chains.cpp)
// and per-channel scale layers folded into a Dequantize
// (fold_into_dequantization): x -> FQ -> [Multiply m[c] -> Add b[c] | MaxPool]
// -> FQ -> Conv becomes Quantize -> Requantize -> ConvolutionI8. Fused ==
// unfused int8 reference bit for bit, close to the FakeQuantize graph, and the
// Requantize runs the JIT requantize chain, bit-exact at every ISA.
#include <catch2/catch.hpp>

#include <cmath>

#include "lpt_test_graphs.hpp"

using namespace octet;
using namespace octet::lpt_test;

namespace {

enum class Middle { scale_layer, max_pool };

ir::Tensor per_channel(std::initializer_list<float> v) {
    ir::Tensor t(ir::ElemType::f32, {1, int64_t(v.size()), 1, 1});
    std::copy(v.begin(), v.end(), t.data<float>());
    return t;
}

// x [2,4,6,6] -> FQ s8 [-1.6, 1.6*127/128] -> middle -> FQ u8 [0, 2.55] -> Conv 1x1 (4 -> 3) -> Result
ir::Graph requant_net(Middle middle) {
    ir::Graph g;
    ir::PortRef x = fq(g, "fq_x", g.parameter("x", ir::ElemType::f32, {2, 4, 6, 6}), -1.6f, 1.6f * 127.f / 128.f);
    if (middle == Middle::scale_layer) {
        x = g.add("Multiply", "scale", {x, g.constant("scale/m", per_channel({0.5f, 1.25f, -0.75f, 2.f}))});
        x = g.add("Add", "shift", {x, g.constant("shift/b", per_channel({0.1f, -0.2f, 0.6f, 0.05f}))});
    } else {
        x = g.add("MaxPool", "pool", {x}, pool_attrs(3, 1, 1));
    }
    g.result("y", conv1x1(g, "conv", fq(g, "fq_mid", x, 0.f, 2.55f), 4, 3));
    g.infer();
    return g;
}

}  // namespace

TEST_CASE("lpt: Quantize of a Dequantize becomes one Requantize", "[lpt][requantize]") {
    const std::vector<ir::Tensor> x = {input({2, 4, 6, 6}, 4)};
    for (Middle m : {Middle::scale_layer, Middle::max_pool}) {
        INFO("middle " << int(m));
        const ir::Graph g = requant_net(m);
        const ir::Graph fused = lpt::transform(g);
        const ir::Graph unfused = lpt::transform(g, {false});
        const int r = fused.find("fq_mid");
        REQUIRE(r >= 0);
        const ir::Node& rq = fused.node(r);
        CHECK(rq.op == "Requantize");
        CHECK(rq.attrs.get_string("original_op") == "FakeQuantize");
        CHECK(rq.outputs[0].type == ir::ElemType::u8);
        CHECK(fused.node(rq.inputs[0].node).op == "Quantize");  // fq_x
        if (m == Middle::scale_layer) {
            // The scale layer folded into the Dequantize, then into the Requantize: per channel.
            CHECK(fused.find("scale") < 0);
            CHECK(fused.find("shift") < 0);
            CHECK(rq.attrs.get_floats("scale").size() == 4);
            CHECK(rq.attrs.get_floats("bias").size() == 4);
        }
        // The MaxPool: move_fake_quantize_up put fq_mid before it, so it pools the requantized u8.
        const int conv_in = fused.node(fused.find("conv")).inputs[0].node;
        if (m == Middle::scale_layer) CHECK(conv_in == r);
        else CHECK((fused.node(conv_in).op == "MaxPool" && fused.node(conv_in).inputs[0].node == r));
        const ir::Tensor a = kernels::ref::run_graph(fused, x).at(0);
        CHECK(a.equals(kernels::ref::run_graph(unfused, x).at(0)));
        // Within the conv output's error for one step of the fq_mid grid on every input.
        const ir::Tensor f = kernels::ref::run_graph(g, x).at(0);
        for (int64_t i = 0; i < f.numel(); ++i) REQUIRE(std::fabs(a.data<float>()[i] - f.data<float>()[i]) < 0.01f);
    }
}

TEST_CASE("lpt + engine: Requantize runs the JIT requantize chain, bit-exact at every ISA", "[lpt][requantize][engine]") {
    for (Middle m : {Middle::scale_layer, Middle::max_pool}) {
        INFO("middle " << int(m));
        check_engine(requant_net(m), {input({2, 4, 6, 6}, 9)}, "fq_mid");
    }
}
