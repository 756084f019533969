#pragma once
// benchdnn's data-type and attribute options, read and mapped onto octet's problems:
//   --dt=SRC:WEI:DST (or one type for all)
//   --attr-scales=ARG:POLICY[:VALUE][+...]           ARG src|wei|dst, POLICY common|per_oc
//   --attr-zero-points=ARG:POLICY[:VALUE[:DT]][+...]  POLICY common|per_oc|per_dim_1
//   --attr-post-ops=KIND[:ARG...][+...]               kept as written, mapped below
// Parsing is pure; map_benchdnn_attrs turns the result into an ir::Epilogue and a source
// zero point, following oneDNN's order, which is the numeric contract's order:
//   dst = post_ops(acc * src_scale * wei_scale[oc] + bias[oc]) / dst_scale[oc] + dst_zp[oc]
// so scale[oc] = s * w[oc] and out_scale[oc] = 1 / d[oc] (each one f32 operation), and
// out_shift[oc] = dst zero point. Anything the chain cannot express exactly is an
// UnsupportedError whose message says why (a tool prints it as "skipped: <why>");
// malformed text is an ArgumentError.
//
// Where benchdnn generates values ("wei:per_oc", "dst:per_dim_1"), octet makes up
// deterministic ones: per_oc_factor and per_oc_zero_point below.
#include <cstdint>
#include <string>
#include <vector>

#include "ir/epilogue.hpp"
#include "ir/types.hpp"

namespace octet::kernels {

struct BenchdnnDt {
    ir::ElemType src = ir::ElemType::u8, wei = ir::ElemType::s8, dst = ir::ElemType::u8;
};

// "u8:s8:u8" (src:wei:dst) or one type for all three. Source u8/s8, weights s8,
// destination u8/s8/s32/f32; other known benchdnn types (bf16, f16, f32 source, ...)
// are UnsupportedError.
BenchdnnDt parse_benchdnn_dt(const std::string& text);

// One int8 element type by benchdnn name ("u8", "s8", "s32", "f32"); UnsupportedError
// for other benchdnn types (bf16, f16, f64, s4, ...), ArgumentError for unknown names.
ir::ElemType parse_benchdnn_type(const std::string& name);

enum class AttrPolicy { none, common, per_oc };

struct BenchdnnScale {
    AttrPolicy policy = AttrPolicy::none;
    float value = 1.f;  // common value, or the base of the made-up per_oc values
};
struct BenchdnnScales {
    BenchdnnScale src, wei, dst;
};
// Empty text: no scales. UnsupportedError for a per-channel src scale or another policy.
BenchdnnScales parse_benchdnn_scales(const std::string& text);

struct BenchdnnZeroPoint {
    AttrPolicy policy = AttrPolicy::none;
    int32_t value = 0;  // common value, or the base of the made-up per-channel values
};
struct BenchdnnZeroPoints {
    BenchdnnZeroPoint src, wei, dst;
};
// Empty text: none. per_dim_1 is read as per_oc (the channel axis).
BenchdnnZeroPoints parse_benchdnn_zero_points(const std::string& text);

struct BenchdnnPostOp {
    std::string kind;               // "relu", "sum", "linear", "add", ...
    std::vector<std::string> args;  // the ':'-separated fields after the kind
};
// Splits "sum:1.5:2+relu:0:0:2.6" into its post-ops; empty text: none.
std::vector<BenchdnnPostOp> parse_benchdnn_post_ops(const std::string& text);

struct BenchdnnAttrs {
    BenchdnnScales scales;
    BenchdnnZeroPoints zero_points;
    std::vector<BenchdnnPostOp> post_ops;
};
BenchdnnAttrs parse_benchdnn_attrs(const std::string& scales, const std::string& post_ops,
                                   const std::string& zero_points);

// The made-up per-channel multiplier of a per_oc scale: 2^((oc mod 5) - 2), i.e.
// 0.25, 0.5, 1, 2, 4, 0.25, ... (powers of two, so base * factor is exact).
float per_oc_factor(int64_t oc);
// The made-up per-channel zero point: base + (oc mod 4).
int32_t per_oc_zero_point(int32_t base, int64_t oc);
// The made-up bias of a forward-with-bias problem: ((oc * 7) mod 17 - 8) / 2, values
// from -4 to 4 in halves (exact in f32 and bf16).
std::vector<float> made_up_bias(int64_t channels);

struct MappedAttrs {
    ir::Epilogue epilogue;
    int32_t src_zero_point = 0;
};

// Maps parsed attributes onto octet's chain for `channels` output channels (conv OC,
// matmul N). `bias` is empty or has `channels` values. Post-ops octet expresses:
//   relu (alpha 0)             relu
//   clip:lo:hi, clip_v2        clamp(lo, hi);  bounded_relu:a  clamp(0, a)
//   sum[:scale[:zp[:dt]]]      sum of a residual of type dt (default: the dst type), once
//   linear:a:b                 only as the last post-op with no dst scale or zero point:
//                              out_scale = a, out_shift = b (the same two f32 operations)
// Eltwise scales (a 4th field) other than 1, other eltwise kinds, binary and prelu
// post-ops, weight zero points other than 0 and per-channel source zero points are
// UnsupportedError with the reason.
MappedAttrs map_benchdnn_attrs(const BenchdnnAttrs& a, ir::ElemType dst_type, int64_t channels,
                               const std::vector<float>& bias);

}  // namespace octet::kernels
