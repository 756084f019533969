#pragma once
// What one InferRequest owns: its activation arena and slot views, its bound
// inputs, the outputs of its last run, the per-step timings and the thread of
// an asynchronous run.
#include <atomic>
#include <exception>
#include <functional>
#include <memory>
#include <thread>
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
    std::shared_ptr<uint8_t> arena;   // plan.memory.arena_bytes, allocated once
    std::vector<ir::Tensor> slots;
    std::vector<ir::Tensor> inputs;   // bound by set_input, Parameter order
    std::vector<ir::Tensor> outputs;  // of the last infer(), Result order
    std::vector<StepTime> times;      // per plan step, of the last infer()
    bool has_run = false;
    std::unique_ptr<engine::ThreadPool> pool;  // the request's threads (plan.threads)

    std::thread async_thread;               // the run start_async() began, until wait() joins it
    std::atomic<bool> busy{false};          // an asynchronous run is in flight
    std::exception_ptr async_error;         // what it threw, for wait()
    std::function<void(std::exception_ptr)> callback;

    ~State() {
        if (async_thread.joinable()) async_thread.join();
    }
};

namespace engine {
// Builds the counter table from a plan and the per-step times (counters.cpp).
std::vector<PerfCounter> make_perf_counters(const Plan& plan, const std::vector<StepTime>& times);
}  // namespace engine

}  // namespace octet
