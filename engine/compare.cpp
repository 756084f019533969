#include "engine/compare.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "ir/error.hpp"

namespace octet::engine {

namespace {

std::vector<int64_t> top_k(const float* v, int64_t n, int64_t k) {
    std::vector<int64_t> idx(static_cast<size_t>(n));
    std::iota(idx.begin(), idx.end(), int64_t(0));
    k = std::min(k, n);
    // Ties go to the lower index so the result is deterministic.
    std::partial_sort(idx.begin(), idx.begin() + k, idx.end(),
                      [&](int64_t a, int64_t b) { return v[a] > v[b] || (v[a] == v[b] && a < b); });
    idx.resize(size_t(k));
    return idx;
}

}  // namespace

OutputAgreement compare_outputs(const ir::Tensor& a, const ir::Tensor& b) {
    if (a.type() != ir::ElemType::f32 || b.type() != ir::ElemType::f32 || a.shape() != b.shape())
        throw ArgumentError(std::string("compare_outputs needs two f32 tensors of one shape, got ") +
                            ir::to_string(a.type()) + " " + ir::to_string(a.shape()) + " and " +
                            ir::to_string(b.type()) + " " + ir::to_string(b.shape()));
    const float* x = a.data<float>();
    const float* y = b.data<float>();
    const int64_t n = a.numel();
    double dot = 0, nx = 0, ny = 0, max_diff = 0;
    for (int64_t i = 0; i < n; ++i) {
        dot += double(x[i]) * y[i];
        nx += double(x[i]) * x[i];
        ny += double(y[i]) * y[i];
        const double d = std::fabs(double(x[i]) - y[i]);
        if (std::isnan(d) || d > max_diff) max_diff = d;
        if (std::isnan(max_diff)) break;
    }
    OutputAgreement r;
    r.max_abs_diff = max_diff;
    if (std::isnan(max_diff)) r.cosine_similarity = NAN;
    else if (nx == 0 && ny == 0) r.cosine_similarity = 1;
    else if (nx == 0 || ny == 0) r.cosine_similarity = 0;
    else r.cosine_similarity = dot / (std::sqrt(nx) * std::sqrt(ny));

    const ir::Shape& s = a.shape();
    if (s.size() == 2 && s[0] == 1 && s[1] >= 5 && !std::isnan(max_diff)) {
        std::vector<int64_t> ta = top_k(x, n, 5), tb = top_k(y, n, 5);
        r.top5_overlap = 0;
        for (int64_t i : ta) r.top5_overlap += int(std::count(tb.begin(), tb.end(), i));
    }
    return r;
}

}  // namespace octet::engine
