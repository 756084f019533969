#pragma once
// Generated f32 Softmax. Rows: one contiguous row per call (the softmax axis
// is the last one, or all axes after it have extent 1): max, e^(x − max) stored to dst
// while summing, then dst ·= 1/sum. Exp is math_injector.hpp's (≤ 2 ulp); the
// row result is within 2e-6 relative of the double-accumulated reference
// (f32 sums in W lanes × 2 accumulators, one reciprocal).
#include <cstdint>
#include <memory>
#include <string>

#include "kernels/f32/math_kernel.hpp"

namespace octet::kernels::f32 {

struct SoftmaxArgs {
    const float* src;
    float* dst;
    int64_t len;  // row length, >= 1
};

using SoftmaxKernel = F32Kernel<SoftmaxArgs>;
std::unique_ptr<SoftmaxKernel> create_softmax_kernel(jit::Isa isa, std::string* why = nullptr);

// Softmax over an axis followed by `inner` > 1 elements: one [len, inner] slice
// per call, vectorized along inner (W columns at a time, masked tail), the
// same three passes down each column (element stride inner). Same bound.
struct SoftmaxStridedArgs {
    const float* src;
    float* dst;
    int64_t len;    // softmax axis extent, >= 1
    int64_t inner;  // elements after the axis, >= 1
};

using SoftmaxStridedKernel = F32Kernel<SoftmaxStridedArgs>;
std::unique_ptr<SoftmaxStridedKernel> create_softmax_strided_kernel(jit::Isa isa, std::string* why = nullptr);

}  // namespace octet::kernels::f32
