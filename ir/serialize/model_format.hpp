#pragma once
// The octet model format: a graph in `model.json` plus the constants' raw bytes
// in `model.bin`, addressed by offset and size (as in OpenVINO IR).
//
//   {
//    "format": "octet-model",
//    "version": 1,
//    "nodes": [
//     {"name":"x","op":"Parameter","inputs":[],"attrs":{"element_type":{"type":"string","value":"f32"},
//                                                       "shape":{"type":"ints","value":[1,3,224,224]}}},
//     {"name":"w","op":"Constant","inputs":[],"attrs":{},"element_type":"s8","shape":[64,3,7,7],
//      "offset":0,"size":9408},
//     {"name":"conv","op":"Convolution","inputs":[{"node":"x","port":0},{"node":"w","port":0}],
//      "attrs":{"strides":{"type":"ints","value":[2,2]}, ...}},
//     ...
//    ]
//   }
//
// - Nodes keep their order; an input names its producer, either as
//   {"node": "<name>", "port": <n>} (what the writer emits; "port" defaults to 0)
//   or as the string "<name>:<n>" / "<name>" (the suffix counts as a port only
//   when it is all digits).
// - Every attribute stores its kind next to its value, so int and float never
//   get confused: bool, int, float, string, ints, floats. Floats are JSON
//   numbers in shortest round-trip form; non-finite ones are the strings
//   "inf", "-inf", "nan", "-nan" (NaN payloads are not kept).
// - Constants are written in node order into the .bin, each starting at a
//   multiple of 64 bytes; the reader accepts any offset.
//
// A model file is untrusted input. The reader checks every field's JSON type,
// rejects unknown keys, newer versions, unknown element types, dangling inputs,
// duplicate names, absurd shapes and constants that do not fit the .bin before
// allocating anything for them; it then runs Graph::infer(), which rejects
// cycles and unknown ops. Errors: FormatError (the file cannot be read as a
// model), ValidationError (the graph it describes is wrong), UnsupportedError
// (an op octet does not know); each message names the node.
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "ir/graph.hpp"

namespace octet::ir {

constexpr int kModelFormatVersion = 1;
constexpr const char* kModelFormatName = "octet-model";
// Largest model.json the reader accepts, and deepest JSON nesting (a valid
// model needs 6 levels).
constexpr size_t kMaxModelJsonBytes = size_t(256) << 20;
constexpr int kMaxModelJsonDepth = 32;
// Alignment of every constant inside model.bin.
constexpr size_t kModelBinAlignment = 64;

// Writes `json_path` and `bin_path`. Throws ValidationError for a graph that
// cannot be written (an input index out of range, a Constant without a value),
// ArgumentError when a file cannot be written.
void save_model(const Graph& graph, const std::string& json_path, const std::string& bin_path);

// Reads a model and runs Graph::infer() on it. An empty `bin_path` means
// `json_path` with ".json" replaced by ".bin" (or ".bin" appended). The .bin is
// opened only when a Constant needs it; a missing file is a FormatError naming
// the path.
Graph load_model(const std::string& json_path, const std::string& bin_path = "");

// In-memory forms of the two above: the JSON text and the .bin bytes.
std::pair<std::string, std::vector<uint8_t>> serialize_model(const Graph& graph);
Graph parse_model(const std::string& json_text, const uint8_t* bin, size_t bin_size);

// The .bin path load_model uses when none is given.
std::string default_bin_path(const std::string& json_path);

}  // namespace octet::ir
