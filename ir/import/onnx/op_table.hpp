#pragma once
// ONNX op_type -> mapper. Each op group registers its mappers from its own
// file (ops_nn.cpp, ops_eltwise.cpp, ops_shape.cpp, ops_quant.cpp); a mapper
// reads one OnnxNode and defines its outputs with IR nodes or constants.
#include <map>
#include <string>

#include "ir/import/onnx/context.hpp"

namespace octet::ir::onnx_import {

using Mapper = void (*)(const OnnxNode&);
using OpTable = std::map<std::string, Mapper>;

void register_nn_ops(OpTable& t);       // Conv, Gemm, MatMul, pooling
void register_eltwise_ops(OpTable& t);  // Relu, Clip, Add/Sub/Mul, Softmax, LayerNormalization
void register_shape_ops(OpTable& t);    // Concat, Reshape, Flatten, Transpose, Squeeze/Unsqueeze, Resize, ...
void register_quant_ops(OpTable& t);    // QuantizeLinear, DequantizeLinear
void register_qoperator_ops(OpTable& t);  // QLinearConv, QLinearMatMul, ConvInteger, MatMulInteger
void register_gelu_ops(OpTable& t);     // Div and Erf, inside GELU's erf form only
// Add / Mul that continue a GELU pattern (ops_gelu.cpp); false when they do not.
bool gelu_step(const OnnxNode& n);

const OpTable& op_table();

// Shared by the Conv-like mappers: ONNX's 2-D window attributes
// (kernel_shape, strides, dilations, pads, auto_pad) as IR attributes;
// `pool` selects pooling's attribute names.
void window_attrs(const OnnxNode& n, size_t input_rank, bool pool, Attributes& a);
// A rank-3 (1-D window) tensor as [N, C, 1, W], and back; other ranks pass through.
PortRef as_2d(const OnnxNode& n, PortRef x, const std::string& suffix);
PortRef from_2d(const OnnxNode& n, PortRef y, size_t input_rank);

}  // namespace octet::ir::onnx_import
