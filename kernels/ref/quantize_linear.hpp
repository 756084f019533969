#pragma once
// Reference evaluation of QuantizeLinear (ir/ops/quantize_linear.hpp): ONNX's
// formula, a true f32 division, rounding half to even, then the zero point and
// saturation.
#include "kernels/ref/common.hpp"

namespace octet::kernels::ref {

Tensors quantize_linear_op(const ir::Node& n, const Tensors& in);

}  // namespace octet::kernels::ref
