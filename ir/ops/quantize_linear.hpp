#pragma once
// QuantizeLinear: ONNX's exact quantization, kept as its own op because the
// LPT's Quantize multiplies by a reciprocal and adds the zero point before
// rounding, which differs from ONNX at ties (odd zero points) and wherever
// x * (1/s) and x / s round differently. Imported standalone QuantizeLinear
// nodes (model outputs that are u8/s8) and the requantization tail of the
// QOperator ops use it.
//
//   QuantizeLinear  f32 x -> u8|s8: y = saturate(round_half_even(x / scale[c]) + zero_point[c])
//                   attrs destination_type ("u8"|"s8"), scale (floats, size 1 or C, each finite
//                   and non-zero), zero_point (floats, size 0/1/C, integers in the type's range),
//                   axis (int, default 1; the channel axis of per-axis vectors)
#include "ir/ops/op_checks.hpp"

namespace octet::ir::infer {

opcheck::Outputs quantize_linear(const Node& n, const opcheck::Inputs& in);

}  // namespace octet::ir::infer
