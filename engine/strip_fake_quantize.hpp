#pragma once
// The f32 counterpart of a quantized model: the same graph with every
// FakeQuantize bypassed (its readers take FakeQuantize's input 0 instead).
// Range constants that only FakeQuantize read are dropped; Parameters and
// Results keep their names and order. Used by jitbench -compare_fp32 to
// measure what quantization costs.
#include "ir/graph.hpp"

namespace octet::engine {

// `graph` must be inferred; the result is inferred too.
ir::Graph strip_fake_quantize(const ir::Graph& graph);

}  // namespace octet::engine
