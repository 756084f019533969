// Dequantization through an Add of two dequantized branches that no kernel
// takes as its sum post-op (lpt/passes/int8_add.cpp): Add(Dequantize(a),
// Dequantize(b)) [-> Relu] [-> Quantize] becomes one AddI8 reading both int8
// tensors. Fused == unfused int8 reference bit for bit, within one output step
// of the FakeQuantize graph, and through the engine the AddI8 runs the JIT Add
// chain, bit-exact at every ISA, in every mix of NHWC / NCHW inputs.
#include <catch2/catch.hpp>

#include <cmath>

#include "lpt_test_graphs.hpp"

using namespace octet;
using namespace octet::lpt_test;

namespace {

enum class Tail { f32_result, requantize, relu_requantize };
enum class Second { quantize, transposed };  // the second input: a Quantize (NHWC-able) or an int8 Transpose (NCHW)

// x1 [2,4,5,5] -> FQ u8 [0,2]; x2 -> FQ s8 [-1.6, 1.6*127/128] (x2 [2,5,5,4] transposed to NCHW
// when `second` is transposed) -> Add -> [Relu] -> [FQ u8 [0,3] -> Conv 1x1] -> Result.
// x1's Quantize also feeds a Conv 1x1, so it is an NHWC tensor read by the AddI8.
ir::Graph add_net(Tail tail, Second second) {
    ir::Graph g;
    ir::PortRef x1 = g.parameter("x1", ir::ElemType::f32, {2, 4, 5, 5});
    ir::PortRef a = fq(g, "fq1", x1, 0.f, 2.f);
    ir::PortRef b;
    if (second == Second::transposed) {
        ir::PortRef x2 = g.parameter("x2", ir::ElemType::f32, {2, 5, 5, 4});
        ir::Attributes order;
        order.set("order", std::vector<int64_t>{0, 3, 1, 2});
        b = g.add("Transpose", "to_nchw", {fq(g, "fq2", x2, -1.6f, 1.6f * 127.f / 128.f)}, order);
    } else {
        b = fq(g, "fq2", g.parameter("x2", ir::ElemType::f32, {2, 4, 5, 5}), -1.6f, 1.6f * 127.f / 128.f);
    }
    ir::PortRef s = g.add("Add", "add", {a, b});
    if (tail == Tail::relu_requantize) s = g.add("Relu", "add/relu", {s});
    if (tail != Tail::f32_result) s = conv1x1(g, "conv", fq(g, "fq_sum", s, 0.f, 3.f), 4, 3);
    g.result("y", s);
    g.result("side", conv1x1(g, "side_conv", a, 4, 2));
    g.infer();
    return g;
}

std::vector<ir::Tensor> inputs(Second second) {
    return {input({2, 4, 5, 5}, 3), second == Second::transposed ? input({2, 5, 5, 4}, 11) : input({2, 4, 5, 5}, 11)};
}

}  // namespace

TEST_CASE("lpt: Add of two dequantized branches becomes AddI8", "[lpt][add]") {
    for (Tail tail : {Tail::f32_result, Tail::requantize, Tail::relu_requantize}) {
        for (Second second : {Second::quantize, Second::transposed}) {
            INFO("tail " << int(tail) << " second " << int(second));
            const ir::Graph g = add_net(tail, second);
            const ir::Graph fused = lpt::transform(g);
            const ir::Graph unfused = lpt::transform(g, {false});
            const ir::Node& add = fused.node(fused.find("add"));
            REQUIRE(add.op == "AddI8");
            CHECK(add.attrs.get_string("original_op") == "Add");
            CHECK(ir::is_int8(fused.desc(add.inputs[0]).type));
            CHECK(ir::is_int8(fused.desc(add.inputs[1]).type));
            CHECK(add.outputs[0].type == (tail == Tail::f32_result ? ir::ElemType::f32 : ir::ElemType::u8));
            CHECK(add.attrs.get_bool("relu", false) == (tail == Tail::relu_requantize));
            if (tail == Tail::relu_requantize) CHECK(fused.find("add/relu") < 0);  // fused, reported NOT_RUN
            // The unfused reference keeps the f32 Add between two Dequantizes.
            CHECK(unfused.node(unfused.find("add")).op == "Add");
            // The transformed graphs keep the model's output order (y, side).
            for (const ir::Graph* t : {&fused, &unfused}) {
                REQUIRE(t->results().size() == 2);
                CHECK(t->node(t->results()[0]).name == "y");
                CHECK(t->node(t->results()[1]).name == "side");
            }
            const std::vector<ir::Tensor> x = inputs(second);
            const std::vector<ir::Tensor> a = kernels::ref::run_graph(fused, x);
            const std::vector<ir::Tensor> u = kernels::ref::run_graph(unfused, x);
            CHECK(a.at(0).equals(u.at(0)));
            CHECK(a.at(1).equals(u.at(1)));
            if (tail == Tail::f32_result) {
                // Two dequantized inputs, one f32 add: the FakeQuantize graph up to a rounding step.
                const ir::Tensor f = kernels::ref::run_graph(g, x).at(0);
                for (int64_t i = 0; i < f.numel(); ++i)
                    REQUIRE(std::fabs(a.at(0).data<float>()[i] - f.data<float>()[i]) <= 2.5f / 255.f);
            }
        }
    }
}

