#include <limits>

#include "ref_util.hpp"

using namespace reftest;
using octet::ir::Attributes;

TEST_CASE("ref Add/Subtract/Multiply with broadcasting", "[kernels][ref]") {
    Tensor a = iota({2, 3});  // [[0,1,2],[3,4,5]]
    CHECK(values<float>(eval1(node("Add", {}, ElemType::f32, {2, 3}), {a, make<float>({3}, {10, 20, 30})})) ==
          std::vector<float>{10, 21, 32, 13, 24, 35});
    CHECK(values<float>(eval1(node("Subtract", {}, ElemType::f32, {2, 3}), {make<float>({2, 1}, {1, 2}), make<float>({1, 3}, {1, 2, 3})})) ==
          std::vector<float>{0, -1, -2, 1, 0, -1});
    // Per-channel scale [1,2,1,1] over NCHW [1,2,2,2].
    CHECK(values<float>(eval1(node("Multiply", {}, ElemType::f32, {1, 2, 2, 2}),
                              {iota({1, 2, 2, 2}), make<float>({1, 2, 1, 1}, {2, -1})})) ==
          std::vector<float>{0, 2, 4, 6, -4, -5, -6, -7});
    // Rank-0 operand.
    CHECK(values<float>(eval1(node("Add", {}, ElemType::f32, {3}), {make<float>({}, {1}), make<float>({3}, {1, 2, 3})})) ==
          std::vector<float>{2, 3, 4});
    CHECK(values<int32_t>(eval1(node("Add", {}, ElemType::s32, {2}), {make<int32_t>({2}, {1, -5}), make<int32_t>({1}, {7})})) ==
          std::vector<int32_t>{8, 2});
    CHECK_THROWS_WITH(eval1(node("Add", {}, ElemType::f32, {2, 3}), {a, make<float>({2}, {1, 2})}),
                      Catch::Contains("does not broadcast"));
}

TEST_CASE("ref Relu, Clamp, Gelu", "[kernels][ref]") {
    const float nan = std::numeric_limits<float>::quiet_NaN();
    CHECK(values<float>(eval1(node("Relu", {}, ElemType::f32, {4}), {make<float>({4}, {-1, 0, 2.5f, nan})})) ==
          std::vector<float>{0, 0, 2.5f, 0});
    CHECK(values<int8_t>(eval1(node("Relu", {}, ElemType::s8, {3}), {make<int8_t>({3}, {-128, 0, 127})})) ==
          std::vector<int8_t>{0, 0, 127});
    Attributes c;
    c.set("min", -1.0f);
    c.set("max", 6.0f);
    CHECK(values<float>(eval1(node("Clamp", c, ElemType::f32, {4}), {make<float>({4}, {-3, 0.5f, 7, 6})})) ==
          std::vector<float>{-1, 0.5f, 6, 6});
    Attributes cu;
    cu.set("min", 2.5f);
    cu.set("max", 300.0f);  // integer bounds: ceil(2.5) = 3, 300 saturates to 255
    CHECK(values<uint8_t>(eval1(node("Clamp", cu, ElemType::u8, {3}), {make<uint8_t>({3}, {0, 200, 255})})) ==
          std::vector<uint8_t>{3, 200, 255});
    // Gelu(1) = 0.5 * (1 + erf(1/sqrt 2)) = 0.8413447; Gelu(-1) = -0.1586553.
    Tensor g = eval1(node("Gelu", {}, ElemType::f32, {3}), {make<float>({3}, {1, -1, 0})});
    check_close(g, {0.8413447f, -0.1586553f, 0});
    Attributes t;
    t.set("approximation_mode", "tanh");
    // 0.5 * (1 + tanh(0.7978846 * 1.044715)) = 0.8411920.
    check_close(eval1(node("Gelu", t, ElemType::f32, {1}), {make<float>({1}, {1})}), {0.8411920f});
}

TEST_CASE("ref Convert rounds half to even and saturates", "[kernels][ref]") {
    const float nan = std::numeric_limits<float>::quiet_NaN();
    Tensor x = make<float>({8}, {-1, 0.5f, 1.5f, 2.5f, 254.5f, 300, nan, 3.49f});
    Attributes a;
    a.set("destination_type", "u8");
    CHECK(values<uint8_t>(eval1(node("Convert", a, ElemType::u8, {8}), {x})) ==
          std::vector<uint8_t>{0, 0, 2, 2, 254, 255, 0, 3});
    a.set("destination_type", "s8");
    CHECK(values<int8_t>(eval1(node("Convert", a, ElemType::s8, {4}), {make<float>({4}, {-128.5f, 127.5f, -0.5f, -3.5f})})) ==
          std::vector<int8_t>{-128, 127, 0, -4});
    a.set("destination_type", "s32");
    CHECK(values<int32_t>(eval1(node("Convert", a, ElemType::s32, {3}), {make<float>({3}, {-2.5f, 3e10f, -3e10f})})) ==
          std::vector<int32_t>{-2, 2147483520, std::numeric_limits<int32_t>::min()});
    a.set("destination_type", "f32");
    CHECK(values<float>(eval1(node("Convert", a, ElemType::f32, {2}), {make<int8_t>({2}, {-128, 5})})) ==
          std::vector<float>{-128, 5});
    a.set("destination_type", "u8");
    CHECK(values<uint8_t>(eval1(node("Convert", a, ElemType::u8, {3}), {make<int32_t>({3}, {-4, 17, 1000})})) ==
          std::vector<uint8_t>{0, 17, 255});
}

