// Interpolate over H,W of an NCHW tensor: output size from `sizes` or, for
// `scales`, floor(in * scale) (OpenVINO's shape_calculation_mode = scales).
#include <cmath>

#include "ir/error.hpp"
#include "ir/ops/infer_fns.hpp"

namespace octet::ir::infer {

using namespace opcheck;

Outputs interpolate(const Node& n, const Inputs& in) {
    expect_inputs(in, 1);
    const TensorDesc& data = in[0];
    expect_rank(data, 4, "data");
    const std::string mode = get_choice(n.attrs, "mode", "", {"nearest", "linear"});
    // Nearest only copies elements, so int8 tensors may pass through it.
    if (mode == "nearest") expect_type(data, {ElemType::f32, ElemType::u8, ElemType::s8}, "data");
    else expect_type(data, {ElemType::f32}, "data (linear mode)");
    get_choice(n.attrs, "coordinate_transformation_mode", "half_pixel",
               {"half_pixel", "asymmetric", "align_corners", "pytorch_half_pixel", "tf_half_pixel_for_nn"});
    get_choice(n.attrs, "nearest_mode", "round_prefer_floor",
               {"round_prefer_floor", "round_prefer_ceil", "floor", "ceil", "simple"});

    const bool has_sizes = n.attrs.has("sizes"), has_scales = n.attrs.has("scales");
    if (has_sizes == has_scales)
        throw ValidationError(has_sizes ? "give attribute 'sizes' or 'scales', not both"
                                        : "needs attribute 'sizes' or 'scales'");
    Shape out = data.shape;
    if (has_sizes) {
        const std::vector<int64_t> sizes = get_sized_ints(n.attrs, "sizes", 2, {}, 1);
        out[2] = sizes[0];
        out[3] = sizes[1];
    } else {
        const std::vector<double> scales = n.attrs.get_floats("scales");
        if (scales.size() != 2)
            throw ValidationError("attribute 'scales' must have 2 values (H, W), got " + std::to_string(scales.size()));
        for (size_t i = 0; i < 2; ++i) {
            const double s = scales[i];
            if (!std::isfinite(s) || s <= 0)
                throw ValidationError("attribute 'scales' value " + std::to_string(s) + " must be finite and positive");
            const double dim = std::floor(double(data.shape[2 + i]) * s);
            if (dim < 1 || dim > double(kMaxAttrValue))
                throw ValidationError("scale " + std::to_string(s) + " gives output " + (i ? "W" : "H") + " = " +
                                      std::to_string(dim) + " from " + std::to_string(data.shape[2 + i]) +
                                      "; it must be in [1, 2^31]");
            out[2 + i] = int64_t(dim);
        }
    }
    num_elements(out);
    return {{data.type, out}};
}

}  // namespace octet::ir::infer
