#pragma once
// Parsing an untrusted ModelProto: a hard limit on the bytes protobuf may
// read and on nesting depth, and a clear FormatError for truncated or
// corrupted input.
#include <cstddef>
#include <string>

#include <onnx/onnx_pb.h>

namespace octet::ir::onnx_import {

// Largest model file read into memory (2 GiB: protobuf's own limit).
constexpr size_t kMaxModelBytes = size_t(2047) << 20;

void parse_model(const void* data, size_t size, onnx::ModelProto& model, const std::string& what);
// Reads a whole file (FormatError if missing or over kMaxModelBytes).
std::string read_model_file(const std::string& path);

}  // namespace octet::ir::onnx_import
