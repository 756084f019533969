#pragma once
// Reference semantics of the element-wise int8 ops the LPT's reference
// (kernels/ref/int8_ops.hpp) does not define: Requantize and the quantized Add
// (formulas in kernels/eltwise/desc.hpp), plus the generic chain they and the JIT
// kernels share. Elements [begin, end) of dense buffers.
#include <cstdint>

#include "kernels/eltwise/desc.hpp"

namespace octet::kernels::ref {

void requantize(const RequantizeProblem& p, const void* src, void* dst, int64_t begin, int64_t end);
void add(const AddProblem& p, const void* a, const void* b, void* dst, int64_t begin, int64_t end);

// Any chain (kernels/eltwise/desc.hpp), step by step in f32; src1 only with two inputs.
void eltwise_chain(const EltwiseChain& c, const void* src0, const void* src1, void* dst, int64_t begin, int64_t end);

// Quantize / Dequantize problems through kernels::ref::quantize_range /
// dequantize_range (a Node with the problem's attributes over views of the buffers).
void quantize(const QuantizeProblem& p, const float* src, void* dst, int64_t begin, int64_t end);
void dequantize(const DequantizeProblem& p, const void* src, float* dst, int64_t begin, int64_t end);

}  // namespace octet::kernels::ref
