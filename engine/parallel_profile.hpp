#pragma once
// Load-independent analysis of how a compiled model's steps split over threads.
//
// Why: on a shared machine, 2-thread wall times say more about the neighbours
// than about octet. Thread CPU time of one unit run alone on one thread barely
// depends on load, and the pool's split is a pure function of (units, threads)
// (threads.hpp: split_range, claim_size), so the critical path of every step at T threads
// can be computed from single-threaded measurements: each parallel_for costs
// its slowest part plus one hand-over, the rest of the step (reorders run
// inline, reference ops, argument set-up) is serial.
//
// What it cannot see: memory-bandwidth or L3 contention between the threads,
// and a neighbour stealing a core; the real 2-thread figure is at best this one.
#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "octet/infer_request.hpp"

namespace octet::engine {

struct LoopProfile {
    std::vector<double> unit_ms;  // each unit alone on one thread: thread CPU time, min over the runs
};

struct StepProfile {
    std::string name, op, exec_type;
    double serial_ms = 0;  // the step's CPU time outside its parallel_for loops
    std::vector<LoopProfile> loops;
};

struct ParallelProfile {
    std::vector<StepProfile> steps;
    double between_steps_ms = 0;  // run_plan's own work around the steps (serial)
    int runs = 0;
};

// Runs request.infer() `runs` times (inputs must be bound) with a recorder
// installed: every loop runs unit by unit on the calling thread, whatever the
// request's thread count. Per unit and per step the minimum over the runs is kept.
ParallelProfile profile_parallelism(InferRequest& request, int runs);

// The critical path of a loop on `threads` threads under the pool's schedule
// (shares from split_range, claimed claim_size blocks at a time, taken over
// when a thread is done with its own): the last thread to finish, the workers
// starting dispatch_ms after the caller (a worker that arrives when all is
// claimed adds nothing: the caller has run the loop alone).
double predict_loop_ms(const LoopProfile& loop, int threads, double dispatch_ms);
double predict_step_ms(const StepProfile& step, int threads, double dispatch_ms);
double predict_model_ms(const ParallelProfile& profile, int threads, double dispatch_ms);

// Where the time goes at `threads` threads, against a perfect 1/threads:
// serial work, imbalance (last thread's finish above the average, all workers
// starting at once; a 1-unit loop is all imbalance) and the workers' late start.
struct ParallelLoss {
    double serial_ms = 0, imbalance_ms = 0, dispatch_ms = 0;
    double total() const { return serial_ms + imbalance_ms + dispatch_ms; }
};
ParallelLoss step_loss(const StepProfile& step, int threads, double dispatch_ms);

// The report jitbench -parallel_profile prints: model totals, loss by exec
// type, and the `top` steps that lose the most (all steps when top == 0).
void print_parallel_profile(std::ostream& os, const ParallelProfile& profile, int threads, double dispatch_ms,
                            size_t top);

// How long after parallel_for is called a worker starts a block (median of
// many, the workers spinning between calls): the hand-over that
// predict_loop_ms takes. Load-dependent: measure when the machine is idle.
double measure_dispatch_ms(int threads);

}  // namespace octet::engine
