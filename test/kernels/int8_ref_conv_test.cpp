// The int8 convolution reference: hand-computed cases, the numeric contract's corners,
// and a cross-check against an independent formulation on random data.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <vector>

#include "ir/epilogue.hpp"
#include "ir/error.hpp"
#include "kernels/conv/desc.hpp"
#include "kernels/conv/ref.hpp"
#include "kernels/matmul/desc.hpp"
#include "kernels/matmul/ref.hpp"

using namespace octet;
using namespace octet::kernels;
using ir::ElemType;

namespace {

ir::Epilogue to(ElemType t) {
    ir::Epilogue e;
    e.dst_type = t;
    return e;
}

// Runs the reference into a vector of T (the epilogue's dst type).
template <class T, class S>
std::vector<T> conv(const std::string& desc, ElemType src_t, const std::vector<S>& src, const std::vector<int8_t>& wei,
                    int32_t zp, const ir::Epilogue& e, const void* residual = nullptr) {
    ConvDesc d = parse_conv_desc(desc);
    REQUIRE(int64_t(src.size()) == d.src_elems());
    REQUIRE(int64_t(wei.size()) == d.wei_elems());
    std::vector<T> dst(size_t(d.dst_elems()));
    ref::conv_int8(d, src_t, src.data(), wei.data(), zp, e, residual, dst.data());
    return dst;
}

}  // namespace

TEST_CASE("conv ref: 1x1 by hand, with and without a zero point", "[kernels][int8ref]") {
    // Two pixels [1,2] and [3,4]; oc0 = x0 - x1, oc1 = 2*x0 + 3*x1.
    const std::vector<uint8_t> src = {1, 2, 3, 4};
    const std::vector<int8_t> wei = {1, -1, 2, 3};
    CHECK(conv<int32_t>("mb1ic2ih1iw2oc2kh1kw1", ElemType::u8, src, wei, 0, to(ElemType::s32)) ==
          std::vector<int32_t>{-1, 8, -1, 18});
    // zp 1: pixels [0,1] and [2,3].
    CHECK(conv<int32_t>("mb1ic2ih1iw2oc2kh1kw1", ElemType::u8, src, wei, 1, to(ElemType::s32)) ==
          std::vector<int32_t>{-1, 3, -1, 13});
    // s8 source with a negative zero point: pixels [-1-(-3), 2+3] = [2,5] and [-4+3, 0+3] = [-1,3].
    const std::vector<int8_t> s8src = {-1, 2, -4, 0};
    CHECK(conv<int32_t>("mb1ic2ih1iw2oc2kh1kw1", ElemType::s8, s8src, wei, -3, to(ElemType::s32)) ==
          std::vector<int32_t>{-3, 19, -4, 7});
}

TEST_CASE("conv ref: padded taps hold the zero point", "[kernels][int8ref]") {
    // 2x2 input, 3x3 window, pad 1: every window covers the whole input.
    const std::vector<uint8_t> src = {1, 2, 3, 4};
    const std::vector<int8_t> ones(9, 1);
    CHECK(conv<int32_t>("mb1ic1ih2oc1oh2kh3ph1", ElemType::u8, src, ones, 0, to(ElemType::s32)) ==
          std::vector<int32_t>{10, 10, 10, 10});
    // zp 2: real taps give -1, 0, 1, 2; the 5 padded taps give 0, not -2 each.
    CHECK(conv<int32_t>("mb1ic1ih2oc1oh2kh3ph1", ElemType::u8, src, ones, 2, to(ElemType::s32)) ==
          std::vector<int32_t>{2, 2, 2, 2});
    // The window's top-left tap (weight 100) only ever sees input at output (1,1).
    std::vector<int8_t> corner(9, 0);
    corner[0] = 100;
    CHECK(conv<int32_t>("mb1ic1ih2oc1oh2kh3ph1", ElemType::u8, src, corner, 0, to(ElemType::s32)) ==
          std::vector<int32_t>{0, 0, 0, 100});
}

