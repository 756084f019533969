#pragma once
// What one InferRequest owns: its activations (one tensor per plan slot), its
// bound inputs, the outputs of its last run and the per-step timings.
#include <memory>
#include <vector>

#include "engine/plan.hpp"
#include "engine/threads.hpp"
#include "octet/infer_request.hpp"

namespace octet {

struct StepTime {
    double real_ms = 0;
    double cpu_ms = 0;
};

struct InferRequest::State {
    std::shared_ptr<const engine::Plan> plan;
    std::vector<ir::Tensor> slots;
    std::vector<ir::Tensor> inputs;   // bound by set_input, Parameter order
    std::vector<ir::Tensor> outputs;  // of the last infer(), Result order
    std::vector<StepTime> times;      // per plan step, of the last infer()
    bool has_run = false;
    std::unique_ptr<engine::ThreadPool> pool;  // the request's threads (plan.threads)
};

namespace engine {
// Builds the counter table from a plan and the per-step times (counters.cpp).
std::vector<PerfCounter> make_perf_counters(const Plan& plan, const std::vector<StepTime>& times);
}  // namespace engine

}  // namespace octet
