#pragma once
// Generated f32 element-wise kernels over one contiguous run of n elements:
// unary Relu / Clamp / Gelu (erf, tanh) / copy, and binary Add / Subtract /
// Multiply where either operand may be one broadcast value (per-channel
// [1,C,1,1] rows, scalars) and an optional Relu after the binary op.
// Relu, Clamp, copy and the binary ops are bit-exact with kernels/ref (maxps /
// minps keep the reference's NaN and ±0 rules); Gelu has the bounds of
// math_injector.hpp. One body for ymm (AVX2+FMA) and zmm (AVX-512).
#include <cstdint>
#include <memory>
#include <string>

#include "kernels/f32/math_kernel.hpp"

namespace octet::kernels::f32 {

enum class EltOp { copy, relu, clamp, gelu_erf, gelu_tanh, add, sub, mul };

struct EltwiseDesc {
    EltOp op = EltOp::copy;
    bool src0_scalar = false;  // binary: src0 is one value broadcast over the run
    bool src1_scalar = false;  // binary: src1 is one value broadcast over the run
    bool post_relu = false;    // binary: max(·, 0) after the op
    float lo = 0, hi = 0;      // clamp bounds
};

struct EltwiseArgs {
    const float* src0;
    const float* src1;  // binary only
    float* dst;
    int64_t n;
};

bool is_binary(EltOp op);
const char* elt_op_name(EltOp op);

using EltwiseKernel = F32Kernel<EltwiseArgs>;
// Null (with *why) when `isa` has no f32 generator (sse42).
std::unique_ptr<EltwiseKernel> create_eltwise_kernel(const EltwiseDesc& d, jit::Isa isa, std::string* why = nullptr);

}  // namespace octet::kernels::f32
