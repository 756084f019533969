#pragma once
// The timed loop: sync (one request) or async (several requests in flight on
// one compiled model), input sets in turn, latencies and the per-layer
// counters summed over the iterations.
#include <optional>
#include <vector>

#include "octet/octet.hpp"
#include "tensor_io.hpp"

namespace octet::tools {

struct RunConfig {
    std::optional<long> niter;  // exactly this many iterations when set...
    double seconds = 5;         // ...else until this long has passed
    bool async = false;         // start_async()/wait() on `requests` requests
    int requests = 1;
    bool progress = true;       // the stderr progress bar (progress.hpp)
};

struct RunStats {
    std::vector<double> latencies_ms;     // one per iteration (start to completion)
    double total_ms = 0;                  // wall time of the whole loop
    bool async = false;
    std::vector<PerfCounter> counters;    // times averaged over all iterations
    std::vector<std::vector<PerfCounter>> per_request;  // each request's average
    TensorSets outputs;                   // of the first inference of each input set
};

// Runs at least inputs.size() iterations (the caller checks -niter); iteration
// j uses input set j mod K.
RunStats run_model(const CompiledModel& compiled, const TensorSets& inputs, const RunConfig& config);

// Infers each input set once and returns the outputs (no timing).
TensorSets infer_all(const CompiledModel& compiled, const TensorSets& inputs);

}  // namespace octet::tools
