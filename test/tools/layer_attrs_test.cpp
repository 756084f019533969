// benchdnn --dt / --attr-scales / --attr-post-ops / --attr-zero-points mapped onto
// octet's epilogue (kernels/common/benchdnn_attrs.hpp), against hand-computed values.
#include <catch2/catch.hpp>

#include <cmath>

#include "ir/error.hpp"
#include "kernels/common/benchdnn_attrs.hpp"

using namespace octet;
using namespace octet::kernels;
using ir::ElemType;
using ir::PostOp;
using Catch::Matchers::Contains;

namespace {

MappedAttrs map(const std::string& scales, const std::string& post_ops, const std::string& zps,
                ElemType dst = ElemType::u8, int64_t channels = 6, const std::vector<float>& bias = {}) {
    return map_benchdnn_attrs(parse_benchdnn_attrs(scales, post_ops, zps), dst, channels, bias);
}

std::string unsupported_reason(const std::string& scales, const std::string& post_ops, const std::string& zps) {
    try {
        map(scales, post_ops, zps);
    } catch (const UnsupportedError& e) {
        return e.what();
    }
    return "(accepted)";
}

}  // namespace

TEST_CASE("benchdnn --dt maps onto source, weight and destination types", "[tools][layer]") {
    const BenchdnnDt a = parse_benchdnn_dt("u8:s8:u8");
    CHECK((a.src == ElemType::u8 && a.wei == ElemType::s8 && a.dst == ElemType::u8));
    const BenchdnnDt b = parse_benchdnn_dt("s8:s8:s32");
    CHECK((b.src == ElemType::s8 && b.dst == ElemType::s32));
    const BenchdnnDt c = parse_benchdnn_dt("s8");  // one type for all three
    CHECK((c.src == ElemType::s8 && c.wei == ElemType::s8 && c.dst == ElemType::s8));
    CHECK(parse_benchdnn_dt("u8:s8:f32").dst == ElemType::f32);

    CHECK_THROWS_WITH(parse_benchdnn_dt("u8:s8:bf16"), Contains("bf16"));
    CHECK_THROWS_AS(parse_benchdnn_dt("u8:s8:f16"), UnsupportedError);
    CHECK_THROWS_AS(parse_benchdnn_dt("f32"), UnsupportedError);       // f32 source
    CHECK_THROWS_AS(parse_benchdnn_dt("u8:u8:u8"), UnsupportedError);  // u8 weights
    CHECK_THROWS_AS(parse_benchdnn_dt("u8:s8"), ArgumentError);
    CHECK_THROWS_AS(parse_benchdnn_dt("x8:s8:u8"), ArgumentError);
    CHECK_THROWS_AS(parse_benchdnn_dt(""), ArgumentError);
}

