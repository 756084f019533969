#include "model_run.hpp"

#include <algorithm>
#include <chrono>

#include "progress.hpp"

namespace octet::tools {

namespace {

using clock = std::chrono::steady_clock;

void bind(InferRequest& request, const std::vector<ir::Tensor>& set) {
    for (size_t i = 0; i < set.size(); ++i) request.set_input(i, set[i]);
}

std::vector<ir::Tensor> collect_outputs(const InferRequest& request, size_t count) {
    std::vector<ir::Tensor> out;
    for (size_t i = 0; i < count; ++i) out.push_back(request.output(i));
    return out;
}

void accumulate(std::vector<PerfCounter>& sum, const std::vector<PerfCounter>& pc) {
    if (sum.empty()) {
        sum = pc;
        return;
    }
    for (size_t i = 0; i < pc.size() && i < sum.size(); ++i) {
        sum[i].real_time_ms += pc[i].real_time_ms;
        sum[i].cpu_time_ms += pc[i].cpu_time_ms;
    }
}

void divide(std::vector<PerfCounter>& table, double n) {
    for (PerfCounter& pc : table) {
        pc.real_time_ms /= n;
        pc.cpu_time_ms /= n;
    }
}

double ms_between(clock::time_point a, clock::time_point b) {
    return std::chrono::duration<double, std::milli>(b - a).count();
}

}  // namespace

RunStats run_model(const CompiledModel& compiled, const TensorSets& inputs, const RunConfig& config) {
    const size_t n_outputs = compiled.outputs().size();
    const size_t n_requests = config.async ? size_t(std::max(1, config.requests)) : 1;
    std::vector<InferRequest> requests;
    for (size_t r = 0; r < n_requests; ++r) requests.push_back(compiled.create_request());
    // Completion times come from the callback so that waiting on another
    // request first does not count as latency.
    std::vector<clock::time_point> started(n_requests), finished(n_requests);
    std::vector<size_t> iteration_of(n_requests), count_of(n_requests, 0);
    if (config.async)
        for (size_t r = 0; r < n_requests; ++r)
            requests[r].set_callback([&finished, r](std::exception_ptr) { finished[r] = clock::now(); });

    RunStats stats;
    stats.async = config.async;
    stats.outputs.resize(inputs.size());
    stats.per_request.resize(n_requests);
    ProgressBar bar(config.niter ? 0.0 : (config.progress ? config.seconds : 0.0));
    const auto start = clock::now();
    const auto deadline =
        start + std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(config.seconds));
    size_t next = 0;
    auto more = [&] {
        return config.niter ? next < size_t(*config.niter) : (next < inputs.size() || clock::now() < deadline);
    };
    auto progress = [&] {
        if (!config.progress) return;
        bar.update(config.niter ? double(next) / double(*config.niter)
                                : std::chrono::duration<double>(clock::now() - start).count() / config.seconds);
    };
    auto record = [&](size_t r) {
        stats.latencies_ms.push_back(ms_between(started[r], finished[r]));
        const size_t iter = iteration_of[r];
        if (iter < inputs.size()) stats.outputs[iter] = collect_outputs(requests[r], n_outputs);
        accumulate(stats.per_request[r], requests[r].perf_counters());
        ++count_of[r];
    };

    if (!config.async) {
        while (more()) {
            iteration_of[0] = next;
            bind(requests[0], inputs[next++ % inputs.size()]);
            started[0] = clock::now();
            requests[0].infer();
            finished[0] = clock::now();
            record(0);
            progress();
        }
    } else {
        std::vector<bool> in_flight(n_requests, false);
        auto launch = [&](size_t r) {
            iteration_of[r] = next;
            bind(requests[r], inputs[next++ % inputs.size()]);
            started[r] = clock::now();
            requests[r].start_async();
            in_flight[r] = true;
        };
        for (size_t r = 0; r < n_requests && more(); ++r) launch(r);
        // Round robin: wait for each request in turn and restart it at once.
        for (size_t r = 0, busy = next; busy > 0; r = (r + 1) % n_requests) {
            if (!in_flight[r]) continue;
            requests[r].wait();
            in_flight[r] = false;
            record(r);
            progress();
            if (more()) launch(r);
            else --busy;
        }
    }
    bar.finish();
    stats.total_ms = ms_between(start, clock::now());
    for (size_t r = 0; r < n_requests; ++r) {
        if (count_of[r] == 0) continue;
        accumulate(stats.counters, stats.per_request[r]);
        divide(stats.per_request[r], double(count_of[r]));
    }
    divide(stats.counters, double(stats.latencies_ms.size()));
    // A request that never ran (more streams than iterations) has no table.
    std::vector<std::vector<PerfCounter>> ran;
    for (auto& t : stats.per_request)
        if (!t.empty()) ran.push_back(std::move(t));
    stats.per_request = std::move(ran);
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
