#include "ops_test_util.hpp"

using namespace octet;
using namespace octet::ir;
using namespace octet::ir::testing;

TEST_CASE("ops: MatMul shapes", "[ir][ops]") {
    REQUIRE(shape_of("MatMul", {f32({2, 3}), f32({3, 4})}) == Shape{2, 4});
    REQUIRE(shape_of("MatMul", {f32({3, 2}), f32({3, 4})}, A().b("transpose_a", true)) == Shape{2, 4});
    REQUIRE(shape_of("MatMul", {f32({2, 3}), f32({4, 3})}, A().b("transpose_b", true)) == Shape{2, 4});
    REQUIRE(shape_of("MatMul", {f32({3, 2}), f32({4, 3})}, A().b("transpose_a", true).b("transpose_b", true)) ==
            Shape{2, 4});
    SECTION("batch dims broadcast like numpy") {
        REQUIRE(shape_of("MatMul", {f32({5, 1, 2, 3}), f32({4, 3, 6})}) == Shape{5, 4, 2, 6});
        REQUIRE(shape_of("MatMul", {f32({1, 128, 768}), f32({768, 3072})}) == Shape{1, 128, 3072});
        // BERT attention scores: Q x K^T per head
        REQUIRE(shape_of("MatMul", {f32({1, 12, 128, 64}), f32({1, 12, 128, 64})}, A().b("transpose_b", true)) ==
                Shape{1, 12, 128, 128});
    }
    SECTION("rank-1 operands: the added unit dim is removed again") {
        REQUIRE(shape_of("MatMul", {f32({3}), f32({3, 4})}) == Shape{4});
        REQUIRE(shape_of("MatMul", {f32({2, 3}), f32({3})}) == Shape{2});
        REQUIRE(shape_of("MatMul", {f32({3}), f32({3})}) == Shape{});
        REQUIRE(shape_of("MatMul", {f32({7, 2, 3}), f32({3})}) == Shape{7, 2});
        REQUIRE(shape_of("MatMul", {f32({3}), f32({5, 3, 4})}) == Shape{5, 4});
        // transpose flags do nothing to a rank-1 operand
        REQUIRE(shape_of("MatMul", {f32({3}), f32({4, 3})}, A().b("transpose_a", true).b("transpose_b", true)) ==
                Shape{4});
    }
    SECTION("int8 operands accumulate to s32") {
        REQUIRE(infer1("MatMul", {u8({4, 8}), s8({8, 2})}) == TensorDesc{ElemType::s32, {4, 2}});
        REQUIRE(infer1("MatMul", {s8({4, 8}), s8({8, 2})}).type == ElemType::s32);
    }
}

TEST_CASE("ops: MatMul errors", "[ir][ops]") {
    auto mm = [](TensorDesc a, TensorDesc b, const Attributes& at = {}) {
        return infer_outputs(make_node("MatMul", at), {a, b});
    };
    REQUIRE_THROWS_MATCHES(mm(f32({2, 3}), f32({4, 5})), ValidationError,
                           Catch::Message("inner dimensions differ: A [2,3] has K=3, B [4,5] has K=4"));
    REQUIRE_THROWS_WITH(mm(f32({2, 3}), f32({3, 4}), A().b("transpose_a", true)),
                        Catch::Contains("A [2,3] (transposed) has K=2, B [3,4] has K=3"));
    REQUIRE_THROWS_WITH(mm(f32({2, 3}), f32({4, 3})), Catch::Contains("B [4,3] has K=4"));
    REQUIRE_THROWS_WITH(mm(f32({2, 2, 3}), f32({3, 3, 4})), Catch::Contains("shapes [2] and [3] do not broadcast"));
    REQUIRE_THROWS_WITH(mm(f32({}), f32({3})), Catch::Contains("operands must have rank >= 1"));
    REQUIRE_THROWS_WITH(mm(f32({2, 3}), s8({3, 4})), Catch::Contains("B (with f32 A) has element type s8"));
    REQUIRE_THROWS_WITH(mm(u8({2, 3}), u8({3, 4})), Catch::Contains("B (with int8 A) has element type u8, expected s8"));
    REQUIRE_THROWS_WITH(mm(f32({2, 3}), f32({3, 4}), A().i("transpose_b", 1)),
                        Catch::Contains("'transpose_b' is int, expected bool"));
    REQUIRE_THROWS_WITH(infer_outputs(make_node("MatMul"), {f32({2, 3})}), Catch::Contains("expects 2 inputs, got 1"));
    // a batch that broadcasts past 2^40 elements is an error, not an overflow
    const int64_t big = int64_t(1) << 30;
    REQUIRE_THROWS_WITH(mm(f32({big, 1, 1, 1}), f32({1, big, 1, 1})), Catch::Contains("more than 2^40 elements"));
}
