#include <random>

#include "ref_util.hpp"

using namespace reftest;
using octet::ir::Attributes;

namespace {

Attributes conv_attrs(std::vector<int64_t> strides, std::vector<int64_t> pads_b, std::vector<int64_t> pads_e,
                      std::vector<int64_t> dil = {1, 1}, int64_t group = 1) {
    Attributes a;
    a.set("strides", strides);
    a.set("pads_begin", pads_b);
    a.set("pads_end", pads_e);
    a.set("dilations", dil);
    a.set("group", octet::ir::AttrValue(group));
    return a;
}

// The textbook seven-loop convolution, to cross-check the tiled kernel on
// shapes too big to do by hand.
std::vector<float> naive_conv(const Tensor& x, const Tensor& w, int64_t group, int64_t s, int64_t p, int64_t d,
                              int64_t OH, int64_t OW) {
    const auto& xs = x.shape();
    const auto& ws = w.shape();
    const int64_t N = xs[0], C = xs[1], H = xs[2], W = xs[3], OC = ws[0], Cg = ws[1], KH = ws[2], KW = ws[3];
    const int64_t OCg = OC / group;
    std::vector<float> y(size_t(N * OC * OH * OW), 0.f);
    for (int64_t n = 0; n < N; ++n)
        for (int64_t oc = 0; oc < OC; ++oc)
            for (int64_t oh = 0; oh < OH; ++oh)
                for (int64_t ow = 0; ow < OW; ++ow) {
                    double acc = 0;
                    for (int64_t c = 0; c < Cg; ++c)
                        for (int64_t i = 0; i < KH; ++i)
                            for (int64_t j = 0; j < KW; ++j) {
                                const int64_t ih = oh * s - p + i * d, iw = ow * s - p + j * d;
                                if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
                                const int64_t ic = (oc / OCg) * Cg + c;
                                acc += double(x.data<float>()[((n * C + ic) * H + ih) * W + iw]) *
                                       w.data<float>()[((oc * Cg + c) * KH + i) * KW + j];
                            }
                    y[size_t(((n * OC + oc) * OH + oh) * OW + ow)] = float(acc);
                }
    return y;
}

Tensor random_tensor(const Shape& s, std::mt19937& rng) {
    std::normal_distribution<float> dist(0.f, 1.f);
    Tensor t(ElemType::f32, s);
    for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = dist(rng);
    return t;
}

}  // namespace

TEST_CASE("ref Convolution: padding and stride", "[kernels][ref]") {
    // 3x3 input 1..9, 2x2 kernel of ones, pads 1, stride 2: windows at rows/cols {-1,0} and {1,2}.
    auto n = node("Convolution", conv_attrs({2, 2}, {1, 1}, {1, 1}), ElemType::f32, {1, 1, 2, 2});
    Tensor y = eval1(n, {iota({1, 1, 3, 3}, 1.f), make<float>({1, 1, 2, 2}, {1, 1, 1, 1})});
    CHECK(values<float>(y) == std::vector<float>{1, 2 + 3, 4 + 7, 5 + 6 + 8 + 9});
}

TEST_CASE("ref Convolution: dilation", "[kernels][ref]") {
    // 4x4 input 0..15, kernel [1,2;3,4] dilated by 2 reads x[h][w], x[h][w+2], x[h+2][w], x[h+2][w+2].
    auto n = node("Convolution", conv_attrs({1, 1}, {0, 0}, {0, 0}, {2, 2}), ElemType::f32, {1, 1, 2, 2});
    Tensor y = eval1(n, {iota({1, 1, 4, 4}), make<float>({1, 1, 2, 2}, {1, 2, 3, 4})});
    CHECK(values<float>(y) == std::vector<float>{0 + 4 + 24 + 40, 1 + 6 + 27 + 44, 4 + 12 + 36 + 56, 5 + 14 + 39 + 60});
}

TEST_CASE("ref Convolution: groups", "[kernels][ref]") {
    // 4 channels [1,2,3,4] in 2 groups of 2: oc0 = 1*1 + 10*2, oc1 = 100*3 + 1000*4.
    auto n = node("Convolution", conv_attrs({1, 1}, {0, 0}, {0, 0}, {1, 1}, 2), ElemType::f32, {1, 2, 1, 1});
    Tensor y = eval1(n, {make<float>({1, 4, 1, 1}, {1, 2, 3, 4}), make<float>({2, 2, 1, 1}, {1, 10, 100, 1000})});
    CHECK(values<float>(y) == std::vector<float>{21, 4300});
}

