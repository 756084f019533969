#pragma once
// Where a quantized model loses precision: the signal-to-quantization-noise
// ratio of every node output against the f32 reference of the same model,
// node by node, matched by node name (jitbench -compare_fp32).
#include <string>
#include <vector>

#include "ir/graph.hpp"
#include "ir/tensor.hpp"

namespace octet::engine {

// SQNR in dB = 10·log10(Σref² / Σ(ref−x)²); +inf when x equals ref, -inf when
// ref is all zero and x is not. Both f32 of one shape (ArgumentError otherwise).
double sqnr_db(const ir::Tensor& ref, const ir::Tensor& x);

struct LayerSqnr {
    std::string name;  // the node, in the quantized graph's execution order
    std::string op;
    double sqnr_db = 0;
};

// Runs both graphs with the reference executor on the same inputs (Parameter
// order) and compares every f32 node output that both graphs have under the
// same name, type and shape (Parameters, Constants and Results excluded).
std::vector<LayerSqnr> per_layer_sqnr(const ir::Graph& quantized, const ir::Graph& reference,
                                      const std::vector<ir::Tensor>& inputs);

}  // namespace octet::engine