TEST_CASE("benchdnn scales: scale[oc] = s * w[oc], out_scale = 1 / d", "[tools][layer]") {
    // Made-up per-oc factors: 2^((oc mod 5) - 2).
    CHECK(per_oc_factor(0) == 0.25f);
    CHECK(per_oc_factor(2) == 1.f);
    CHECK(per_oc_factor(4) == 4.f);
    CHECK(per_oc_factor(5) == 0.25f);

    const MappedAttrs m = map("src:common:0.25+wei:per_oc+dst:common:2", "", "");
    CHECK(m.epilogue.scale == std::vector<float>{0.0625f, 0.125f, 0.25f, 0.5f, 1.f, 0.0625f});
    CHECK(m.epilogue.out_scale == std::vector<float>{0.5f});
    CHECK(m.epilogue.out_shift.empty());
    CHECK(m.epilogue.bias.empty());
    CHECK(m.epilogue.post_ops.empty());
    CHECK(m.epilogue.dst_type == ElemType::u8);
    CHECK(m.src_zero_point == 0);

    // The saturation harness: d = 4294967295 is 2^32 in f32, so out_scale is 2^-32.
    const MappedAttrs sat = map("src:common:0.25+wei:common:0.5+dst:common:4294967295", "", "");
    CHECK(sat.epilogue.scale == std::vector<float>{0.125f});
    CHECK(sat.epilogue.out_scale == std::vector<float>{std::ldexp(1.f, -32)});

    CHECK(map("wei:per_oc:0.5", "", "", ElemType::u8, 3).epilogue.scale == std::vector<float>{0.125f, 0.25f, 0.5f});
    CHECK(map("src:common:3", "", "").epilogue.scale == std::vector<float>{3.f});
    CHECK(map("dst:per_oc:2", "", "", ElemType::u8, 2).epilogue.out_scale == std::vector<float>{2.f, 1.f});
    CHECK(map("", "", "").epilogue.scale.empty());

    CHECK_THAT(unsupported_reason("src:per_oc", "", ""), Contains("per-channel source scales"));
    CHECK_THROWS_AS(parse_benchdnn_scales("src:common:abc"), ArgumentError);
    CHECK_THROWS_AS(parse_benchdnn_scales("src"), ArgumentError);
    CHECK_THROWS_AS(parse_benchdnn_scales("wei:common:0"), ArgumentError);
    CHECK_THROWS_AS(parse_benchdnn_scales("bias:common:2"), UnsupportedError);
}

TEST_CASE("benchdnn post-ops map onto relu, clamp, sum and the linear tail", "[tools][layer]") {
    const MappedAttrs m = map("", "sum:1.5:2+relu", "");
    REQUIRE(m.epilogue.post_ops.size() == 2);
    const PostOp& sum = m.epilogue.post_ops[0];
    CHECK(sum.kind == PostOp::Kind::sum);
    CHECK(sum.sum_scale == 1.5f);
    CHECK(sum.sum_zero_point == 2.f);
    CHECK(sum.sum_type == ElemType::u8);  // the destination type by default
    CHECK(m.epilogue.post_ops[1].kind == PostOp::Kind::relu);

    const MappedAttrs s32 = map("", "sum:0.5:1:s32", "", ElemType::s8);
    CHECK(s32.epilogue.post_ops.at(0).sum_type == ElemType::s32);
    CHECK(map("", "sum", "", ElemType::f32).epilogue.post_ops.at(0).sum_type == ElemType::f32);
    CHECK(map("", "relu:0:0:1", "").epilogue.post_ops.at(0).kind == PostOp::Kind::relu);

    const PostOp clip = map("", "clip:-78:-56", "").epilogue.post_ops.at(0);
    CHECK(clip.kind == PostOp::Kind::clamp);
    CHECK(clip.lo == -78.f);
    CHECK(clip.hi == -56.f);
    const PostOp bounded = map("", "bounded_relu:6", "").epilogue.post_ops.at(0);
    CHECK((bounded.lo == 0.f && bounded.hi == 6.f));

    // linear:a:b as the tail is out_scale = a, out_shift = b; with the src zero point.
    const MappedAttrs lin = map("", "linear:0.0018857:141.975", "src:common:5");
    CHECK(lin.epilogue.post_ops.empty());
    CHECK(lin.epilogue.out_scale == std::vector<float>{0.0018857f});
    CHECK(lin.epilogue.out_shift == std::vector<float>{141.975f});
    CHECK(lin.src_zero_point == 5);
    const MappedAttrs clip_lin = map("", "clip:0:72+linear:2:1", "");
    CHECK(clip_lin.epilogue.post_ops.size() == 1);
    CHECK(clip_lin.epilogue.out_scale == std::vector<float>{2.f});

    CHECK_THAT(unsupported_reason("", "sum:1.5:2+relu:0:0:2.6", ""), Contains("no multiply after an eltwise"));
    CHECK_THAT(unsupported_reason("", "relu:0.5", ""), Contains("leaky relu"));
    CHECK_THAT(unsupported_reason("", "linear:2:1+relu", ""), Contains("followed by other post-ops"));
    CHECK_THAT(unsupported_reason("dst:common:2", "linear:2:1", ""), Contains("dst scale or zero point"));
    CHECK_THAT(unsupported_reason("", "linear:2:1", "dst:common:3"), Contains("dst scale or zero point"));
    CHECK_THAT(unsupported_reason("", "sum+sum", ""), Contains("second sum"));
    CHECK_THAT(unsupported_reason("", "round", ""), Contains("eltwise post-op 'round'"));
    CHECK_THAT(unsupported_reason("", "sum:0.5:1+add:f32:common", ""), Contains("binary post-op 'add'"));
    CHECK_THAT(unsupported_reason("", "prelu:per_oc", ""), Contains("'prelu'"));
    CHECK_THAT(unsupported_reason("", "clip:5:1", ""), Contains("lower bound above"));
    CHECK_THROWS_AS(map("", "bogus", ""), ArgumentError);
    CHECK_THROWS_AS(map("", "sum:x", ""), ArgumentError);
    CHECK_THROWS_AS(parse_benchdnn_post_ops("relu++sum"), ArgumentError);

    const std::vector<BenchdnnPostOp> raw = parse_benchdnn_post_ops("add:s8:14:aBcd32b+relu");
    REQUIRE(raw.size() == 2);
    CHECK(raw[0].kind == "add");
    CHECK(raw[0].args == std::vector<std::string>{"s8", "14", "aBcd32b"});
    CHECK(raw[1].args.empty());
}