TEST_CASE("ref Convolution: depthwise with padding", "[kernels][ref]") {
    // Channel 0: ones * ones with pad 1 counts the in-bounds taps (4 corner, 6 edge, 9 centre).
    // Channel 1: a kernel that is 2 at the centre only doubles the input.
    auto n = node("Convolution", conv_attrs({1, 1}, {1, 1}, {1, 1}, {1, 1}, 2), ElemType::f32, {1, 2, 3, 3});
    Tensor x = make<float>({1, 2, 3, 3}, {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9});
    Tensor w = make<float>({2, 1, 3, 3}, {1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 2, 0, 0, 0, 0});
    Tensor y = eval1(n, {x, w});
    CHECK(values<float>(y) == std::vector<float>{4, 6, 4, 6, 9, 6, 4, 6, 4, 2, 4, 6, 8, 10, 12, 14, 16, 18});
}

TEST_CASE("ref Convolution: auto_pad same_upper and same_lower", "[kernels][ref]") {
    // 4x4 ones, 3x3 ones, stride 2: out 2x2, total pad 1 (at the end for upper, the start for lower).
    Attributes a = conv_attrs({2, 2}, {0, 0}, {0, 0});
    a.set("auto_pad", "same_upper");
    Tensor x = make<float>({1, 1, 4, 4}, std::vector<float>(16, 1.f));
    Tensor w = make<float>({1, 1, 3, 3}, std::vector<float>(9, 1.f));
    CHECK(values<float>(eval1(node("Convolution", a, ElemType::f32, {1, 1, 2, 2}), {x, w})) ==
          std::vector<float>{9, 6, 6, 4});
    a.set("auto_pad", "same_lower");
    CHECK(values<float>(eval1(node("Convolution", a, ElemType::f32, {1, 1, 2, 2}), {x, w})) ==
          std::vector<float>{4, 6, 6, 9});
}

TEST_CASE("ref Convolution: tiled kernel matches the naive loops", "[kernels][ref]") {
    std::mt19937 rng(7);
    struct Case { int64_t n, c, h, w, oc, k, s, p, d, g; };
    // Channel and pixel counts that leave tails in every tile (MR=4, NR=8, TP=128, KC=256),
    // the direct 1x1 path, strided 1x1, and a grouped 3x3.
    const Case cases[] = {{2, 5, 13, 11, 7, 3, 1, 1, 1, 1},   {1, 40, 9, 17, 6, 3, 2, 1, 2, 1},
                          {1, 16, 12, 12, 9, 1, 1, 0, 1, 1},  {1, 16, 12, 12, 9, 1, 2, 0, 1, 1},
                          {1, 12, 7, 7, 8, 3, 1, 1, 1, 4},    {1, 8, 10, 10, 16, 3, 2, 1, 1, 8},
                          {1, 3, 30, 30, 5, 7, 2, 3, 1, 1}};
    for (const Case& k : cases) {
        const int64_t OH = (k.h + 2 * k.p - (k.k - 1) * k.d - 1) / k.s + 1;
        const int64_t OW = (k.w + 2 * k.p - (k.k - 1) * k.d - 1) / k.s + 1;
        Tensor x = random_tensor({k.n, k.c, k.h, k.w}, rng);
        Tensor w = random_tensor({k.oc, k.c / k.g, k.k, k.k}, rng);
        auto nd = node("Convolution", conv_attrs({k.s, k.s}, {k.p, k.p}, {k.p, k.p}, {k.d, k.d}, k.g), ElemType::f32,
                       {k.n, k.oc, OH, OW});
        Tensor y = eval1(nd, {x, w});
        const std::vector<float> expect = naive_conv(x, w, k.g, k.s, k.p, k.d, OH, OW);
        INFO("case c=" << k.c << " oc=" << k.oc << " k=" << k.k << " s=" << k.s << " g=" << k.g);
        check_close(y, expect, 1e-4, 1e-4);  // sums of ~150 N(0,1) products
    }
}

TEST_CASE("ref Convolution: errors name the node", "[kernels][ref]") {
    auto n = node("Convolution", conv_attrs({1, 1}, {0, 0}, {0, 0}), ElemType::f32, {1, 1, 1, 1});
    // 2 input channels but weights for 3.
    CHECK_THROWS_WITH(eval1(n, {iota({1, 2, 1, 1}), iota({1, 3, 1, 1})}), Catch::Contains("n_Convolution"));
    CHECK_THROWS_AS(eval1(n, {iota({1, 2, 1, 1})}), octet::ArgumentError);
}
