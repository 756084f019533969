#pragma once
// What one InferRequest owns: its activation arena and slot views, its bound
// inputs, the outputs of its last run, the per-step timings and the thread of
// an asynchronous run.
#include <atomic>
#include <exception>
#include <functional>
#include <memory>
#include <thread>
#include <utility>
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
    // perf_counters(): the table, built at its first call (the names of every
    // fused node: ~1000 strings on MobileNetV2, 0.1-0.2 ms), then only its times
    // refreshed, so that a caller reading it after each run (jitbench's average)
    // adds no gap in which the pool's workers stop spinning and fall asleep.
    std::vector<PerfCounter> counters;
    std::vector<std::pair<size_t, size_t>> counter_steps;  // (row, plan step) of the executed rows
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
// The counter table of a plan with zero times, and its executed rows with their
// plan steps (counters.cpp).
void build_counter_table(const Plan& plan, std::vector<PerfCounter>& table,
                         std::vector<std::pair<size_t, size_t>>& timed);
}  // namespace engine

}  // namespace octet
