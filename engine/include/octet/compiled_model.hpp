#pragma once
// compile(): all preparation happens here, none at inference. A CompiledModel
// is a cheap handle to an immutable plan shared by every request created from
// it, so requests may run concurrently from several threads.
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "octet/infer_request.hpp"
#include "octet/model.hpp"

namespace octet {

namespace engine { struct Plan; struct PlanAccess; }

struct CompileOptions {
    int threads = 0;      // worker threads per request; 0 = all cores (the reference path uses 1)
    std::string max_isa;  // caps the ISA like OCTET_MAX_ISA ("avx2", ...); empty = no cap beyond it
    int streams = 1;      // requests meant to run at once (throughput mode); >= 1
    // Upper bound on what the compiled model holds: weights + packed weights +
    // one activation arena per stream + reserved JIT code. compile() throws
    // ArgumentError naming the limit and the need when it would exceed it. 0 = none.
    size_t memory_limit_bytes = 0;
    // Per-step CPU time in the performance counters (PerfCounter::cpu_time_ms).
    // It costs a thread-CPU-clock system call per step (~2 us on a VM, 0.1 ms
    // per MobileNetV2 inference, all of it serial): off, cpu_time_ms stays 0
    // and only the wall time (a steady_clock read per step) is recorded, as a
    // benchmark that prints no counters wants (jitbench without -pc).
    bool cpu_time_counters = true;
};

class CompiledModel {
public:
    const std::vector<PortInfo>& inputs() const;
    const std::vector<PortInfo>& outputs() const;
    // A new request with its own activation storage.
    InferRequest create_request() const;

    const std::string& isa() const;  // the instruction set kernels were chosen for ("avx2", ...)
    int threads() const;             // threads per request the options asked for (0 = all)
    int streams() const;
    // The graph the plan executes (after the transformations compile applied).
    const ir::Graph& graph() const;

    // Activation memory of one request: the arena every request allocates once,
    // with buffers reused by liveness (peak), and for comparison the largest
    // inputs+outputs of a single step (no plan can go below it) and the sum of
    // all activations (what a request without reuse would hold).
    size_t peak_activation_bytes() const;
    size_t largest_step_bytes() const;
    size_t total_activation_bytes() const;

private:
    friend CompiledModel compile(const Model&, const CompileOptions&);
    friend struct engine::PlanAccess;
    explicit CompiledModel(std::shared_ptr<const engine::Plan> plan) : plan_(std::move(plan)) {}
    std::shared_ptr<const engine::Plan> plan_;
};

// Validates the options (ArgumentError for bad values, UnsupportedError for an
// ISA the CPU lacks) and builds the execution plan.
CompiledModel compile(const Model& model, const CompileOptions& options = {});

}  // namespace octet
