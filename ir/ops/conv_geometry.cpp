#include "ir/ops/conv_geometry.hpp"

#include <algorithm>

#include "ir/error.hpp"
#include "ir/ops/op_checks.hpp"

namespace octet::ir {

using namespace opcheck;

namespace {

enum class AutoPad { explicit_pads, valid, same_upper, same_lower };

AutoPad parse_auto_pad(const Attributes& attrs) {
    const std::string s = get_choice(attrs, "auto_pad", "explicit", {"explicit", "valid", "same_upper", "same_lower"});
    if (s == "valid") return AutoPad::valid;
    if (s == "same_upper") return AutoPad::same_upper;
    if (s == "same_lower") return AutoPad::same_lower;
    return AutoPad::explicit_pads;
}

// One spatial axis. All operands are below 2^40 (input dims) or 2^31
// (attributes), so no expression here overflows int64.
struct AxisOut { int64_t pad_begin, pad_end, out; };

AxisOut resolve_axis(const char* axis, int64_t in, int64_t k, int64_t s, int64_t d, int64_t pb, int64_t pe,
                     AutoPad ap, bool ceil_mode) {
    const int64_t k_eff = (k - 1) * d + 1;
    if (ap == AutoPad::same_upper || ap == AutoPad::same_lower) {
        if (in < 1) throw ValidationError(std::string("input ") + axis + " is 0");
        const int64_t out = (in + s - 1) / s;
        const int64_t total = std::max<int64_t>((out - 1) * s + k_eff - in, 0);
        const int64_t small = total / 2;
        return ap == AutoPad::same_upper ? AxisOut{small, total - small, out} : AxisOut{total - small, small, out};
    }
    if (ap == AutoPad::valid) pb = pe = 0;
    const int64_t padded = in + pb + pe;
    if (padded < k_eff)
        throw ValidationError(std::string("the window along ") + axis + " (" + std::to_string(k_eff) +
                              " with dilation) is larger than the padded input (" + std::to_string(in) +
                              " + pads " + std::to_string(pb) + "+" + std::to_string(pe) + " = " +
                              std::to_string(padded) + ")");
    int64_t out = (padded - k_eff) / s + 1;
    if (ceil_mode) {
        out = (padded - k_eff + s - 1) / s + 1;
        if ((out - 1) * s >= in + pb) --out;  // last window must start inside input or left padding
    }
    return {pb, pe, out};
}

void fill(Window2D& w, const Shape& data, AutoPad ap, bool ceil_mode, const std::vector<int64_t>& pads_b,
          const std::vector<int64_t>& pads_e) {
    AxisOut h = resolve_axis("H", data[2], w.kh, w.sh, w.dh, pads_b[0], pads_e[0], ap, ceil_mode);
    AxisOut x = resolve_axis("W", data[3], w.kw, w.sw, w.dw, pads_b[1], pads_e[1], ap, ceil_mode);
    w.pt = h.pad_begin; w.pb = h.pad_end; w.oh = h.out;
    w.pl = x.pad_begin; w.pr = x.pad_end; w.ow = x.out;
}

void check_spatial_input(const Shape& data) {
    if (data.size() != 4) throw ValidationError("data must have rank 4 (NCHW), got shape " + to_string(data));
    for (int64_t d : data)
        if (d < 0 || d > kMaxElements) throw ValidationError("data shape " + to_string(data) + " is out of range");
}

}  // namespace

Window2D conv_window(const Node& node, const Shape& data, const Shape& weights) {
    check_spatial_input(data);
    if (weights.size() != 4)
        throw ValidationError("weights must have rank 4 ([OC, C/group, KH, KW]), got shape " + to_string(weights));
    Window2D w;
    w.kh = weights[2];
    w.kw = weights[3];
    if (w.kh < 1 || w.kw < 1 || w.kh > kMaxAttrValue || w.kw > kMaxAttrValue)
        throw ValidationError("weights kernel size " + to_string(weights) + " must be in [1, 2^31]");
    const std::vector<int64_t> s = get_sized_ints(node.attrs, "strides", 2, {1, 1}, 1);
    const std::vector<int64_t> d = get_sized_ints(node.attrs, "dilations", 2, {1, 1}, 1);
    const std::vector<int64_t> pb = get_sized_ints(node.attrs, "pads_begin", 2, {0, 0}, 0);
    const std::vector<int64_t> pe = get_sized_ints(node.attrs, "pads_end", 2, {0, 0}, 0);
    w.sh = s[0]; w.sw = s[1];
    w.dh = d[0]; w.dw = d[1];
    fill(w, data, parse_auto_pad(node.attrs), false, pb, pe);
    return w;
}

Window2D pool_window(const Node& node, const Shape& data) {
    check_spatial_input(data);
    Window2D w;
    const std::vector<int64_t> k = get_sized_ints(node.attrs, "kernel", 2, {}, 1);
    const std::vector<int64_t> s = get_sized_ints(node.attrs, "strides", 2, {1, 1}, 1);
    const std::vector<int64_t> pb = get_sized_ints(node.attrs, "pads_begin", 2, {0, 0}, 0);
    const std::vector<int64_t> pe = get_sized_ints(node.attrs, "pads_end", 2, {0, 0}, 0);
    if (node.attrs.has("dilations") && get_sized_ints(node.attrs, "dilations", 2, {}, 1) != std::vector<int64_t>{1, 1})
        throw UnsupportedError("pooling with dilations other than 1 is not supported");
    const bool ceil_mode = get_choice(node.attrs, "rounding_type", "floor", {"floor", "ceil"}) == "ceil";
    w.kh = k[0]; w.kw = k[1];
    w.sh = s[0]; w.sw = s[1];
    fill(w, data, parse_auto_pad(node.attrs), ceil_mode, pb, pe);
    return w;
}

}  // namespace octet::ir
