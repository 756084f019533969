// Element-wise ops: Relu, Clamp, Gelu, Add/Subtract/Multiply, Convert,
// FakeQuantize.
#include <cmath>

#include "ir/error.hpp"
#include "ir/ops.hpp"
#include "ir/ops/infer_fns.hpp"

namespace octet::ir::infer {

using namespace opcheck;

Outputs relu(const Node& n, const Inputs& in) {
    expect_inputs(in, 1);
    return {in[0]};
}

Outputs clamp(const Node& n, const Inputs& in) {
    expect_inputs(in, 1);
    const double lo = n.attrs.get_float("min");
    const double hi = n.attrs.get_float("max");
    if (std::isnan(lo) || std::isnan(hi))
        throw ValidationError("attributes 'min' and 'max' must not be NaN");
    if (lo > hi)
        throw ValidationError("attribute 'min' (" + std::to_string(lo) + ") is greater than 'max' (" +
                              std::to_string(hi) + ")");
    return {in[0]};
}

Outputs gelu(const Node& n, const Inputs& in) {
    expect_inputs(in, 1);
    expect_type(in[0], {ElemType::f32}, "input");
    get_choice(n.attrs, "approximation_mode", "erf", {"erf", "tanh"});
    return {in[0]};
}

Outputs binary(const Node& n, const Inputs& in) {
    expect_inputs(in, 2);
    expect_same_type(in[0], in[1], "input 0", "input 1");
    return {{in[0].type, broadcast_shapes(in[0].shape, in[1].shape)}};
}

Outputs convert(const Node& n, const Inputs& in) {
    expect_inputs(in, 1);
    const std::string dst = get_choice(n.attrs, "destination_type", "", {"f32", "s32", "u8", "s8"});
    return {{parse_elem_type(dst), in[0].shape}};
}

Outputs fake_quantize(const Node& n, const Inputs& in) {
    expect_inputs(in, 5);
    static const char* names[] = {"x", "input_low", "input_high", "output_low", "output_high"};
    for (size_t i = 0; i < 5; ++i) expect_type(in[i], {ElemType::f32}, names[i]);
    const Shape& x = in[0].shape;
    for (size_t i = 1; i < 5; ++i) {
        const Shape& r = in[i].shape;
        bool ok = r.size() <= x.size();
        if (ok) {
            const size_t off = x.size() - r.size();
            for (size_t k = 0; k < r.size(); ++k) ok = ok && (r[k] == 1 || r[k] == x[off + k]);
        }
        if (!ok)
            throw ValidationError(std::string(names[i]) + " shape " + to_string(r) +
                                  " does not broadcast to x shape " + to_string(x));
    }
    const int64_t levels = n.attrs.get_int("levels");
    if (levels < 2 || levels > (int64_t(1) << 31) - 1)
        throw ValidationError("attribute 'levels' = " + std::to_string(levels) + " must be in [2, 2^31)");
    return {{ElemType::f32, x}};
}

}  // namespace octet::ir::infer
