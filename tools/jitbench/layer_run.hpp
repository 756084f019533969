#pragma once
// Runs jitbench's single-layer modes: one descriptor or every entry of a benchdnn batch
// file, each timed (median of -niter runs over the thread pool) and, with --check,
// compared bit for bit with the reference.
#include <cstddef>
#include <iosfwd>
#include <map>
#include <string>
#include <vector>

#include "ir/types.hpp"
#include "layer_args.hpp"

namespace octet::tools {

// Every combination of a batch entry's comma-separated option lists, in a fixed order
// ("--dt=u8:s8:u8,s8:s8:u8 --attr-post-ops=relu,sum" gives four option sets). Options
// whose values are not lists stay as they are.
std::vector<std::map<std::string, std::string>> expand_option_lists(const std::map<std::string, std::string>& options);

// The family of a batch file from its name: "conv_shapes_1x1" -> "conv"; empty when
// the name does not start with conv_, matmul_, ip_ or pool_.
std::string family_of_batch_file(const std::string& path);

// "" when the `bytes` of got and want are equal (memcmp); otherwise the first differing
// element of type t with both values and the count of differing elements.
std::string first_mismatch(ir::ElemType t, const void* got, const void* want, size_t bytes);

// Runs the mode and prints one line per layer (one JSON object with -json) and a
// summary. A layer that cannot be expressed is skipped with the reason; one that is
// malformed or whose kernel fails is an error, and the run goes on. Returns the exit
// code: 0, or 1 when a check failed or any layer was an error.
int run_layer_mode(const LayerArgs& args, std::ostream& out, std::ostream& err);

}  // namespace octet::tools
