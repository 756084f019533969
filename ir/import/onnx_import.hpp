#pragma once
// ONNX import: an .onnx ModelProto (opsets 10-17) becomes an inferred
// ir::Graph. QuantizeLinear -> DequantizeLinear pairs become FakeQuantize (what
// the LPT folds into int8 kernels); QOperator ops become the int8 ops with
// exact integer results. The bytes are untrusted: every malformed input is a
// FormatError / ValidationError, every valid but unimplemented feature an
// UnsupportedError naming the node, op type and attribute.
#include <cstddef>
#include <string>

#include "ir/graph.hpp"

namespace octet::ir {

Graph import_onnx_file(const std::string& path);
// `base_dir` is the folder external tensor data is resolved against (empty:
// external data is an error); no path may leave it.
Graph import_onnx_bytes(const void* data, size_t size, const std::string& base_dir = "");

}  // namespace octet::ir
