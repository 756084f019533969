#include <cmath>

#include "ref_util.hpp"

using namespace reftest;
using octet::ir::Attributes;

TEST_CASE("ref Concat, Transpose, Reshape, Squeeze, Unsqueeze", "[kernels][ref]") {
    Attributes c;
    c.set("axis", -1);
    Tensor y = eval1(node("Concat", c, ElemType::u8, {2, 3}),
                     {make<uint8_t>({2, 1}, {1, 2}), make<uint8_t>({2, 2}, {3, 4, 5, 6})});
    CHECK(values<uint8_t>(y) == std::vector<uint8_t>{1, 3, 4, 2, 5, 6});
    c.set("axis", 0);
    CHECK(values<float>(eval1(node("Concat", c, ElemType::f32, {3, 2}), {iota({1, 2}), iota({2, 2}, 5)})) ==
          std::vector<float>{0, 1, 5, 6, 7, 8});

    Attributes t;
    t.set("order", std::vector<int64_t>{0, 2, 3, 1});  // NCHW -> NHWC
    Tensor x = make<int8_t>({1, 2, 2, 2}, {0, 1, 2, 3, -4, -5, -6, -7});
    CHECK(values<int8_t>(eval1(node("Transpose", t, ElemType::s8, {1, 2, 2, 2}), {x})) ==
          std::vector<int8_t>{0, -4, 1, -5, 2, -6, 3, -7});
    t.set("order", std::vector<int64_t>{1, 0});
    CHECK(values<float>(eval1(node("Transpose", t, ElemType::f32, {3, 2}), {iota({2, 3})})) ==
          std::vector<float>{0, 3, 1, 4, 2, 5});

    Attributes r;
    r.set("shape", std::vector<int64_t>{3, -1});
    Tensor rs = eval1(node("Reshape", r, ElemType::f32, {3, 2}), {iota({2, 3})});
    CHECK(rs.shape() == Shape{3, 2});
    CHECK(values<float>(rs) == std::vector<float>{0, 1, 2, 3, 4, 5});
    Attributes s;
    s.set("axes", std::vector<int64_t>{});
    CHECK(eval1(node("Squeeze", s, ElemType::f32, {3}), {iota({1, 3, 1})}).shape() == Shape{3});
    Attributes u;
    u.set("axes", std::vector<int64_t>{0});
    CHECK(eval1(node("Unsqueeze", u, ElemType::s32, {1, 2}), {make<int32_t>({2}, {1, 2})}).shape() == Shape{1, 2});
    CHECK_THROWS_WITH(eval1(node("Reshape", r, ElemType::f32, {4, 2}), {iota({2, 3})}), Catch::Contains("n_Reshape"));
}

TEST_CASE("ref Softmax is exact and stable", "[kernels][ref]") {
    Attributes a;
    a.set("axis", -1);
    // e^-2, e^-1, e^0 over their sum 1.5032147.
    Tensor y = eval1(node("Softmax", a, ElemType::f32, {2, 3}), {make<float>({2, 3}, {1, 2, 3, 1000, 1000, -1e30f})});
    check_close(y, {0.0900306f, 0.2447285f, 0.6652410f, 0.5f, 0.5f, 0.f});
    a.set("axis", 0);  // over a non-innermost axis
    check_close(eval1(node("Softmax", a, ElemType::f32, {2, 2}), {make<float>({2, 2}, {0, 5, 0, 5})}),
                {0.5f, 0.5f, 0.5f, 0.5f});
}