TEST_CASE("ref FakeQuantize scalar rule: edges", "[kernels][ref]") {
    using octet::kernels::ref::fake_quantize;
    // x at il -> ol (x <= min); x at ih goes through the formula and lands exactly on oh.
    CHECK(fake_quantize(0.f, 0.f, 1.f, 0.f, 1.f, 256) == 0.f);
    CHECK(fake_quantize(1.f, 0.f, 1.f, 0.f, 1.f, 256) == 1.f);
    CHECK(fake_quantize(-1.f, 0.f, 1.f, 0.f, 1.f, 256) == 0.f);
    CHECK(fake_quantize(1.5f, 0.f, 1.f, -3.f, 7.f, 256) == 7.f);
    // levels 3 (2 steps): 0.25 -> 0.5 steps -> rounds to even 0; 0.75 -> 1.5 -> 2.
    CHECK(fake_quantize(0.25f, 0.f, 1.f, 0.f, 10.f, 3) == 0.f);
    CHECK(fake_quantize(0.75f, 0.f, 1.f, 0.f, 10.f, 3) == 10.f);
    // levels 2: a binary output split at the middle (0.5 steps rounds to 0).
    CHECK(fake_quantize(0.f, -1.f, 1.f, -1.f, 1.f, 2) == -1.f);
    CHECK(fake_quantize(0.1f, -1.f, 1.f, -1.f, 1.f, 2) == 1.f);
    // levels 255 mapping [-1,1] onto [-127,127]: 0 is step 127 exactly, 1/127 is step 128.
    CHECK(fake_quantize(0.f, -1.f, 1.f, -127.f, 127.f, 255) == 0.f);
    CHECK(fake_quantize(1.f / 127.f, -1.f, 1.f, -127.f, 127.f, 255) == Approx(1.f));
    // levels 256 over [0, 2.55]: 1.0 is step 100.
    CHECK(fake_quantize(1.0f, 0.f, 2.55f, 0.f, 255.f, 256) == Approx(100.f));
    // il > ih: x <= ih -> ol, x > il -> oh, between them the formula with a negative range.
    CHECK(fake_quantize(-1.f, 1.f, -1.f, 0.f, 10.f, 3) == 0.f);
    CHECK(fake_quantize(2.f, 1.f, -1.f, 0.f, 10.f, 3) == 10.f);
    CHECK(fake_quantize(1.f, 1.f, -1.f, 0.f, 10.f, 3) == 0.f);    // at il: step 0
    CHECK(fake_quantize(0.f, 1.f, -1.f, 0.f, 10.f, 3) == 5.f);    // step 1
    CHECK(fake_quantize(-0.9f, 1.f, -1.f, 0.f, 10.f, 3) == 10.f);  // 1.9 steps -> 2
    // il == ih: a step function.
    CHECK(fake_quantize(0.5f, 0.5f, 0.5f, -1.f, 1.f, 256) == -1.f);
    CHECK(fake_quantize(0.6f, 0.5f, 0.5f, -1.f, 1.f, 256) == 1.f);
    // NaN fails both comparisons and propagates through the formula (documented).
    CHECK(std::isnan(fake_quantize(std::numeric_limits<float>::quiet_NaN(), 0.f, 1.f, 0.f, 1.f, 256)));
}

TEST_CASE("ref FakeQuantize op: per-channel broadcast ranges", "[kernels][ref]") {
    Attributes a;
    a.set("levels", 3);
    auto n = node("FakeQuantize", a, ElemType::f32, {1, 2, 1, 2});
    // Channel 0 range [0,1], channel 1 range [0,2]; output range [0,1] as rank-0 scalars.
    Tensor x = make<float>({1, 2, 1, 2}, {0.3f, 0.8f, 0.3f, 1.6f});
    Tensor il = make<float>({1, 2, 1, 1}, {0, 0}), ih = make<float>({1, 2, 1, 1}, {1, 2});
    Tensor ol = make<float>({}, {0}), oh = make<float>({1}, {1});
    CHECK(values<float>(eval1(n, {x, il, ih, ol, oh})) == std::vector<float>{0.5f, 1, 0, 1});
    a.set("levels", 1);
    CHECK_THROWS_WITH(eval1(node("FakeQuantize", a, ElemType::f32, {1, 2, 1, 2}), {x, il, ih, ol, oh}),
                      Catch::Contains("levels"));
    // A range that does not broadcast to x.
    a.set("levels", 3);
    CHECK_THROWS_AS(eval1(n, {x, make<float>({3}, {0, 0, 0}), ih, ol, oh}), octet::ArgumentError);
}
