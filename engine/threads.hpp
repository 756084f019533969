#pragma once
// The one parallel_for of the engine. Kernels say how their work splits
// (kernels/kernel.hpp: work_units() independent blocks); the pool gives each
// thread a contiguous share of the blocks (split_range), and a thread that has
// finished its share takes the blocks not yet started from the others' shares.
// Any split gives the same bits, so which thread runs a block never shows.
//
// Why shares can be taken over: a share that waits for its thread (woken late,
// or preempted by another process on a loaded machine) would hold up the whole
// step, and blocks of unequal cost (a narrower last channel block, a shorter
// last row) leave one thread idle at the end. The caller waits for the blocks,
// not for the workers: a worker that arrives after all blocks are done has
// nothing left to do and leaves.
//
// Why the workers spin before they sleep: a batch-1 model is ~100 steps of tens
// of microseconds each, and waking a sleeping thread through a futex costs about
// as much as a small step (MobileNetV2 int8 ran slower on 2 threads than on 1 with
// sleep-only waits). After each job a worker, and the caller waiting for the
// workers, poll for up to OCTET_SPIN_US microseconds (default 50; 0 = sleep at
// once, as OpenMP's OMP_WAIT_POLICY=passive) before blocking on the condition
// variable, so consecutive steps hand over without a system call.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace octet::engine {

// Load-independent parallelism analysis (engine/parallel_profile.hpp): while a
// recorder is installed on the calling thread, every parallel_for of that
// thread hands its loop to the recorder, which runs each unit alone on the
// calling thread and times it with the thread's CPU clock; nothing runs on the
// workers. Any split gives the same bits, so the results are unchanged.
class UnitRecorder {
public:
    virtual ~UnitRecorder() = default;
    // Runs fn over [0, n) (one unit per call) in place of the pool.
    virtual void loop(int64_t n, const std::function<void(int64_t, int64_t)>& fn) = 0;
    // One plan step ended (InferRequest::run_plan): the loops since the last
    // call belong to it; cpu_ms is its thread CPU time, recording included.
    virtual void step(const std::string& name, const std::string& op, const std::string& exec_type, double cpu_ms) = 0;
};
UnitRecorder* unit_recorder();            // the calling thread's, or null
void set_unit_recorder(UnitRecorder* r);  // null removes it

// A fresh id for one parallel loop (kernels::MatmulArgs::job): never 0, never reused.
uint64_t new_loop_id();

class ThreadPool {
public:
    // threads <= 0: one per hardware thread. The calling thread is one of them.
    explicit ThreadPool(int threads);
    ~ThreadPool();
    ThreadPool(const ThreadPool&) = delete;
    ThreadPool& operator=(const ThreadPool&) = delete;

    int size() const { return int(workers_.size()) + 1; }

    // Calls fn(begin, end) over disjoint ranges that cover [0, n) once, on up
    // to size() threads (min(n, size()) shares, see claim_size), and returns
    // when all are done. The first exception thrown by fn is rethrown here.
    // Not reentrant: one parallel_for at a time per pool (each InferRequest
    // owns its pool).
    void parallel_for(int64_t n, const std::function<void(int64_t, int64_t)>& fn);

private:
    void worker(int index);
    // Runs blocks of the open job: share `first` first, then what is left of
    // the others' shares, in order.
    void run_shares(int first);

    // Polls `ready` for up to spin_us_; true when it became true.
    template <class Ready> bool spin(const Ready& ready) const;

    // One thread's share of the job: blocks [next, end) not yet claimed.
    struct alignas(64) Share {
        std::atomic<int64_t> next{0};
        int64_t end = 0;
    };

    std::vector<std::thread> workers_;
    std::unique_ptr<Share[]> shares_;  // size() of them: the job's first parts_ are in use
    std::mutex mu_;
    std::condition_variable start_cv_, done_cv_;
    // The job: written by the caller while no worker is inside it (active_ is
    // 0), published by open_ (seq_cst), read by workers that entered (active_)
    // and saw open_.
    const std::function<void(int64_t, int64_t)>* job_ = nullptr;
    int64_t n_ = 0;
    int parts_ = 0;
    std::atomic<bool> open_{false};
    std::atomic<int> active_{0};            // workers inside run_shares (or about to check open_)
    std::atomic<int64_t> done_units_{0};    // blocks finished in this job
    std::atomic<uint64_t> generation_{0};   // bumped per job: wakes the workers
    std::atomic<bool> stop_{false};
    // Threads blocked (or about to block) on a condition variable: a notify is
    // needed only then (seq_cst with generation_ / done_units_: no lost wake-up).
    std::atomic<int> sleeping_workers_{0};
    std::atomic<bool> caller_sleeping_{false};
    int spin_us_ = 50;
    std::exception_ptr error_;  // under mu_
};

// Range [begin, end) of part `i` of `parts` over n units (balanced, contiguous).
inline void split_range(int64_t n, int parts, int i, int64_t& begin, int64_t& end) {
    const int64_t base = n / parts, rem = n % parts;
    begin = i * base + (i < rem ? i : rem);
    end = begin + base + (i < rem ? 1 : 0);
}

// Blocks claimed at once from a share that has `remaining` left: half of them
// (guided scheduling). A thread's first claim takes half its share in one call,
// so kernels that set something up per call (a matmul packs each run-time B
// block a call meets) do it a few times per share, not per block; the claims
// shrink to one block at the end, where a thread done early takes over.
inline int64_t claim_size(int64_t remaining) { return remaining > 2 ? remaining / 2 : 1; }

}  // namespace octet::engine
