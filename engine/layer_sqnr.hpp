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
    std::string computed_by;  // per_layer_sqnr_int8: the int8 graph's node that produced it (e.g. a fused conv)
};

// Runs both graphs with the reference executor on the same inputs (Parameter
// order) and compares every f32 node output that both graphs have under the
// same name, type and shape (Parameters, Constants and Results excluded).
std::vector<LayerSqnr> per_layer_sqnr(const ir::Graph& quantized, const ir::Graph& reference,
                                      const std::vector<ir::Tensor>& inputs);

// The int8 tensors themselves: `lowered` is the graph a compiled int8 model
// runs (CompiledModel::graph(), after the LPT), evaluated node by node with
// the reference kernels, which the engine's generated kernels equal bit for
// bit. Each u8/s8 tensor is read back to f32 through the grid its producer
// wrote it on (a Quantize's or a requantizing kernel's per-tensor scale and
// shift: x = (q - shift) / scale; pooling, data movement and integer clamps
// keep their input's grid), f32 tensors as they are. A fused node's output is
// what the last of its fused original nodes computed (conv + bias + ReLU:
// the ReLU), so it is matched to the first name, from the last fused one back
// to the node's own, that `reference` has with the same shape. Tensors on a
// per-channel grid and s32 accumulators are not compared.
std::vector<LayerSqnr> per_layer_sqnr_int8(const ir::Graph& lowered, const ir::Graph& reference,
                                           const std::vector<ir::Tensor>& inputs);

}  // namespace octet::engine
