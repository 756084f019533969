#pragma once
// Per-op shape inference functions, one family per file; ir/ops.cpp maps op
// names to them. Internal to ir/: call ir::infer_outputs instead.
#include "ir/ops/op_checks.hpp"

namespace octet::ir::infer {

using opcheck::Inputs;
using opcheck::Outputs;

// io.cpp
Outputs parameter(const Node& n, const Inputs& in);
Outputs constant(const Node& n, const Inputs& in);
Outputs result(const Node& n, const Inputs& in);
// conv_pool.cpp
Outputs convolution(const Node& n, const Inputs& in);
Outputs max_pool(const Node& n, const Inputs& in);
Outputs avg_pool(const Node& n, const Inputs& in);
// matmul.cpp
Outputs matmul(const Node& n, const Inputs& in);
// elementwise.cpp
Outputs relu(const Node& n, const Inputs& in);
Outputs clamp(const Node& n, const Inputs& in);
Outputs gelu(const Node& n, const Inputs& in);
Outputs binary(const Node& n, const Inputs& in);  // Add, Subtract, Multiply
Outputs convert(const Node& n, const Inputs& in);
Outputs fake_quantize(const Node& n, const Inputs& in);
// normalization.cpp
Outputs softmax(const Node& n, const Inputs& in);
Outputs mvn(const Node& n, const Inputs& in);
// shape_ops.cpp
Outputs concat(const Node& n, const Inputs& in);
Outputs reshape(const Node& n, const Inputs& in);
Outputs transpose(const Node& n, const Inputs& in);
Outputs squeeze(const Node& n, const Inputs& in);
Outputs unsqueeze(const Node& n, const Inputs& in);
// interpolate.cpp
Outputs interpolate(const Node& n, const Inputs& in);

}  // namespace octet::ir::infer