TEST_CASE("conv ref: stride and dilation by hand", "[kernels][int8ref]") {
    // 5x5 input x = 5*y + x, 2x2 window dilated by 1 (extent 3), stride 2 -> 2x2 output.
    std::vector<uint8_t> src(25);
    for (int i = 0; i < 25; ++i) src[size_t(i)] = uint8_t(i);
    const std::vector<int8_t> wei = {1, 2, 3, 4};
    // out(0,0) = 0*1 + 2*2 + 10*3 + 12*4 = 82; out(0,1) = 2 + 8 + 36 + 56 = 102;
    // out(1,0) = 10 + 24 + 60 + 88 = 182; out(1,1) = 12 + 28 + 66 + 96 = 202.
    CHECK(conv<int32_t>("mb1ic1ih5oc1kh2sh2dh1", ElemType::u8, src, wei, 0, to(ElemType::s32)) ==
          std::vector<int32_t>{82, 102, 182, 202});
}

TEST_CASE("conv ref: groups and depthwise, weights [G][OC/G][KH][KW][IC/G]", "[kernels][int8ref]") {
    const std::vector<uint8_t> src = {1, 2, 3, 4};
    // Group 0 sees channels {1,2} with weights [1,1]; group 1 sees {3,4} with [1,-1].
    CHECK(conv<int32_t>("g2mb1ic4ih1oc2kh1", ElemType::u8, src, std::vector<int8_t>{1, 1, 1, -1}, 0,
                        to(ElemType::s32)) == std::vector<int32_t>{3, -1});
    // Two output channels per group: group 0 -> oc 0,1; group 1 -> oc 2,3.
    CHECK(conv<int32_t>("g2mb1ic4ih1oc4kh1", ElemType::u8, src, std::vector<int8_t>{1, 0, 0, 1, 2, 0, 0, -2}, 0,
                        to(ElemType::s32)) == std::vector<int32_t>{1, 2, 6, -8});
    // Depthwise 1x2 window over 1x3 input, two channels interleaved (NHWC).
    const std::vector<uint8_t> dw_src = {5, 1, 7, 2, 9, 3};  // c0: 5 7 9, c1: 1 2 3
    const std::vector<int8_t> dw_wei = {1, -1, 2, 3};        // c0: [1,-1], c1: [2,3]
    CHECK(conv<int32_t>("g2mb1ic2iw3oc2kw2", ElemType::u8, dw_src, dw_wei, 0, to(ElemType::s32)) ==
          std::vector<int32_t>{-2, 8, -2, 13});
}

TEST_CASE("conv ref: every destination type and half-to-even rounding", "[kernels][int8ref]") {
    // 1x1 identity over 6 pixels, scale 0.5: acc 5 -> 2.5, 7 -> 3.5, -5 -> -2.5, 300 -> 150, -300 -> -150, 1 -> 0.5
    const std::vector<int8_t> src = {5, 7, -5, 100, -100, 1};
    const std::vector<int8_t> wei = {3};  // acc = 3x: 15, 21, -15, 300, -300, 3
    ir::Epilogue e;
    e.scale = {0.5f};
    e.dst_type = ElemType::f32;
    CHECK(conv<float>("mb1ic1iw6oc1kw1", ElemType::s8, src, wei, 0, e) ==
          std::vector<float>{7.5f, 10.5f, -7.5f, 150.f, -150.f, 1.5f});
    e.dst_type = ElemType::s32;
    CHECK(conv<int32_t>("mb1ic1iw6oc1kw1", ElemType::s8, src, wei, 0, e) ==
          std::vector<int32_t>{8, 10, -8, 150, -150, 2});
    e.dst_type = ElemType::s8;
    CHECK(conv<int8_t>("mb1ic1iw6oc1kw1", ElemType::s8, src, wei, 0, e) ==
          std::vector<int8_t>{8, 10, -8, 127, -128, 2});
    e.dst_type = ElemType::u8;
    CHECK(conv<uint8_t>("mb1ic1iw6oc1kw1", ElemType::s8, src, wei, 0, e) ==
          std::vector<uint8_t>{8, 10, 0, 150, 0, 2});

    // Exact ties: 2.5 -> 2, 3.5 -> 4, -2.5 -> -2, 0.5 -> 0.
    const std::vector<int8_t> one = {1};
    const std::vector<int8_t> ties = {5, 7, -5, 1};
    e.dst_type = ElemType::s8;
    CHECK(conv<int8_t>("mb1ic1iw4oc1kw1", ElemType::s8, ties, one, 0, e) == std::vector<int8_t>{2, 4, -2, 0});
    e.dst_type = ElemType::s32;
    CHECK(conv<int32_t>("mb1ic1iw4oc1kw1", ElemType::s8, ties, one, 0, e) == std::vector<int32_t>{2, 4, -2, 0});
}

