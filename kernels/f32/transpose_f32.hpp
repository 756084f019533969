#pragma once
// Generated strided gather for Transposes that move the last axis: one output
// row per call, dst[j] = src[j·stride] for j < n, with vgatherdps (AVX2 /
// AVX-512; the masked tail never touches memory past the row). A data move:
// bit-exact. (Transposes that keep the last axis are row copies:
// eltwise_f32's copy.)
#include <cstdint>
#include <memory>
#include <string>

#include "kernels/f32/math_kernel.hpp"

namespace octet::kernels::f32 {

struct GatherArgs {
    const float* src;
    float* dst;
    int64_t n;       // elements in the row
    int64_t stride;  // elements between consecutive sources; n·stride < 2^31
};

using GatherKernel = F32Kernel<GatherArgs>;
std::unique_ptr<GatherKernel> create_gather_kernel(jit::Isa isa, std::string* why = nullptr);

}  // namespace octet::kernels::f32
