#include "ops_test_util.hpp"

using namespace octet;
using namespace octet::ir;
using namespace octet::ir::testing;

TEST_CASE("ops: Concat", "[ir][ops]") {
    REQUIRE(shape_of("Concat", {f32({1, 2, 4}), f32({1, 3, 4})}, A().i("axis", 1)) == Shape{1, 5, 4});
    REQUIRE(shape_of("Concat", {f32({1, 2, 4}), f32({1, 2, 1}), f32({1, 2, 2})}, A().i("axis", -1)) == Shape{1, 2, 7});
    REQUIRE(shape_of("Concat", {f32({3})}, A().i("axis", 0)) == Shape{3});
    REQUIRE(infer1("Concat", {u8({1, 2}), u8({1, 2})}, A().i("axis", 0)) == u8({2, 2}));
    auto cat = [](std::vector<TensorDesc> in, int64_t axis) {
        return infer_outputs(make_node("Concat", A().i("axis", axis)), in);
    };
    REQUIRE_THROWS_MATCHES(cat({f32({1, 2, 4}), f32({1, 3, 5})}, 1), ValidationError,
                           Catch::Message("input 1 shape [1,3,5] does not match input 0 shape [1,2,4] outside axis 1"));
    REQUIRE_THROWS_WITH(cat({f32({1, 2}), f32({1, 2, 1})}, 1), Catch::Contains("input 1 shape [1,2,1] does not match"));
    REQUIRE_THROWS_WITH(cat({f32({1, 2}), u8({1, 2})}, 1), Catch::Contains("input 0 is f32 but input 1 is u8"));
    REQUIRE_THROWS_WITH(cat({f32({1, 2}), f32({1, 2})}, 2), Catch::Contains("attribute 'axis' 2 is out of range for rank 2"));
    REQUIRE_THROWS_WITH(cat({f32({1, 2}), f32({1, 2})}, -3), Catch::Contains("out of range"));
    REQUIRE_THROWS_WITH(cat({}, 0), Catch::Contains("expects at least 1 input, got 0"));
    REQUIRE_THROWS_WITH(cat({f32({}), f32({})}, 0), Catch::Contains("cannot concatenate scalars"));
    REQUIRE_THROWS_WITH(infer_outputs(make_node("Concat"), {f32({1})}), Catch::Contains("missing attribute 'axis'"));
    const int64_t big = int64_t(1) << 39;
    REQUIRE_THROWS_WITH(cat({f32({big}), f32({big}), f32({big})}, 0), Catch::Contains("more than 2^40 elements"));
}

TEST_CASE("ops: Reshape with 0 and -1", "[ir][ops]") {
    auto rs = [](Shape in, std::vector<int64_t> shape, bool special_zero = true) {
        return shape_of("Reshape", {f32(in)}, A().ints("shape", shape).b("special_zero", special_zero));
    };
    REQUIRE(rs({2, 3, 4}, {0, -1}) == Shape{2, 12});
    REQUIRE(rs({2, 3, 4}, {-1}) == Shape{24});
    REQUIRE(rs({1, 128, 768}, {0, 0, 12, 64}) == Shape{1, 128, 12, 64});  // BERT head split
    REQUIRE(rs({2, 3, 4}, {3, -1, 0}) == Shape{3, 2, 4});
    REQUIRE(rs({2, 3, 4}, {6, 4}, false) == Shape{6, 4});
    REQUIRE(rs({0, 3}, {3, 0}, false) == Shape{3, 0});  // literal 0 without special_zero
    REQUIRE(shape_of("Reshape", {f32({1, 2048, 1, 1})}, A().ints("shape", {1, -1})) == Shape{1, 2048});  // default special_zero
    auto rs_err = [](Shape in, std::vector<int64_t> shape, bool special_zero = true) {
        return infer_outputs(make_node("Reshape", A().ints("shape", shape).b("special_zero", special_zero)), {f32(in)});
    };
    REQUIRE_THROWS_MATCHES(rs_err({2, 3, 4}, {5, -1}), ValidationError,
                           Catch::Message("cannot reshape [2,3,4] (24 elements) to [5,-1]: not divisible"));
    REQUIRE_THROWS_WITH(rs_err({2, 3, 4}, {-1, -1}), Catch::Contains("has more than one -1"));
    REQUIRE_THROWS_WITH(rs_err({2, 3, 4}, {-2, 12}), Catch::Contains("has a value below -1"));
    REQUIRE_THROWS_WITH(rs_err({2, 3, 4}, {5, 5}), Catch::Contains("cannot reshape [2,3,4] (24 elements) to [5,5] (25 elements)"));
    REQUIRE_THROWS_WITH(rs_err({24}, {0, 0}), Catch::Contains("has 0 at index 1, but the input [24] has no dim there"));
    REQUIRE_THROWS_WITH(rs_err({2, 3, 4}, {0, 12}, false), Catch::Contains("(0 elements)"));
    REQUIRE_THROWS_WITH(rs_err({0, 3}, {0, -1}), Catch::Contains("cannot infer the -1 dim next to a zero-sized dim"));
    const int64_t big = int64_t(1) << 40;
    REQUIRE_THROWS_WITH(rs_err({2, 3, 4}, {big, big, -1}), Catch::Contains("more than 2^40 elements"));
    REQUIRE_THROWS_WITH(infer_outputs(make_node("Reshape"), {f32({1})}), Catch::Contains("missing attribute 'shape'"));
}