TEST_CASE("lpt: an Add that a conv takes as its sum post-op does not become AddI8", "[lpt][add]") {
    ir::Graph g;
    ir::PortRef x = fq(g, "fq_x", g.parameter("x", ir::ElemType::f32, {1, 4, 3, 3}), 0.f, 2.f);
    ir::PortRef c = conv1x1(g, "conv", x, 4, 4);
    g.result("y", g.add("Add", "residual", {c, x}));
    g.infer();
    const ir::Graph fused = lpt::transform(g);
    CHECK(fused.find("residual") < 0);  // the conv's sum post-op
    for (const ir::Node& n : fused.nodes()) CHECK(n.op != "AddI8");
}

TEST_CASE("lpt: Add with broadcasting or an f32 operand stays f32", "[lpt][add]") {
    ir::Graph g;
    ir::PortRef a = fq(g, "fq1", g.parameter("x1", ir::ElemType::f32, {1, 4, 3, 3}), 0.f, 2.f);
    ir::PortRef b = fq(g, "fq2", g.parameter("x2", ir::ElemType::f32, {1, 4, 1, 1}), 0.f, 2.f);
    g.result("y", g.add("Add", "bcast", {a, b}));
    g.result("z", g.add("Add", "mixed", {a, g.parameter("x3", ir::ElemType::f32, {1, 4, 3, 3})}));
    g.infer();
    const ir::Graph fused = lpt::transform(g);
    CHECK(fused.node(fused.find("bcast")).op == "Add");
    CHECK(fused.node(fused.find("mixed")).op == "Add");
}

TEST_CASE("ir: AddI8 validation names what is wrong", "[lpt][add][ir]") {
    ir::Graph g;
    ir::PortRef a = g.parameter("a", ir::ElemType::u8, {1, 4, 2, 2});
    ir::PortRef b = g.parameter("b", ir::ElemType::s8, {1, 4, 2, 2});
    ir::Attributes at;
    at.set("destination_type", "f32");
    at.set("a_scale", std::vector<double>{0.1, 0.2, 0.3});  // 3 values, 4 channels
    g.result("y", g.add("AddI8", "bad_add", {a, b}, at));
    try {
        g.infer();
        FAIL("AddI8 with a 3-value scale on 4 channels was accepted");
    } catch (const Error& e) {
        const std::string m = e.what();
        CHECK(m.find("bad_add") != std::string::npos);
        CHECK(m.find("a_scale") != std::string::npos);
    }
}

TEST_CASE("lpt + engine: AddI8 runs the JIT Add chain, bit-exact at every ISA and layout mix", "[lpt][add][engine]") {
    for (Tail tail : {Tail::f32_result, Tail::requantize, Tail::relu_requantize})
        for (Second second : {Second::quantize, Second::transposed}) {
            INFO("tail " << int(tail) << " second " << int(second));
            check_engine(add_net(tail, second), inputs(second), "add");
        }
}