TEST_CASE("conv ref: per-channel scale, bias, relu/clamp and output scale/shift in order", "[kernels][int8ref]") {
    // One pixel, ic 1 (x = 10), oc 3 with weights 1, -1, 2: acc = 10, -10, 20.
    const std::vector<uint8_t> src = {10};
    const std::vector<int8_t> wei = {1, -1, 2};
    ir::Epilogue e;
    e.scale = {1.f, 2.f, 0.25f};        // 10, -20, 5
    e.bias = {1.f, 0.f, -1.f};          // 11, -20, 4
    e.post_ops = {ir::PostOp::relu()};  // 11, 0, 4
    e.out_scale = {2.f};                // 22, 0, 8
    e.out_shift = {0.f, 3.f, 0.5f};     // 22, 3, 8.5
    e.dst_type = ElemType::f32;
    CHECK(conv<float>("mb1ic1ih1oc3kh1", ElemType::u8, src, wei, 0, e) == std::vector<float>{22.f, 3.f, 8.5f});
    e.dst_type = ElemType::u8;
    CHECK(conv<uint8_t>("mb1ic1ih1oc3kh1", ElemType::u8, src, wei, 0, e) == std::vector<uint8_t>{22, 3, 8});

    e.post_ops = {ir::PostOp::clamp(-5.f, 6.f)};  // 6, -5, 4 -> *2 + shift: 12, -7, 8.5
    e.dst_type = ElemType::s8;
    CHECK(conv<int8_t>("mb1ic1ih1oc3kh1", ElemType::u8, src, wei, 0, e) == std::vector<int8_t>{12, -7, 8});
}

TEST_CASE("conv ref: sum post-op reads the residual as float, in post-op order", "[kernels][int8ref]") {
    // acc = -3, 4 (two pixels, ic 1, oc 1, weight 1, x = 0-3 via zp 3, and 7-3).
    const std::vector<uint8_t> src = {0, 7};
    const std::vector<int8_t> wei = {1};
    const std::vector<uint8_t> res_u8 = {10, 20};
    ir::Epilogue e;
    e.dst_type = ElemType::f32;
    // sum then relu: -3 + (10-4)*0.5 = 0, 4 + 8 = 12.
    e.post_ops = {ir::PostOp::sum(ElemType::u8, 0.5f, 4.f), ir::PostOp::relu()};
    CHECK(conv<float>("mb1ic1iw2oc1kw1", ElemType::u8, src, wei, 3, e, res_u8.data()) ==
          std::vector<float>{0.f, 12.f});
    // relu then sum: 0 + 3 = 3, 4 + 8 = 12.
    e.post_ops = {ir::PostOp::relu(), ir::PostOp::sum(ElemType::u8, 0.5f, 4.f)};
    CHECK(conv<float>("mb1ic1iw2oc1kw1", ElemType::u8, src, wei, 3, e, res_u8.data()) ==
          std::vector<float>{3.f, 12.f});
    // s8, s32 and f32 residuals.
    const std::vector<int8_t> res_s8 = {-100, 100};
    e.post_ops = {ir::PostOp::sum(ElemType::s8, 1.f)};
    e.dst_type = ElemType::s8;
    CHECK(conv<int8_t>("mb1ic1iw2oc1kw1", ElemType::u8, src, wei, 3, e, res_s8.data()) ==
          std::vector<int8_t>{-103, 104});
    const std::vector<int32_t> res_s32 = {1000, -1000};
    e.post_ops = {ir::PostOp::sum(ElemType::s32, 0.25f)};
    e.dst_type = ElemType::s32;
    CHECK(conv<int32_t>("mb1ic1iw2oc1kw1", ElemType::u8, src, wei, 3, e, res_s32.data()) ==
          std::vector<int32_t>{247, -246});
    const std::vector<float> res_f32 = {0.5f, -0.25f};
    e.post_ops = {ir::PostOp::sum(ElemType::f32, 2.f)};
    e.dst_type = ElemType::f32;
    CHECK(conv<float>("mb1ic1iw2oc1kw1", ElemType::u8, src, wei, 3, e, res_f32.data()) ==
          std::vector<float>{-2.f, 3.5f});
}

