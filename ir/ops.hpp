#pragma once
// The op set: names, per-op validation and shape inference.
//
//   Parameter   attrs: element_type (string), shape (ints)                        -> 1 output
//   Constant    value tensor (Node::value)                                         -> 1 output
//   Result      1 input                                                            -> 0 outputs
//   Convolution data [N,C,H,W], weights [OC, C/group, KH, KW]; attrs strides, dilations,
//               pads_begin, pads_end (ints, 2 each), auto_pad ("explicit"|"valid"|
//               "same_upper"|"same_lower", default explicit), group (int, default 1)
//   MatMul      A [...,M,K], B [...,K,N] (numpy-broadcast batch dims; rank-1 operands as in
//               numpy); attrs transpose_a, transpose_b (bool, default false)
//   MaxPool     data [N,C,H,W]; attrs kernel, strides, pads_begin, pads_end (ints),
//               rounding_type ("floor"|"ceil"), auto_pad (as Convolution)
//   AvgPool     as MaxPool plus exclude_pad (bool)
//   Relu, Clamp (attrs min, max: float), Convert (attr destination_type: string)
//   Gelu        1 f32 input; attr approximation_mode ("erf"|"tanh", default erf)
//   Add, Subtract, Multiply   numpy broadcasting of 2 inputs
//   Concat      N inputs, attr axis (int, negative counts from the end)
//   Reshape     attr shape (ints; 0 copies the input dim when special_zero, -1 inferred once),
//               special_zero (bool, default true)
//   Transpose   attr order (ints, a permutation)
//   Squeeze     attr axes (ints; empty squeezes every 1)   Unsqueeze   attr axes (ints)
//   Interpolate data [N,C,H,W]; attrs mode ("nearest"|"linear"), sizes (ints, output H,W) or
//               scales (floats, H,W), coordinate_transformation_mode ("half_pixel"|"asymmetric"|
//               "align_corners"|"pytorch_half_pixel"|"tf_half_pixel_for_nn", default half_pixel),
//               nearest_mode ("round_prefer_floor"|"round_prefer_ceil"|"floor"|"ceil"|"simple",
//               default round_prefer_floor)
//   MVN         attrs axes (ints), normalize_variance (bool), eps (float), eps_mode
//               ("inside_sqrt"|"outside_sqrt")
//   Softmax     attr axis (int)
//   FakeQuantize  x, input_low, input_high, output_low, output_high (the four ranges
//               broadcast to x); attr levels (int >= 2). Output f32, shape of x.
//
// Internal int8 ops (created by lpt/ and by the ONNX importer for QOperator ops;
// a JSON model file may hold them, e.g. octet-convert of such an import, and
// they are validated like every other op; ir/ops/int8_ops.cpp):
//   Quantize    f32 x -> u8|s8: saturate_round(x*scale + shift) (ir/epilogue.hpp's tail);
//               attrs destination_type, scale, shift (floats, size 1 or C), axis (default 1)
//   QuantizeLinear  f32 x -> u8|s8: saturate(round_half_even(x / scale) + zero_point), ONNX's
//               exact rule (ir/ops/quantize_linear.hpp); made by the ONNX importer
//   Dequantize  u8|s8|s32 x -> f32: (float(x) - zero_point) * scale (+ bias when given);
//               attrs zero_point, scale, bias (floats, size 0/1/C), axis (default 1)
//   Requantize  u8|s8 x -> u8|s8: saturate_round(((float(x) - zero_point) * scale + bias) * out_scale
//               + out_shift), i.e. a Dequantize then a Quantize; attrs zero_point, scale, bias,
//               out_scale, out_shift (floats, size 0/1/C), axis (default 1), destination_type
//   AddI8       a, b u8|s8 of one shape (no broadcasting): each dequantized as Dequantize does
//               ((float(q) - zp) * scale + bias), summed, relu (bool attr), then
//               saturate_round(v * out_scale + out_shift) to destination_type u8|s8, or f32 as is
//               (no out_scale/out_shift); attrs a_/b_zero_point, a_/b_scale, a_/b_bias,
//               out_scale, out_shift (floats, size 0/1/C), axis (default 1), relu
//   ConvolutionI8  data u8|s8, weights s8 [OC,C/g,KH,KW], optional residual (sum post-op);
//               Convolution's attrs + src_zero_point (int) + an ir::Epilogue
//               (ir/ops/int8_ops.hpp); output destination_type (s32 when absent)
//   MatMulI8    A u8|s8 [...,M,K], B s8 (2D, or A's batch dims), optional residual;
//               transpose_b, a_zero_point (int) + an ir::Epilogue; channel = last dim
//
// Internal f32 ops (created by engine/f32/fuse_f32.cpp at compile time; ir/ops/f32_fused_ops.hpp):
//   ConvolutionF32, MatMulF32  Convolution / MatMul (f32) with an optional residual (input 2) and
//               an f32 ir::Epilogue: bias (size 0/1/C), post_ops relu / clamp / sum in order
//   GeluQuantize  f32 x -> u8|s8: Quantize(Gelu(x)); Gelu's approximation_mode and Quantize's
//               attrs (destination_type, scale, shift, axis)
//
// Element types: every op except Parameter/Constant/Convert/Result takes f32
// activations in a model file; int8 types appear after the LPT rewrites a graph.
// Accepted beyond f32: Convolution/MatMul u8|s8 data x s8 weights -> s32
// accumulators; MaxPool/AvgPool and nearest Interpolate keep u8/s8; Relu, Clamp,
// Add/Subtract/Multiply (equal input types) and the shape ops keep any type.
// Gelu, Softmax, MVN, FakeQuantize and linear Interpolate are f32 only.
// Window geometry (effective pads, output H,W): ir/ops/conv_geometry.hpp.
#include <string>
#include <vector>

#include "ir/graph.hpp"

namespace octet::ir {

const std::vector<std::string>& known_ops();
bool is_known_op(const std::string& op);

// Validates one node against its inputs' descriptions and returns its outputs.
// Throws ValidationError without the node prefix (Graph::infer adds it).
std::vector<TensorDesc> infer_outputs(const Node& node, const std::vector<TensorDesc>& inputs);

// Numpy broadcasting of two shapes; throws ValidationError if incompatible.
Shape broadcast_shapes(const Shape& a, const Shape& b);

}  // namespace octet::ir
