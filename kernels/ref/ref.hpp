#pragma once
// The f32 reference executor: plain C++ for every op of ir/ops.hpp. These are
// the project's ground truth, so they are written to be obviously right; the
// hot ones (Convolution, MatMul) keep their innermost loop contiguous so the
// compiler vectorizes it and a whole ResNet-50 runs in seconds.
//
// Activations are NCHW. Data movement ops (Reshape, Transpose, Concat, Squeeze,
// Unsqueeze, MaxPool, Relu) work for every element type; arithmetic ops take
// f32 (Add/Subtract/Multiply also s32). Errors are exceptions from
// ir/error.hpp whose message starts with ir::node_prefix(node).
#include <vector>

#include "ir/graph.hpp"
#include "ir/tensor.hpp"

namespace octet::kernels::ref {

// Evaluates one node; `inputs` are its input tensors in order; returns its
// outputs with the types/shapes in node.outputs (the graph must be infer()'d).
// Constant returns node.value; Parameter and Result return their input.
std::vector<ir::Tensor> eval_node(const ir::Node& node, const std::vector<ir::Tensor>& inputs);

// Runs a whole inferred graph: inputs in Parameter order, outputs in Result
// order. Each input must match its Parameter's type and shape (ArgumentError).
// Intermediate tensors are released as soon as their last reader has run.
std::vector<ir::Tensor> run_graph(const ir::Graph& g, const std::vector<ir::Tensor>& inputs);

// FakeQuantize's scalar rule (DESIGN.md), in this exact order of f32 operations:
//   x <= min(il,ih) -> ol;  x > max(il,ih) -> oh;
//   else nearbyint((x-il)/(ih-il)*(levels-1))/(levels-1)*(oh-ol)+ol.
// NaN x fails both comparisons and so propagates NaN through the formula.
float fake_quantize(float x, float il, float ih, float ol, float oh, int levels);

}  // namespace octet::kernels::ref
