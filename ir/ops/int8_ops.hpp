#pragma once
// Attribute encoding of the internal int8 ops the LPT creates (ir/ops.hpp):
// an ir::Epilogue stored on a ConvolutionI8 / MatMulI8 node, so that the
// reference executor and the engine's kernels read the very same numbers.
//
//   scale, bias, out_scale, out_shift   floats (f32 values, exact through double)
//   post_ops        ints: 0 relu, 1 clamp, 2 sum (in order)
//   post_lo/post_hi floats, one per post-op (clamp bounds, 0 otherwise)
//   sum_scale, sum_zero_point  floats; sum_type  string (u8|s8|f32)
//   destination_type  string (s32 when absent: raw accumulators)
#include "ir/epilogue.hpp"
#include "ir/graph.hpp"

namespace octet::ir {

Epilogue epilogue_from_attrs(const Attributes& a);
void epilogue_to_attrs(const Epilogue& e, Attributes& a);
std::vector<float> to_floats(const std::vector<double>& v);
std::vector<double> to_doubles(const std::vector<float>& v);

namespace infer {  // shape inference, dispatched from ir/ops.cpp
std::vector<TensorDesc> quantize(const Node& n, const std::vector<TensorDesc>& in);
std::vector<TensorDesc> dequantize(const Node& n, const std::vector<TensorDesc>& in);
std::vector<TensorDesc> add_i8(const Node& n, const std::vector<TensorDesc>& in);
std::vector<TensorDesc> requantize(const Node& n, const std::vector<TensorDesc>& in);
std::vector<TensorDesc> convolution_i8(const Node& n, const std::vector<TensorDesc>& in);
std::vector<TensorDesc> matmul_i8(const Node& n, const std::vector<TensorDesc>& in);
}  // namespace infer

}  // namespace octet::ir
