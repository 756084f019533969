#include "ref_util.hpp"

using namespace reftest;
using octet::ir::Attributes;
using octet::ir::AttrValue;

namespace {

Attributes pool_attrs(std::vector<int64_t> k, std::vector<int64_t> s, std::vector<int64_t> pb, std::vector<int64_t> pe,
                      const char* rounding = "floor") {
    Attributes a;
    a.set("kernel", k);
    a.set("strides", s);
    a.set("pads_begin", pb);
    a.set("pads_end", pe);
    a.set("rounding_type", rounding);
    return a;
}

}  // namespace

TEST_CASE("ref MaxPool: floor and ceil, every type", "[kernels][ref]") {
    auto n = node("MaxPool", pool_attrs({2, 2}, {2, 2}, {0, 0}, {0, 0}), ElemType::f32, {1, 1, 2, 2});
    CHECK(values<float>(eval1(n, {iota({1, 1, 4, 4})})) == std::vector<float>{5, 7, 13, 15});
    // 3x3 with ceil: the last windows hang past the input and see only its edge.
    auto c = node("MaxPool", pool_attrs({2, 2}, {2, 2}, {0, 0}, {0, 0}, "ceil"), ElemType::f32, {1, 1, 2, 2});
    CHECK(values<float>(eval1(c, {iota({1, 1, 3, 3}, 1.f)})) == std::vector<float>{5, 6, 8, 9});
    // s8 with negative values and padding: padding never wins.
    auto p = node("MaxPool", pool_attrs({2, 2}, {1, 1}, {1, 1}, {0, 0}), ElemType::s8, {1, 1, 2, 2});
    Tensor y = eval1(p, {make<int8_t>({1, 1, 2, 2}, {-5, -7, -3, -9})});
    CHECK(values<int8_t>(y) == std::vector<int8_t>{-5, -5, -3, -3});
}

TEST_CASE("ref AvgPool: exclude_pad, include pad, ceil", "[kernels][ref]") {
    // 3x3 input 1..9, 3x3 window, pad 1: the corner window holds 1,2,4,5 (sum 12).
    Attributes a = pool_attrs({3, 3}, {1, 1}, {1, 1}, {1, 1});
    a.set("exclude_pad", true);
    Tensor x = iota({1, 1, 3, 3}, 1.f);
    Tensor ex = eval1(node("AvgPool", a, ElemType::f32, {1, 1, 3, 3}), {x});
    check_close(ex, {12.f / 4, 21.f / 6, 16.f / 4, 27.f / 6, 45.f / 9, 33.f / 6, 24.f / 4, 39.f / 6, 28.f / 4});
    a.set("exclude_pad", false);
    Tensor in = eval1(node("AvgPool", a, ElemType::f32, {1, 1, 3, 3}), {x});
    check_close(in, {12.f / 9, 21.f / 9, 16.f / 9, 27.f / 9, 5, 33.f / 9, 24.f / 9, 39.f / 9, 28.f / 9});
    // ceil: windows past the end count only real elements, whatever exclude_pad says.
    for (bool excl : {true, false}) {
        Attributes c = pool_attrs({2, 2}, {2, 2}, {0, 0}, {0, 0}, "ceil");
        c.set("exclude_pad", excl);
        Tensor y = eval1(node("AvgPool", c, ElemType::f32, {1, 1, 2, 2}), {x});
        check_close(y, {3, 4.5f, 7.5f, 9});
    }
    // ceil with an end pad of 1: include-pad counts the pad column but not beyond it.
    Attributes d = pool_attrs({3, 3}, {2, 2}, {0, 0}, {1, 1}, "ceil");
    d.set("exclude_pad", false);
    // 4x4 input 0..15, padded to 5x5; out = ceil((5-3)/2)+1 = 2. Window (1,1) covers rows/cols 2..4: 4 real of 9.
    Tensor y = eval1(node("AvgPool", d, ElemType::f32, {1, 1, 2, 2}), {iota({1, 1, 4, 4})});
    check_close(y, {(0 + 1 + 2 + 4 + 5 + 6 + 8 + 9 + 10) / 9.f, (2 + 3 + 6 + 7 + 10 + 11) / 9.f,
                    (8 + 9 + 10 + 12 + 13 + 14) / 9.f, (10 + 11 + 14 + 15) / 9.f});
}

TEST_CASE("ref MatMul: plain, transposed, batched, vectors", "[kernels][ref]") {
    Tensor a = iota({2, 3}, 1.f);   // [[1,2,3],[4,5,6]]
    Tensor b = iota({3, 2}, 7.f);   // [[7,8],[9,10],[11,12]]
    auto n = node("MatMul", {}, ElemType::f32, {2, 2});
    CHECK(values<float>(eval1(n, {a, b})) == std::vector<float>{58, 64, 139, 154});

    Attributes t;
    t.set("transpose_a", true);
    t.set("transpose_b", true);
    Tensor at = make<float>({3, 2}, {1, 4, 2, 5, 3, 6});
    Tensor bt = make<float>({2, 3}, {7, 9, 11, 8, 10, 12});
    CHECK(values<float>(eval1(node("MatMul", t, ElemType::f32, {2, 2}), {at, bt})) ==
          std::vector<float>{58, 64, 139, 154});

    // Batch [2,1] x [3]: A [2,1,1,2], B [3,2,1] -> [2,3,1,1]; C[i][j] = A[i] . B[j].
    Tensor ab = make<float>({2, 1, 1, 2}, {1, 2, 3, 4});
    Tensor bb = make<float>({3, 2, 1}, {1, 0, 0, 1, 1, 1});
    CHECK(values<float>(eval1(node("MatMul", {}, ElemType::f32, {2, 3, 1, 1}), {ab, bb})) ==
          std::vector<float>{1, 2, 3, 3, 4, 7});

    // Vector x matrix: [3] x [3,2] -> [2].
    CHECK(values<float>(eval1(node("MatMul", {}, ElemType::f32, {2}), {make<float>({3}, {1, 1, 1}), b})) ==
          std::vector<float>{27, 30});
    // Matrix x vector: [2,3] x [3] -> [2].
    CHECK(values<float>(eval1(node("MatMul", {}, ElemType::f32, {2}), {a, make<float>({3}, {1, 0, -1})})) ==
          std::vector<float>{-2, -2});
    CHECK_THROWS_WITH(eval1(n, {a, a}), Catch::Contains("n_MatMul"));
}
