// ModelProto parsing with bounded reads (see proto_reader.hpp).
#include "ir/import/onnx/proto_reader.hpp"

#include <google/protobuf/io/coded_stream.h>

#include <filesystem>
#include <fstream>

#include "ir/error.hpp"

namespace octet::ir::onnx_import {

void parse_model(const void* data, size_t size, onnx::ModelProto& model, const std::string& what) {
    if (size > kMaxModelBytes) throw FormatError(what + ": " + std::to_string(size) + " bytes is more than the 2 GiB protobuf limit");
    if (size == 0) throw FormatError(what + ": empty input, not an ONNX model");
    google::protobuf::io::CodedInputStream in(static_cast<const uint8_t*>(data), int(size));
    in.SetTotalBytesLimit(int(size));
    in.SetRecursionLimit(64);
    if (!model.ParseFromCodedStream(&in) || !in.ConsumedEntireMessage())
        throw FormatError(what + ": not a valid ONNX ModelProto (truncated or corrupted protobuf)");
}

std::string read_model_file(const std::string& path) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (ec) throw FormatError("cannot open ONNX model '" + path + "': " + ec.message());
    if (size > kMaxModelBytes) throw FormatError("ONNX model '" + path + "' is larger than 2 GiB");
    std::ifstream f(path, std::ios::binary);
    std::string bytes(size_t(size), '\0');
    if (!f || !f.read(&bytes[0], std::streamsize(size))) throw FormatError("cannot read ONNX model '" + path + "'");
    return bytes;
}

}  // namespace octet::ir::onnx_import
