#include "engine/threads.hpp"

#include <immintrin.h>

#include <chrono>
#include <cstdlib>

namespace octet::engine {

namespace {

int spin_us_from_env() {
    const char* v = std::getenv("OCTET_SPIN_US");
    if (!v || !*v) return 50;
    const long us = std::strtol(v, nullptr, 10);
    return us < 0 ? 0 : us > 100000 ? 100000 : int(us);
}

}  // namespace

ThreadPool::ThreadPool(int threads) : spin_us_(spin_us_from_env()) {
    if (threads <= 0) threads = int(std::thread::hardware_concurrency());
    if (threads <= 0) threads = 1;
    for (int i = 1; i < threads; ++i) workers_.emplace_back([this, i] { worker(i); });
}

ThreadPool::~ThreadPool() {
    stop_.store(true);
    {
        std::lock_guard<std::mutex> lock(mu_);
    }
    start_cv_.notify_all();
    for (std::thread& t : workers_) t.join();
}

template <class Ready>
bool ThreadPool::spin(const Ready& ready) const {
    if (ready()) return true;
    if (spin_us_ == 0) return false;
    const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(spin_us_);
    for (;;) {
        for (int i = 0; i < 64; ++i) {
            _mm_pause();
            if (ready()) return true;
        }
        if (std::chrono::steady_clock::now() >= until) return ready();
    }
}

void ThreadPool::worker(int index) {
    uint64_t seen = 0;
    const auto has_job = [&] { return stop_.load() || generation_.load() != seen; };
    for (;;) {
        if (!spin(has_job)) {
            std::unique_lock<std::mutex> lock(mu_);
            sleeping_workers_.fetch_add(1);
            start_cv_.wait(lock, has_job);
            sleeping_workers_.fetch_sub(1);
        }
        if (stop_.load()) return;
        seen = generation_.load(std::memory_order_acquire);
        const std::function<void(int64_t, int64_t)>* job = job_;
        const int64_t n = n_;
        const int parts = parts_;
        if (index < parts) {
            int64_t b, e;
            split_range(n, parts, index, b, e);
            try {
                (*job)(b, e);
            } catch (...) {
                std::lock_guard<std::mutex> lock(mu_);
                if (!error_) error_ = std::current_exception();
            }
        }
        if (pending_.fetch_sub(1) == 1 && caller_sleeping_.load()) {
            std::lock_guard<std::mutex> lock(mu_);
            done_cv_.notify_one();
        }
    }
}

void ThreadPool::parallel_for(int64_t n, const std::function<void(int64_t, int64_t)>& fn) {
    if (n <= 0) return;
    const int parts = int(std::min<int64_t>(n, size()));
    if (parts == 1 || workers_.empty()) {
        fn(0, n);
        return;
    }
    job_ = &fn;
    n_ = n;
    parts_ = parts;
    error_ = nullptr;  // no worker is running a job: the last parallel_for waited for all
    pending_.store(int(workers_.size()));
    generation_.fetch_add(1, std::memory_order_seq_cst);
    if (sleeping_workers_.load() > 0) {
        std::lock_guard<std::mutex> lock(mu_);
        start_cv_.notify_all();
    }
    std::exception_ptr mine;
    int64_t b, e;
    split_range(n, parts, 0, b, e);
    try {
        fn(b, e);
    } catch (...) {
        mine = std::current_exception();
    }
    const auto all_done = [&] { return pending_.load() == 0; };
    if (!spin(all_done)) {
        std::unique_lock<std::mutex> lock(mu_);
        caller_sleeping_.store(true);
        done_cv_.wait(lock, all_done);
        caller_sleeping_.store(false);
    }
    std::lock_guard<std::mutex> lock(mu_);
    job_ = nullptr;
    if (mine) std::rethrow_exception(mine);
    if (error_) std::rethrow_exception(error_);
}

}  // namespace octet::engine
