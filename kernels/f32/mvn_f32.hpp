#pragma once
// Generated f32 MVN over one contiguous group (the normalized axes are the
// trailing ones, e.g. BERT's LayerNorm over the last axis): mean, then (with
// normalize_variance) the mean of (x − mean)² in a second pass, then
// y = (x − mean) · 1/denom with denom = sqrt(var + eps) (inside_sqrt) or
// sqrt(var) + eps (outside_sqrt). f32 sums in W lanes × 4 accumulators and a
// reciprocal where the reference (kernels/ref/mvn_softmax.cpp) sums in double
// and divides: relative error ≤ 1e-5 of max|y| for groups up to 10^5.
#include <cstdint>
#include <memory>
#include <string>

#include "kernels/f32/math_kernel.hpp"

namespace octet::kernels::f32 {

struct MvnDesc {
    bool normalize_variance = true;
    bool eps_inside_sqrt = true;
};

struct MvnArgs {
    const float* src;
    float* dst;
    int64_t len;   // group size, >= 1
    float len_f;   // float(len)
    float eps;
};

using MvnKernel = F32Kernel<MvnArgs>;
std::unique_ptr<MvnKernel> create_mvn_kernel(const MvnDesc& d, jit::Isa isa, std::string* why = nullptr);

}  // namespace octet::kernels::f32