TEST_CASE("conv ref: u8 255 x s8 -128 over a long K is exact in s32", "[kernels][int8ref]") {
    // 32640 * 65793 = 2147483520 fits s32 (and is exact in f32: 2^31 - 128).
    ConvDesc d = parse_conv_desc("mb1ic65793ih1oc1kh1");
    const std::vector<uint8_t> src(size_t(d.ic), 255);
    const std::vector<int8_t> wei(size_t(d.ic), -128);
    int32_t acc = 0;
    ref::conv_int8_acc(d, ElemType::u8, src.data(), wei.data(), 0, &acc);
    CHECK(acc == -2147483520);
    float f = 0.f;
    ref::conv_int8(d, ElemType::u8, src.data(), wei.data(), 0, to(ElemType::f32), nullptr, &f);
    CHECK(f == -2147483520.f);
    int8_t s8 = 0;
    ref::conv_int8(d, ElemType::u8, src.data(), wei.data(), 0, to(ElemType::s8), nullptr, &s8);
    CHECK(s8 == -128);
    // One more tap and the exact accumulator leaves s32: refused, never wrapped.
    ConvDesc big = parse_conv_desc("mb1ic65794ih1oc1kh1");
    const std::vector<uint8_t> src2(size_t(big.ic), 255);
    const std::vector<int8_t> wei2(size_t(big.ic), -128);
    CHECK_THROWS_WITH(ref::conv_int8_acc(big, ElemType::u8, src2.data(), wei2.data(), 0, &acc),
                      Catch::Contains("outside s32"));
    // Intermediate sums may exceed s32 as long as the result fits (as s32 wrap-around would give).
    std::vector<int8_t> alt(wei2);
    alt.back() = 127;  // ... + 255*127 instead of 255*-128
    CHECK_NOTHROW(ref::conv_int8_acc(big, ElemType::u8, src2.data(), alt.data(), 0, &acc));
    CHECK(acc == -2147483520 + 255 * 127);
}

TEST_CASE("conv ref: argument errors", "[kernels][int8ref]") {
    ConvDesc d = parse_conv_desc("mb1ic1ih1oc2kh1");
    const uint8_t src[1] = {1};
    const int8_t wei[2] = {1, 1};
    float dst[2];
    const float res[2] = {0, 0};
    ir::Epilogue e = to(ElemType::f32);
    e.scale = {1.f, 2.f, 3.f};
    CHECK_THROWS_WITH(ref::conv_int8(d, ElemType::u8, src, wei, 0, e, nullptr, dst), Catch::Contains("scale"));
    e.scale = {};
    CHECK_THROWS_AS(ref::conv_int8(d, ElemType::f32, src, wei, 0, e, nullptr, dst), ArgumentError);
    CHECK_THROWS_WITH(ref::conv_int8(d, ElemType::u8, src, wei, 0, e, res, dst), Catch::Contains("without a sum"));
    e.post_ops = {ir::PostOp::sum(ElemType::f32, 1.f)};
    CHECK_THROWS_WITH(ref::conv_int8(d, ElemType::u8, src, wei, 0, e, nullptr, dst), Catch::Contains("residual"));
    e.post_ops = {ir::PostOp::clamp(3.f, 1.f)};
    CHECK_THROWS_WITH(ref::conv_int8(d, ElemType::u8, src, wei, 0, e, nullptr, dst), Catch::Contains("clamp"));
    e.post_ops = {};
    CHECK_THROWS_AS(ref::conv_int8(d, ElemType::u8, nullptr, wei, 0, e, nullptr, dst), ArgumentError);
    CHECK_THROWS_AS(ref::conv_int8(d, ElemType::u8, src, wei, 0, e, nullptr, nullptr), ArgumentError);
    // A zero point so large that even int64 could not hold K products exactly.
    ConvDesc wide = parse_conv_desc("mb1ic1073741824ih1oc1kh1");
    int32_t acc;
    CHECK_THROWS_AS(ref::conv_int8_acc(wide, ElemType::u8, src, wei, INT32_MIN, &acc), UnsupportedError);
}

