// Softmax and MVN: f32 only, output shaped like the input.
#include <cmath>

#include "ir/error.hpp"
#include "ir/ops/infer_fns.hpp"

namespace octet::ir::infer {

using namespace opcheck;

Outputs softmax(const Node& n, const Inputs& in) {
    expect_inputs(in, 1);
    expect_type(in[0], {ElemType::f32}, "input");
    if (in[0].shape.empty()) throw ValidationError("input must have rank >= 1, got a scalar");
    normalize_axis(n.attrs.get_int("axis", 1), in[0].shape.size(), "attribute 'axis'");
    return {in[0]};
}

Outputs mvn(const Node& n, const Inputs& in) {
    expect_inputs(in, 1);
    expect_type(in[0], {ElemType::f32}, "input");
    const size_t rank = in[0].shape.size();
    const std::vector<int64_t> axes = n.attrs.get_ints("axes");
    if (axes.empty()) throw ValidationError("attribute 'axes' is empty");
    std::vector<bool> seen(rank, false);
    for (int64_t a : axes) {
        const size_t k = normalize_axis(a, rank, "axis in 'axes'");
        if (seen[k]) throw ValidationError("attribute 'axes' = " + join(axes) + " repeats axis " + std::to_string(k));
        seen[k] = true;
    }
    n.attrs.get_bool("normalize_variance", true);
    const double eps = n.attrs.get_float("eps", 1e-9);
    if (!std::isfinite(eps) || eps < 0)
        throw ValidationError("attribute 'eps' = " + std::to_string(eps) + " must be finite and >= 0");
    get_choice(n.attrs, "eps_mode", "inside_sqrt", {"inside_sqrt", "outside_sqrt"});
    return {in[0]};
}

}  // namespace octet::ir::infer
