#pragma once
// jitbench's -i / -o: which file feeds or receives which model port, and
// reading/writing K tensors per file (raw little-endian or .npy).
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "ir/tensor.hpp"
#include "octet/model.hpp"

namespace octet::tools {

// One set of tensors per inference: sets[k][i] is port i of inference k.
using TensorSets = std::vector<std::vector<ir::Tensor>>;

// "file" (one-port models) or "name:file,name2:file2". Returns (port index,
// path) pairs; UsageError for unknown or repeated names, or, when
// `require_all`, a port left out.
std::vector<std::pair<size_t, std::string>> parse_io_spec(const std::string& spec, const std::vector<PortInfo>& ports,
                                                          const std::string& flag, bool require_all);

// Reads the K tensors a file holds for `port` (FormatError/ArgumentError
// naming the file when its size or header does not fit the port).
std::vector<ir::Tensor> read_tensor_file(const std::string& path, const PortInfo& port);
// Writes tensors back to back; .npy (shape [K, <port shape>]) when the path ends in .npy.
void write_tensor_file(const std::string& path, const std::vector<ir::Tensor>& tensors, const PortInfo& port);

// Every input from -i; all files must hold the same K.
TensorSets read_inputs(const std::string& spec, const std::vector<PortInfo>& ports);
// One set of seeded random inputs: N(0,1) for f32, uniform over the type's range otherwise.
TensorSets random_inputs(const std::vector<PortInfo>& ports, uint32_t seed);
// The ports -o names, from sets[k][port].
void write_outputs(const std::string& spec, const std::vector<PortInfo>& ports, const TensorSets& sets);

}  // namespace octet::tools
