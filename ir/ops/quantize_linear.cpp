// Shape and attribute checks of QuantizeLinear (see ir/ops/quantize_linear.hpp).
#include "ir/ops/quantize_linear.hpp"

#include <cmath>

#include "ir/error.hpp"

namespace octet::ir::infer {

using namespace opcheck;

Outputs quantize_linear(const Node& n, const Inputs& in) {
    expect_inputs(in, 1);
    expect_type(in[0], {ElemType::f32}, "input");
    const ElemType t = parse_elem_type(get_choice(n.attrs, "destination_type", "", {"u8", "s8"}));
    const int64_t axis = n.attrs.get_int("axis", 1);
    const Shape& s = in[0].shape;
    const int64_t channels = axis >= 0 && size_t(axis) < s.size() ? s[size_t(axis)] : 1;
    const std::vector<double> scale = n.attrs.get_floats("scale");
    const std::vector<double> zp = n.attrs.get_floats("zero_point", {});
    if (scale.empty()) throw ValidationError("attribute 'scale' is empty");
    for (const auto* v : {&scale, &zp})
        if (v->size() > 1 && int64_t(v->size()) != channels)
            throw ValidationError("attribute '" + std::string(v == &scale ? "scale" : "zero_point") + "' has " +
                                  std::to_string(v->size()) + " values, axis " + std::to_string(axis) + " has " +
                                  std::to_string(channels));
    for (double v : scale)
        if (!std::isfinite(v) || v == 0.0)
            throw ValidationError("attribute 'scale' value " + std::to_string(v) + " must be finite and non-zero");
    const double lo = t == ElemType::u8 ? 0.0 : -128.0, hi = t == ElemType::u8 ? 255.0 : 127.0;
    for (double v : zp)
        if (!(v >= lo && v <= hi) || v != std::floor(v))
            throw ValidationError("attribute 'zero_point' value " + std::to_string(v) + " is not an integer in " +
                                  to_string(t) + "'s range");
    return {{t, s}};
}

}  // namespace octet::ir::infer
