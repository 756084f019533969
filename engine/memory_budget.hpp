#pragma once
// CompileOptions::memory_limit_bytes: a server that hosts several models wants
// compile() to refuse one that would not fit its share of memory, instead of
// finding out at the first allocation that fails under load. The need counts
// what a compiled model holds for its lifetime: the constants, the kernels'
// packed copies of them, one activation arena per stream and the code buffers
// reserved for generated kernels.
#include <cstddef>
#include <string>

#include "engine/plan.hpp"

namespace octet::engine {

struct MemoryNeed {
    size_t weights = 0;         // Constant tensors the plan keeps
    size_t packed_weights = 0;  // constant inputs of prepared kernels, counted again for their packed copy
    size_t activations = 0;     // arena of one request x streams
    size_t jit_code = 0;        // code buffer reserved per generated kernel
    size_t total() const { return weights + packed_weights + activations + jit_code; }
    std::string describe() const;  // "weights A + packed weights B + ... = total T bytes"
};

MemoryNeed memory_need(const Plan& plan);

// After finalize_memory(): throws ArgumentError naming the limit and each part
// of the need when the need exceeds `limit` (0 = none). Checked on the final
// plan only: the model's own constants are no guide, the LPT turns f32 weights
// into s8 ones a quarter their size.
void check_memory_limit(const Plan& plan, size_t limit);

}  // namespace octet::engine
