#pragma once
// The f32 Convolution / MatMul with their followers folded in (engine/f32/
// fuse_f32.hpp creates them; ir/ops.hpp lists them): ConvolutionF32 and
// MatMulF32 take the inputs and attributes of Convolution / MatMul, an
// optional residual (input 2, f32, the output's shape) and an ir::Epilogue in
// the attribute encoding of ir/ops/int8_ops.hpp restricted to f32:
//
//   bias       floats, size 0, 1 or C (C: output channels, dim 1 of a conv's
//              output, the last dim of a MatMul's)
//   post_ops   ints, 0 relu, 1 clamp, 2 sum (at most one: the residual), with
//              post_lo / post_hi (clamp bounds); sum_type f32, sum_scale 1,
//              sum_zero_point 0
//   destination_type  f32; scale, out_scale, out_shift empty
//
//   y = acc + bias[c];  then each post-op in order, one f32 operation each,
//   with the semantics of ir/epilogue.hpp (relu: y > 0 ? y : 0; clamp:
//   y > lo ? y : lo, then y < hi ? y : hi; sum: y + residual).
//
// These are exactly the f32 Add / Relu / Clamp / Add the nodes replace, so the
// reference of a fused node gives the bits of the unfused graph.
//
// GeluQuantize is a Gelu with the Quantize that reads it folded in: f32 x ->
// u8|s8, Gelu's attribute approximation_mode and Quantize's destination_type,
// scale, shift, axis; y = Quantize(Gelu(x)), the two ops' semantics in order.
#include <vector>

#include "ir/epilogue.hpp"
#include "ir/graph.hpp"

namespace octet::ir {

// The epilogue of a ConvolutionF32 / MatMulF32 node (checked as above).
Epilogue f32_epilogue_from_attrs(const Attributes& a);
// The output channel axis of a fused f32 node's output of rank `rank`.
inline int64_t f32_channel_axis(const Node& n, size_t rank) {
    return n.op == "ConvolutionF32" ? 1 : int64_t(rank) - 1;
}

namespace infer {  // shape inference, dispatched from ir/ops.cpp
std::vector<TensorDesc> convolution_f32(const Node& n, const std::vector<TensorDesc>& in);
std::vector<TensorDesc> matmul_f32(const Node& n, const std::vector<TensorDesc>& in);
std::vector<TensorDesc> gelu_quantize(const Node& n, const std::vector<TensorDesc>& in);
}  // namespace infer

}  // namespace octet::ir
