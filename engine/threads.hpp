#pragma once
// The one parallel_for of the engine. Kernels say how their work splits
// (kernels/kernel.hpp: work_units() independent blocks); the pool hands
// contiguous ranges of blocks to its threads. The split depends only on the
// unit count and the thread count, and any split gives the same bits.
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
#include <mutex>
#include <thread>
#include <vector>

namespace octet::engine {

class ThreadPool {
public:
    // threads <= 0: one per hardware thread. The calling thread is one of them.
    explicit ThreadPool(int threads);
    ~ThreadPool();
    ThreadPool(const ThreadPool&) = delete;
    ThreadPool& operator=(const ThreadPool&) = delete;

    int size() const { return int(workers_.size()) + 1; }

    // Calls fn(begin, end) over a partition of [0, n) into at most size()
    // contiguous ranges, one per thread, and returns when all are done. The
    // first exception thrown by fn is rethrown here. Not reentrant: one
    // parallel_for at a time per pool (each InferRequest owns its pool).
    void parallel_for(int64_t n, const std::function<void(int64_t, int64_t)>& fn);

private:
    void worker(int index);

    // Polls `ready` for up to spin_us_; true when it became true.
    template <class Ready> bool spin(const Ready& ready) const;

    std::vector<std::thread> workers_;
    std::mutex mu_;
    std::condition_variable start_cv_, done_cv_;
    // The job: written by the caller before generation_ is bumped (release),
    // read by the workers after they see the new generation (acquire).
    const std::function<void(int64_t, int64_t)>* job_ = nullptr;
    int64_t n_ = 0;
    int parts_ = 0;
    std::atomic<uint64_t> generation_{0};
    std::atomic<int> pending_{0};
    std::atomic<bool> stop_{false};
    // Threads blocked (or about to block) on a condition variable: a notify is
    // needed only then (seq_cst with generation_ / pending_: no lost wake-up).
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

}  // namespace octet::engine