TEST_CASE("ops: Transpose", "[ir][ops]") {
    REQUIRE(shape_of("Transpose", {f32({1, 2, 3, 4})}, A().ints("order", {0, 2, 3, 1})) == Shape{1, 3, 4, 2});
    REQUIRE(shape_of("Transpose", {f32({1, 2, 3, 4})}) == Shape{4, 3, 2, 1});
    REQUIRE(shape_of("Transpose", {f32({1, 2, 3})}, A().ints("order", {})) == Shape{3, 2, 1});
    REQUIRE(infer1("Transpose", {s8({5, 6})}, A().ints("order", {1, 0})) == s8({6, 5}));
    auto tr = [](std::vector<int64_t> order) {
        return infer_outputs(make_node("Transpose", A().ints("order", order)), {f32({1, 2, 3})});
    };
    REQUIRE_THROWS_MATCHES(tr({0, 0, 1}), ValidationError,
                           Catch::Message("attribute 'order' = [0,0,1] is not a permutation of 0..2"));
    REQUIRE_THROWS_WITH(tr({0, 1, 3}), Catch::Contains("is not a permutation"));
    REQUIRE_THROWS_WITH(tr({-1, 0, 1}), Catch::Contains("is not a permutation"));
    REQUIRE_THROWS_WITH(tr({1, 0}), Catch::Contains("has 2 values for an input of rank 3"));
}

TEST_CASE("ops: Squeeze and Unsqueeze", "[ir][ops]") {
    REQUIRE(shape_of("Squeeze", {f32({1, 3, 1, 4})}) == Shape{3, 4});
    REQUIRE(shape_of("Squeeze", {f32({1, 3, 1, 4})}, A().ints("axes", {-2})) == Shape{1, 3, 4});
    REQUIRE(shape_of("Squeeze", {f32({1, 3, 1, 4})}, A().ints("axes", {0, 2, 0})) == Shape{3, 4});
    REQUIRE(shape_of("Squeeze", {f32({1, 1})}) == Shape{});
    REQUIRE_THROWS_MATCHES(infer_outputs(make_node("Squeeze", A().ints("axes", {1})), {f32({1, 3})}), ValidationError,
                           Catch::Message("cannot squeeze axis 1 of shape [1,3]: its size is 3, not 1"));
    REQUIRE_THROWS_WITH(infer_outputs(make_node("Squeeze", A().ints("axes", {2})), {f32({1, 3})}),
                        Catch::Contains("axis in 'axes' 2 is out of range for rank 2"));

    REQUIRE(shape_of("Unsqueeze", {f32({3, 4})}, A().ints("axes", {0, 3})) == Shape{1, 3, 4, 1});
    REQUIRE(shape_of("Unsqueeze", {f32({3, 4})}, A().ints("axes", {-1})) == Shape{3, 4, 1});
    REQUIRE(shape_of("Unsqueeze", {f32({})}, A().ints("axes", {0})) == Shape{1});
    REQUIRE(shape_of("Unsqueeze", {f32({3})}, A().ints("axes", {1, 0})) == Shape{1, 1, 3});
    REQUIRE_THROWS_WITH(infer_outputs(make_node("Unsqueeze", A().ints("axes", {1, -2})), {f32({3})}),
                        Catch::Contains("attribute 'axes' = [1,-2] repeats axis 1"));
    REQUIRE_THROWS_WITH(infer_outputs(make_node("Unsqueeze", A().ints("axes", {3})), {f32({3})}),
                        Catch::Contains("out of range for rank 2"));
    REQUIRE_THROWS_WITH(infer_outputs(make_node("Unsqueeze", A().ints("axes", {})), {f32({3})}),
                        Catch::Contains("attribute 'axes' is empty"));
    REQUIRE_THROWS_WITH(infer_outputs(make_node("Unsqueeze"), {f32({3})}), Catch::Contains("missing attribute 'axes'"));
}
