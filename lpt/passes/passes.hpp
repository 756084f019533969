#pragma once
// The low-precision transformations, one per file, in the order the pass
// manager (lpt/pass_manager.cpp) runs them. Each returns true if it changed
// the graph.
#include "lpt/rewriter.hpp"

namespace octet::lpt::passes {

// FakeQuantize on a Constant read as Convolution/MatMul weights -> s8 Constant +
// per-output-channel Dequantize (weights 4x smaller, no FakeQuantize at run time).
bool compress_weights(Rewriter& rw);
// FakeQuantize(MaxPool|Reshape|Transpose|Squeeze|Unsqueeze|nearest Interpolate(x)) -> op(FakeQuantize(x)):
// exact for per-tensor ranges (FakeQuantize is monotone and element-wise), and it
// lets the producer of x requantize in its epilogue.
bool move_fake_quantize_up(Rewriter& rw);
// FakeQuantize on an activation -> Quantize (u8/s8) + Dequantize.
bool decompose_fake_quantize(Rewriter& rw);
// Dequantize pushed below MaxPool / AvgPool / data movement / nearest Interpolate
// so those run on int8.
bool propagate_dequantization(Rewriter& rw);
// Concat of inputs with one and the same per-tensor Dequantize -> int8 Concat +
// that Dequantize (then propagate_dequantization runs again below it).
bool propagate_through_concat(Rewriter& rw);
// Quantize(Concat(Dequantize_i(q_i))) with inputs on different grids ->
// Concat(Requantize_i(q_i)) on the Quantize's grid (scales aligned).
bool align_concat_scales(Rewriter& rw);
// Relu / Clamp of a per-tensor dequantized int8 tensor -> integer Clamp (bounds
// on the grid or never binding) + the Dequantize below it.
bool clamp_in_integer_domain(Rewriter& rw);
// Convolution / MatMul of dequantized operands -> ConvolutionI8 / MatMulI8 (s32)
// + one Dequantize with scale = s_x * s_w[oc] (zero point as src compensation).
bool int8_operations(Rewriter& rw);
// Add of a per-channel Constant (bias) and Multiply by a scalar Constant folded
// into the Dequantize of an accumulator.
bool fold_into_dequantization(Rewriter& rw);
// Add(Dequantize(Quantize(v)), other): v's requantization is absorbed when v is a
// fusable int8 kernel result, so that the Add becomes its sum post-op.
bool absorb_branch_requantization(Rewriter& rw);
// ConvolutionI8/MatMulI8 -> Dequantize -> Relu/Clamp/Add(residual)/Quantize fused
// into the kernel's ir::Epilogue.
bool fuse_epilogue(Rewriter& rw);
// Add(Dequantize(a), Dequantize(b)) [-> Relu] [-> Quantize] left after
// fuse_epilogue -> AddI8(a, b) with u8/s8 (requantized) or f32 output.
bool int8_add(Rewriter& rw);
// Quantize(Dequantize(q)) of an int8 q -> Requantize(q): one int8 kernel.
bool requantize_chains(Rewriter& rw);

}  // namespace octet::lpt::passes
