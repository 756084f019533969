#pragma once
// The timed loop: one request, input sets in turn, latencies and the
// per-layer counters summed over the iterations.
#include <optional>
#include <vector>

#include "octet/octet.hpp"
#include "tensor_io.hpp"

namespace octet::tools {

struct RunStats {
    std::vector<double> latencies_ms;     // one per iteration
    double total_ms = 0;                  // wall time of the whole loop
    std::vector<PerfCounter> counters;    // times averaged over the iterations
    TensorSets outputs;                   // of the first inference of each input set
};

// Runs exactly `niter` iterations when given, else until `seconds` have passed;
// at least inputs.size() iterations either way (the caller checks -niter).
RunStats run_model(const CompiledModel& compiled, const TensorSets& inputs, std::optional<long> niter,
                   double seconds);

// Infers each input set once and returns the outputs (no timing).
TensorSets infer_all(const CompiledModel& compiled, const TensorSets& inputs);

}  // namespace octet::tools