TEST_CASE("ref MVN", "[kernels][ref]") {
    Attributes a;
    a.set("axes", std::vector<int64_t>{1});
    a.set("normalize_variance", true);
    a.set("eps", 0.0f);
    a.set("eps_mode", "inside_sqrt");
    // Row 0: mean 2.5, variance 1.25, sqrt 1.1180340. Row 1 (x2): mean 5, variance 5, same result.
    Tensor y = eval1(node("MVN", a, ElemType::f32, {2, 4}), {make<float>({2, 4}, {1, 2, 3, 4, 2, 4, 6, 8})});
    check_close(y, {-1.3416408f, -0.4472136f, 0.4472136f, 1.3416408f, -1.3416408f, -0.4472136f, 0.4472136f,
                    1.3416408f});
    a.set("eps", 1.0f);
    a.set("eps_mode", "outside_sqrt");  // divide by sqrt(1.25) + 1 = 2.1180340
    check_close(eval1(node("MVN", a, ElemType::f32, {1, 4}), {make<float>({1, 4}, {1, 2, 3, 4})}),
                {-0.7082039f, -0.2360680f, 0.2360680f, 0.7082039f});
    a.set("eps_mode", "inside_sqrt");  // sqrt(1.25 + 1) = 1.5
    check_close(eval1(node("MVN", a, ElemType::f32, {1, 4}), {make<float>({1, 4}, {1, 2, 3, 4})}),
                {-1.f, -1.f / 3, 1.f / 3, 1.f});
    a.set("normalize_variance", false);
    CHECK(values<float>(eval1(node("MVN", a, ElemType::f32, {1, 4}), {make<float>({1, 4}, {1, 2, 3, 4})})) ==
          std::vector<float>{-1.5f, -0.5f, 0.5f, 1.5f});
    // Over H,W of NCHW: each channel normalised on its own.
    a.set("axes", std::vector<int64_t>{2, 3});
    CHECK(values<float>(eval1(node("MVN", a, ElemType::f32, {1, 2, 1, 2}), {make<float>({1, 2, 1, 2}, {1, 3, 10, 20})})) ==
          std::vector<float>{-1, 1, -5, 5});
}

TEST_CASE("ref Interpolate nearest", "[kernels][ref]") {
    Tensor x = make<float>({1, 1, 2, 2}, {1, 2, 3, 4});
    Attributes a;
    a.set("mode", "nearest");
    a.set("sizes", std::vector<int64_t>{4, 4});
    // half_pixel + round_prefer_floor: source coords -0.25, 0.25, 0.75, 1.25 -> 0, 0, 1, 1.
    CHECK(values<float>(eval1(node("Interpolate", a, ElemType::f32, {1, 1, 4, 4}), {x})) ==
          std::vector<float>{1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4});
    // asymmetric: coords 0, 0.5, 1, 1.5. prefer_ceil -> 0,1,1,2(clamped 1); prefer_floor -> 0,0,1,1.
    a.set("sizes", std::vector<int64_t>{1, 4});
    a.set("coordinate_transformation_mode", "asymmetric");
    a.set("nearest_mode", "round_prefer_ceil");
    // H: 2 -> 1, scale 0.5, coord 0 -> row 0.
    CHECK(values<float>(eval1(node("Interpolate", a, ElemType::f32, {1, 1, 1, 4}), {x})) ==
          std::vector<float>{1, 2, 2, 2});
    a.set("nearest_mode", "round_prefer_floor");
    CHECK(values<float>(eval1(node("Interpolate", a, ElemType::f32, {1, 1, 1, 4}), {x})) ==
          std::vector<float>{1, 1, 2, 2});
    // simple when downsampling takes ceil: 4 -> 2 with asymmetric coords 0, 2 on a u8 row.
    Attributes d;
    d.set("mode", "nearest");
    d.set("scales", std::vector<double>{1.0, 0.5});
    d.set("coordinate_transformation_mode", "tf_half_pixel_for_nn");
    d.set("nearest_mode", "simple");
    // tf_half_pixel_for_nn: (o + 0.5) / 0.5 = 1, 3 -> ceil 1, 3.
    CHECK(values<uint8_t>(eval1(node("Interpolate", d, ElemType::u8, {1, 1, 1, 2}),
                                {make<uint8_t>({1, 1, 1, 4}, {10, 11, 12, 13})})) == std::vector<uint8_t>{11, 13});
}

TEST_CASE("ref Interpolate linear", "[kernels][ref]") {
    Tensor x = make<float>({1, 1, 2, 2}, {1, 2, 3, 4});
    Attributes a;
    a.set("mode", "linear");
    a.set("sizes", std::vector<int64_t>{4, 4});
    // half_pixel coords clamp to 0, 0.25, 0.75, 1 on both axes.
    check_close(eval1(node("Interpolate", a, ElemType::f32, {1, 1, 4, 4}), {x}),
                {1, 1.25f, 1.75f, 2, 1.5f, 1.75f, 2.25f, 2.5f, 2.5f, 2.75f, 3.25f, 3.5f, 3, 3.25f, 3.75f, 4});
    a.set("sizes", std::vector<int64_t>{3, 3});
    a.set("coordinate_transformation_mode", "align_corners");
    check_close(eval1(node("Interpolate", a, ElemType::f32, {1, 1, 3, 3}), {x}),
                {1, 1.5f, 2, 2, 2.5f, 3, 3, 3.5f, 4});
}