TEST_CASE("benchdnn zero points: source and destination kept, weights skipped", "[tools][layer]") {
    const MappedAttrs m = map("", "", "dst:common:7+src:common:3");
    CHECK(m.src_zero_point == 3);
    CHECK(m.epilogue.out_shift == std::vector<float>{7.f});

    // Made-up per-channel destination zero points: base + (oc mod 4).
    const MappedAttrs per = map("", "", "dst:per_dim_1", ElemType::u8, 5);
    CHECK(per.epilogue.out_shift == std::vector<float>{0.f, 1.f, 2.f, 3.f, 0.f});
    CHECK(per_oc_zero_point(10, 6) == 12);

    CHECK(map("", "", "wei:common:0").src_zero_point == 0);  // a zero weight zero point is no zero point
    CHECK_THAT(unsupported_reason("", "", "src:common:5+wei:common:3:s8"),
               Contains("weight zero point 3 (octet keeps weight zero points 0)"));
    CHECK_THAT(unsupported_reason("", "", "src:per_dim_1"), Contains("per-channel source zero points"));
    CHECK_THAT(unsupported_reason("", "", "src:per_dim_0"), Contains("policy 'per_dim_0'"));
    CHECK_THROWS_AS(parse_benchdnn_zero_points("src:common:1.5"), ArgumentError);
    CHECK_THROWS_AS(parse_benchdnn_zero_points("src:common:1:f32"), UnsupportedError);
}

TEST_CASE("a mapped epilogue computes the hand-checked value", "[tools][layer]") {
    // made_up_bias: ((oc * 7) mod 17 - 8) / 2.
    CHECK(made_up_bias(4) == std::vector<float>{-4.f, -0.5f, 3.f, -2.f});
    const MappedAttrs m = map("src:common:0.25+wei:common:0.5+dst:common:2", "relu", "", ElemType::u8, 4,
                              made_up_bias(4));
    // oc 1: 100 * 0.125 = 12.5; + bias -0.5 = 12; relu 12; * (1/2) = 6.
    CHECK(ir::epilogue_f32(m.epilogue, 100, 1) == 6.f);
    // oc 0: -30 * 0.125 = -3.75; - 4 = -7.75; relu 0.
    CHECK(ir::epilogue_f32(m.epilogue, -30, 0) == 0.f);
    CHECK_THROWS_AS(map("", "", "", ElemType::u8, 4, made_up_bias(3)), ArgumentError);
}
