#include "ops_test_util.hpp"

using namespace octet;
using namespace octet::ir;
using namespace octet::ir::testing;

TEST_CASE("ops: numpy broadcasting", "[ir][ops]") {
    REQUIRE(broadcast_shapes({1, 64, 56, 56}, {1, 64, 1, 1}) == Shape{1, 64, 56, 56});
    REQUIRE(broadcast_shapes({3, 1}, {4}) == Shape{3, 4});
    REQUIRE(broadcast_shapes({}, {2, 3}) == Shape{2, 3});
    REQUIRE(broadcast_shapes({5, 1, 7}, {1, 6, 1}) == Shape{5, 6, 7});
    REQUIRE(broadcast_shapes({2, 0}, {1, 1}) == Shape{2, 0});
    REQUIRE_THROWS_MATCHES(broadcast_shapes({2, 3}, {4, 3}), ValidationError,
                           Catch::Message("shapes [2,3] and [4,3] do not broadcast (dim 0: 2 vs 4)"));
}

TEST_CASE("ops: Add, Subtract, Multiply", "[ir][ops]") {
    for (const char* op : {"Add", "Subtract", "Multiply"}) {
        REQUIRE(shape_of(op, {f32({1, 64, 56, 56}), f32({1, 64, 1, 1})}) == Shape{1, 64, 56, 56});
        REQUIRE(shape_of(op, {f32({64, 1, 1}), f32({2, 1, 5, 5})}) == Shape{2, 64, 5, 5});
        REQUIRE(infer1(op, {u8({2, 3}), u8({2, 3})}).type == ElemType::u8);
        REQUIRE_THROWS_WITH(infer_outputs(make_node(op), {f32({2, 3}), s8({2, 3})}),
                            Catch::Contains("input 0 is f32 but input 1 is s8; element types must be equal"));
        REQUIRE_THROWS_WITH(infer_outputs(make_node(op), {f32({2, 3}), f32({3, 2})}), Catch::Contains("do not broadcast"));
        REQUIRE_THROWS_WITH(infer_outputs(make_node(op), {f32({2, 3})}), Catch::Contains("expects 2 inputs, got 1"));
    }
}

TEST_CASE("ops: Relu, Clamp, Gelu", "[ir][ops]") {
    REQUIRE(infer1("Relu", {f32({1, 2, 3})}) == f32({1, 2, 3}));
    REQUIRE(infer1("Relu", {u8({4})}) == u8({4}));
    REQUIRE(infer1("Clamp", {f32({1, 8})}, A().f("min", 0.0).f("max", 6.0)) == f32({1, 8}));
    REQUIRE(infer1("Clamp", {f32({1})}, A().i("min", 2).i("max", 2)) == f32({1}));  // ints read as floats
    REQUIRE_THROWS_WITH(infer_outputs(make_node("Clamp", A().f("min", 1.0).f("max", 0.5)), {f32({1})}),
                        Catch::Contains("'min' (1.000000) is greater than 'max' (0.500000)"));
    REQUIRE_THROWS_MATCHES(infer_outputs(make_node("Clamp", A().f("min", 1.0)), {f32({1})}), ValidationError,
                           Catch::Message("missing attribute 'max'"));
    REQUIRE_THROWS_WITH(infer_outputs(make_node("Clamp", A().f("min", std::nan("")).f("max", 1.0)), {f32({1})}),
                        Catch::Contains("must not be NaN"));
    REQUIRE_THROWS_WITH(infer_outputs(make_node("Clamp", A().str("min", "0").f("max", 1.0)), {f32({1})}),
                        Catch::Contains("attribute 'min' is string, expected float"));

    REQUIRE(infer1("Gelu", {f32({1, 128, 3072})}) == f32({1, 128, 3072}));
    REQUIRE(infer1("Gelu", {f32({2})}, A().str("approximation_mode", "tanh")) == f32({2}));
    REQUIRE_THROWS_AS(infer_outputs(make_node("Gelu", A().str("approximation_mode", "fast")), {f32({2})}),
                      UnsupportedError);
    REQUIRE_THROWS_WITH(infer_outputs(make_node("Gelu"), {s8({2})}), Catch::Contains("input has element type s8, expected f32"));
    REQUIRE_THROWS_WITH(infer_outputs(make_node("Relu"), {}), Catch::Contains("expects 1 input, got 0"));
}

