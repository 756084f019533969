// Normalisations over axes: MVN (mean-variance normalisation) and Softmax.
// Both view the tensor as [outer, reduced, inner] style index sets; sums are
// accumulated in double so the reference is not the weak link in comparisons.
#include <algorithm>
#include <cmath>

#include "kernels/ref/common.hpp"

namespace octet::kernels::ref {

namespace {

void expect_same_shape(const ir::Node& n, const Tensors& in, const ir::Tensor& y) {
    if (in[0].shape() != y.shape() || y.type() != ir::ElemType::f32)
        fail(n, "output " + ir::to_string(y.shape()) + " differs from input " + ir::to_string(in[0].shape()));
}

}  // namespace

Tensors mvn(const ir::Node& n, const Tensors& in) {
    expect_inputs(n, in, 1, false);
    expect_type(n, in, 0, ir::ElemType::f32);
    ir::Tensor y = make_output(n);
    expect_same_shape(n, in, y);
    const ir::Shape& s = in[0].shape();
    const int64_t rank = int64_t(s.size());
    std::vector<bool> reduced(size_t(rank), false);
    for (int64_t a : n.attrs.get_ints("axes")) {
        const int64_t ax = normalize_axis(n, a, rank);
        if (reduced[size_t(ax)]) fail(n, "axis " + std::to_string(a) + " is listed twice");
        reduced[size_t(ax)] = true;
    }
    const bool norm_var = n.attrs.get_bool("normalize_variance", true);
    const float eps = float(n.attrs.get_float("eps", 1e-9));
    const std::string eps_mode = n.attrs.get_string("eps_mode", "inside_sqrt");
    if (eps_mode != "inside_sqrt" && eps_mode != "outside_sqrt") unsupported(n, "unknown eps_mode '" + eps_mode + "'");

    // Split the elements into groups (kept dims) x members (reduced dims).
    ir::Shape kept_shape, red_shape;
    std::vector<int64_t> kept_st, red_st;
    const std::vector<int64_t> dense = dense_strides(s);
    for (int64_t d = 0; d < rank; ++d) {
        (reduced[size_t(d)] ? red_shape : kept_shape).push_back(s[size_t(d)]);
        (reduced[size_t(d)] ? red_st : kept_st).push_back(dense[size_t(d)]);
    }
    auto offsets = [](const ir::Shape& shape, const std::vector<int64_t>& st) {
        std::vector<int64_t> offs = {0};
        for (size_t d = 0; d < shape.size(); ++d) {
            std::vector<int64_t> next;
            next.reserve(offs.size() * size_t(shape[d]));
            for (int64_t o : offs)
                for (int64_t i = 0; i < shape[d]; ++i) next.push_back(o + i * st[d]);
            offs.swap(next);
        }
        return offs;
    };
    const std::vector<int64_t> groups = offsets(kept_shape, kept_st), members = offsets(red_shape, red_st);
    const float* x = in[0].data<float>();
    float* out = y.data<float>();
    if (members.empty()) return {y};
    for (int64_t g : groups) {
        double sum = 0;
        for (int64_t m : members) sum += x[g + m];
        const float mean = float(sum / double(members.size()));
        if (!norm_var) {
            for (int64_t m : members) out[g + m] = x[g + m] - mean;
            continue;
        }
        double sq = 0;
        for (int64_t m : members) {
            const double d = double(x[g + m]) - double(mean);
            sq += d * d;
        }
        const float var = float(sq / double(members.size()));
        const float denom = eps_mode == "inside_sqrt" ? std::sqrt(var + eps) : std::sqrt(var) + eps;
        for (int64_t m : members) out[g + m] = (x[g + m] - mean) / denom;
    }
    return {y};
}

Tensors softmax(const ir::Node& n, const Tensors& in) {
    expect_inputs(n, in, 1);
    expect_type(n, in, 0, ir::ElemType::f32);
    ir::Tensor y = make_output(n);
    expect_same_shape(n, in, y);
    const ir::Shape& s = in[0].shape();
    if (s.empty()) fail(n, "input must have rank >= 1");
    const int64_t axis = normalize_axis(n, n.attrs.get_int("axis", 1), int64_t(s.size()));
    int64_t outer = 1, inner = 1;
    for (int64_t d = 0; d < axis; ++d) outer *= s[size_t(d)];
    for (size_t d = size_t(axis) + 1; d < s.size(); ++d) inner *= s[d];
    const int64_t len = s[size_t(axis)];
    const float* x = in[0].data<float>();
    float* out = y.data<float>();
    std::vector<float> e(static_cast<size_t>(len));
    for (int64_t o = 0; o < outer; ++o)
        for (int64_t i = 0; i < inner; ++i) {
            const float* xs = x + o * len * inner + i;
            float* ys = out + o * len * inner + i;
            // Subtracting the max keeps exp() from overflowing (numerically stable).
            float mx = -INFINITY;
            for (int64_t k = 0; k < len; ++k) mx = std::max(mx, xs[k * inner]);
            double sum = 0;
            for (int64_t k = 0; k < len; ++k) {
                e[size_t(k)] = std::exp(xs[k * inner] - mx);
                sum += e[size_t(k)];
            }
            for (int64_t k = 0; k < len; ++k) ys[k * inner] = float(e[size_t(k)] / sum);
        }
    return {y};
}

}  // namespace octet::kernels::ref