namespace {

// The same convolution computed another way: the source copied into an explicitly
// padded buffer filled with the zero point, weights transposed to [OC][IC/G][KH][KW],
// loops without any bounds test.
template <class S>
std::vector<int32_t> conv_padded_naive(const ConvDesc& d, const std::vector<S>& src, const std::vector<int8_t>& wei,
                                       int32_t zp) {
    const int64_t PH = d.ph + d.ih + std::max<int64_t>(d.ph_end, 0);
    const int64_t PW = d.pw + d.iw + std::max<int64_t>(d.pw_end, 0);
    std::vector<int32_t> padded(size_t(d.mb * PH * PW * d.ic), zp);
    for (int64_t n = 0; n < d.mb; ++n)
        for (int64_t y = 0; y < d.ih; ++y)
            for (int64_t x = 0; x < d.iw; ++x)
                for (int64_t c = 0; c < d.ic; ++c)
                    padded[size_t(((n * PH + y + d.ph) * PW + x + d.pw) * d.ic + c)] =
                        src[size_t(((n * d.ih + y) * d.iw + x) * d.ic + c)];
    const int64_t icg = d.icg(), ocg = d.ocg();
    std::vector<int32_t> oihw(wei.size());
    for (int64_t oc = 0; oc < d.oc; ++oc)
        for (int64_t ky = 0; ky < d.kh; ++ky)
            for (int64_t kx = 0; kx < d.kw; ++kx)
                for (int64_t c = 0; c < icg; ++c)
                    oihw[size_t(((oc * icg + c) * d.kh + ky) * d.kw + kx)] =
                        wei[size_t(((oc * d.kh + ky) * d.kw + kx) * icg + c)];
    std::vector<int32_t> out(size_t(d.dst_elems()));
    for (int64_t n = 0; n < d.mb; ++n)
        for (int64_t oc = 0; oc < d.oc; ++oc)
            for (int64_t oy = 0; oy < d.oh; ++oy)
                for (int64_t ox = 0; ox < d.ow; ++ox) {
                    int64_t acc = 0;
                    const int64_t g = oc / ocg;
                    for (int64_t c = 0; c < icg; ++c)
                        for (int64_t ky = 0; ky < d.kh; ++ky)
                            for (int64_t kx = 0; kx < d.kw; ++kx) {
                                const int64_t y = oy * d.sh + ky * (d.dh + 1), x = ox * d.sw + kx * (d.dw + 1);
                                acc += int64_t(padded[size_t(((n * PH + y) * PW + x) * d.ic + g * icg + c)] - zp) *
                                       oihw[size_t(((oc * icg + c) * d.kh + ky) * d.kw + kx)];
                            }
                    out[size_t(((n * d.oh + oy) * d.ow + ox) * d.oc + oc)] = int32_t(acc);
                }
    return out;
}

template <class S>
void cross_check(std::mt19937& rng, ElemType src_t) {
    auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    for (int iter = 0; iter < 60; ++iter) {
        const int g = pick(1, 3), icg = pick(1, 9), ocg = pick(1, 5);
        const int kh = pick(1, 4), kw = pick(1, 4), dh = pick(0, 2), dw = pick(0, 1);
        const int sh = pick(1, 3), sw = pick(1, 3), ph = pick(0, 2), pw = pick(0, 2);
        const int ih = std::max(pick(1, 9), (kh - 1) * (dh + 1) + 1 - 2 * ph);
        const int iw = std::max(pick(1, 9), (kw - 1) * (dw + 1) + 1 - 2 * pw);
        std::string text = "g" + std::to_string(g) + "mb" + std::to_string(pick(1, 2)) + "ic" +
                           std::to_string(g * icg) + "ih" + std::to_string(ih) + "iw" + std::to_string(iw) + "oc" +
                           std::to_string(g * ocg) + "kh" + std::to_string(kh) + "kw" + std::to_string(kw) + "sh" +
                           std::to_string(sh) + "sw" + std::to_string(sw) + "ph" + std::to_string(ph) + "pw" +
                           std::to_string(pw) + "dh" + std::to_string(dh) + "dw" + std::to_string(dw);
        ConvDesc d = parse_conv_desc(text);
        if (pick(0, 2) == 0) {  // a larger output: asymmetric (positive) end padding
            d.oh += 1;
            d.ph_end += d.sh;
        }
        INFO(to_string(d) << " ph_end " << d.ph_end << " pw_end " << d.pw_end);
        std::vector<S> src(size_t(d.src_elems()));
        std::vector<int8_t> wei(size_t(d.wei_elems()));
        // Extremes are likely: the saturation-prone 255 / -128 values.
        const int lo = src_t == ElemType::u8 ? 0 : -128, hi = lo + 255;
        for (S& v : src) v = S(pick(0, 3) == 0 ? (src_t == ElemType::u8 ? hi : lo) : pick(lo, hi));
        for (int8_t& v : wei) v = pick(0, 3) == 0 ? int8_t(-128) : int8_t(pick(-128, 127));
        const int32_t zp = pick(0, 1) ? 0 : pick(-20, 140);
        std::vector<int32_t> acc(size_t(d.dst_elems()));
        ref::conv_int8_acc(d, src_t, src.data(), wei.data(), zp, acc.data());
        REQUIRE(acc == conv_padded_naive(d, src, wei, zp));

        // Through the epilogue: the chain applied to the independent accumulators.
        ir::Epilogue e;
        for (int64_t c = 0; c < d.oc; ++c) {
            e.scale.push_back(std::uniform_real_distribution<float>(0.0005f, 0.01f)(rng));
            e.bias.push_back(float(pick(-50, 50)));
        }
        e.post_ops = {ir::PostOp::relu()};
        e.dst_type = ElemType::u8;
        std::vector<uint8_t> dst(size_t(d.dst_elems()));
        ref::conv_int8(d, src_t, src.data(), wei.data(), zp, e, nullptr, dst.data());
        for (size_t i = 0; i < dst.size(); ++i) {
            const int oc = int(i % size_t(d.oc));
            REQUIRE(int(dst[i]) == ir::saturate_round(ir::epilogue_f32(e, acc[i], oc), ElemType::u8));
        }
    }
}

}  // namespace