TEST_CASE("ops: Convert", "[ir][ops]") {
    REQUIRE(infer1("Convert", {f32({2, 3})}, A().str("destination_type", "u8")) == u8({2, 3}));
    REQUIRE(infer1("Convert", {s8({2})}, A().str("destination_type", "s32")) == TensorDesc{ElemType::s32, {2}});
    REQUIRE_THROWS_AS(infer_outputs(make_node("Convert", A().str("destination_type", "f16")), {f32({1})}),
                      UnsupportedError);
    REQUIRE_THROWS_WITH(infer_outputs(make_node("Convert", A().str("destination_type", "f16")), {f32({1})}),
                        Catch::Contains("'destination_type' = 'f16' is not supported"));
    REQUIRE_THROWS_MATCHES(infer_outputs(make_node("Convert"), {f32({1})}), ValidationError,
                           Catch::Message("missing attribute 'destination_type'"));
}

TEST_CASE("ops: FakeQuantize", "[ir][ops]") {
    const Attributes l256 = A().i("levels", 256);
    const TensorDesc x = f32({1, 3, 4, 4});
    SECTION("per-tensor, per-channel and trailing-dim ranges broadcast to x") {
        REQUIRE(infer1("FakeQuantize", {x, f32({}), f32({1}), f32({1, 1, 1, 1}), f32({1, 3, 1, 1})}, l256) == x);
        REQUIRE(infer1("FakeQuantize", {x, f32({3, 1, 1}), f32({3, 1, 1}), f32({4}), f32({1, 3, 4, 4})}, l256) == x);
        // weights: per-output-channel, 255 levels
        REQUIRE(infer1("FakeQuantize", {f32({64, 3, 7, 7}), f32({64, 1, 1, 1}), f32({64, 1, 1, 1}),
                                        f32({64, 1, 1, 1}), f32({64, 1, 1, 1})},
                       A().i("levels", 255)) == f32({64, 3, 7, 7}));
        REQUIRE(infer1("FakeQuantize", {x, f32({1}), f32({1}), f32({1}), f32({1})}, A().i("levels", 2)) == x);
    }
    auto fq = [&](std::vector<TensorDesc> in, const Attributes& at) {
        return infer_outputs(make_node("FakeQuantize", at), in);
    };
    const TensorDesc s = f32({1});
    SECTION("ranges must not change x's shape") {
        REQUIRE_THROWS_MATCHES(fq({x, f32({2, 1, 1, 1}), s, s, s}, l256), ValidationError,
                               Catch::Message("input_low shape [2,1,1,1] does not broadcast to x shape [1,3,4,4]"));
        REQUIRE_THROWS_WITH(fq({x, s, s, s, f32({1, 1, 3, 4, 4})}, l256),
                            Catch::Contains("output_high shape [1,1,3,4,4] does not broadcast"));
        REQUIRE_THROWS_WITH(fq({x, s, f32({3}), s, s}, l256), Catch::Contains("input_high shape [3]"));
    }
    SECTION("levels, types and input count") {
        REQUIRE_THROWS_WITH(fq({x, s, s, s, s}, A().i("levels", 1)), Catch::Contains("'levels' = 1 must be in [2, 2^31)"));
        REQUIRE_THROWS_WITH(fq({x, s, s, s, s}, A().i("levels", int64_t(1) << 40)), Catch::Contains("'levels'"));
        REQUIRE_THROWS_WITH(fq({x, s, s, s, s}, {}), Catch::Contains("missing attribute 'levels'"));
        REQUIRE_THROWS_WITH(fq({x, s, s, s}, l256), Catch::Contains("expects 5 inputs, got 4"));
        REQUIRE_THROWS_WITH(fq({u8({1, 3, 4, 4}), s, s, s, s}, l256), Catch::Contains("x has element type u8, expected f32"));
        REQUIRE_THROWS_WITH(fq({x, s, s, s8({1}), s}, l256), Catch::Contains("output_low has element type s8"));
    }
}
