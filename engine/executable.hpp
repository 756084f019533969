#pragma once
// The body of a plan step that runs a prepared kernel (a fused int8 conv, a
// quantize, ...), as opposed to a reference op evaluated node by node. It is
// built once at compile time and shared read-only by every request.
#include <string>
#include <vector>

#include "engine/threads.hpp"
#include "ir/tensor.hpp"

namespace octet::engine {

class Executable {
public:
    virtual ~Executable() = default;
    // inputs: the step's input tensors in slot order; outputs: allocated by the
    // request with the node's output types and shapes, to be filled.
    virtual void run(const std::vector<ir::Tensor>& inputs, std::vector<ir::Tensor>& outputs,
                     ThreadPool& pool) const = 0;
    // "jit_avx2_1x1_I8", "ref_I8", ...
    virtual std::string exec_type() const = 0;
};

}  // namespace octet::engine