TEST_CASE("conv ref: agrees with an explicitly padded formulation on random problems", "[kernels][int8ref]") {
    std::mt19937 rng(20240611);
    cross_check<uint8_t>(rng, ElemType::u8);
    cross_check<int8_t>(rng, ElemType::s8);
}

TEST_CASE("conv ref: a 1x1 convolution equals the matmul reference", "[kernels][int8ref]") {
    std::mt19937 rng(7);
    ConvDesc d = parse_conv_desc("mb1ic37ih3iw5oc11kh1kw1");
    std::vector<uint8_t> src(size_t(d.src_elems()));
    std::vector<int8_t> wei(size_t(d.wei_elems()));
    for (auto& v : src) v = uint8_t(rng());
    for (auto& v : wei) v = int8_t(rng());
    // Matmul B is [K][N]: the transposed [OC][IC] weights.
    MatmulDesc m = parse_matmul_desc("15x37:37x11");
    std::vector<int8_t> b(size_t(m.b_elems()));
    for (int64_t k = 0; k < m.k; ++k)
        for (int64_t n = 0; n < m.n; ++n) b[size_t(k * m.n + n)] = wei[size_t(n * m.k + k)];
    std::vector<int32_t> c1(size_t(d.dst_elems())), c2(size_t(m.dst_elems()));
    ref::conv_int8_acc(d, ElemType::u8, src.data(), wei.data(), 17, c1.data());
    ref::matmul_int8_acc(m, ElemType::u8, src.data(), 17, b.data(), c2.data());
    CHECK(c1 == c2);
}
