#include "model_run.hpp"

#include <chrono>

namespace octet::tools {

namespace {

void bind(InferRequest& request, const std::vector<ir::Tensor>& set) {
    for (size_t i = 0; i < set.size(); ++i) request.set_input(i, set[i]);
}

std::vector<ir::Tensor> collect_outputs(const InferRequest& request, size_t count) {
    std::vector<ir::Tensor> out;
    for (size_t i = 0; i < count; ++i) out.push_back(request.output(i));
    return out;
}

}  // namespace

RunStats run_model(const CompiledModel& compiled, const TensorSets& inputs, std::optional<long> niter,
                   double seconds) {
    using clock = std::chrono::steady_clock;
    InferRequest request = compiled.create_request();
    RunStats stats;
    const size_t n_outputs = compiled.outputs().size();
    const auto start = clock::now();
    const auto deadline = start + std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(seconds));
    for (size_t iter = 0;; ++iter) {
        if (niter ? iter >= size_t(*niter) : (iter >= inputs.size() && clock::now() >= deadline)) break;
        bind(request, inputs[iter % inputs.size()]);
        const auto t0 = clock::now();
        request.infer();
        const auto t1 = clock::now();
        stats.latencies_ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
        if (iter < inputs.size()) stats.outputs.push_back(collect_outputs(request, n_outputs));

        std::vector<PerfCounter> pc = request.perf_counters();
        if (stats.counters.empty()) {
            stats.counters = std::move(pc);
        } else {
            for (size_t i = 0; i < pc.size(); ++i) {
                stats.counters[i].real_time_ms += pc[i].real_time_ms;
                stats.counters[i].cpu_time_ms += pc[i].cpu_time_ms;
            }
        }
    }
    stats.total_ms = std::chrono::duration<double, std::milli>(clock::now() - start).count();
    const double n = double(stats.latencies_ms.size());
    for (PerfCounter& pc : stats.counters) {
        pc.real_time_ms /= n;
        pc.cpu_time_ms /= n;
    }
    return stats;
}

TensorSets infer_all(const CompiledModel& compiled, const TensorSets& inputs) {
    InferRequest request = compiled.create_request();
    TensorSets outputs;
    for (const auto& set : inputs) {
        bind(request, set);
        request.infer();
        outputs.push_back(collect_outputs(request, compiled.outputs().size()));
    }
    return outputs;
}

}  // namespace octet::tools
