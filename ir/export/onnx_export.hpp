#pragma once
// ONNX export (opset 17) so that a peer runtime can run exactly the model
// octet runs. f32 ops map one to one or to a short exact decomposition (MVN,
// Gelu); FakeQuantize becomes QDQ: on Constant weights an int8 initializer +
// DequantizeLinear (per output channel), on activations QuantizeLinear +
// DequantizeLinear with the same scale and zero point. A FakeQuantize that has
// no exact QDQ form (levels other than 256 on activations, 255/256 on
// weights; output range different from the input range on activations; a
// zero point that is not an integer) is an UnsupportedError naming the node.
// QDQ and FakeQuantize agree except on exact rounding ties when the zero point
// minus the type's minimum is odd (DESIGN.md, numeric contract).
// Internal int8 ops (after the LPT) are not exported: export the model itself.
#include <string>

#include "ir/graph.hpp"

namespace octet::ir {

// The serialized onnx.ModelProto of an inferred graph (Graph::infer() done).
std::string export_onnx_bytes(const Graph& graph);
// Writes export_onnx_bytes(graph) to `path`; ArgumentError when it cannot.
void export_onnx(const Graph& graph, const std::string& path);

}  // namespace octet::ir
