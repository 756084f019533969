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

thread_local UnitRecorder* t_recorder = nullptr;

}  // namespace

uint64_t new_loop_id() {
    static std::atomic<uint64_t> last{0};
    return last.fetch_add(1, std::memory_order_relaxed) + 1;
}

UnitRecorder* unit_recorder() { return t_recorder; }
void set_unit_recorder(UnitRecorder* r) { t_recorder = r; }

ThreadPool::ThreadPool(int threads) : spin_us_(spin_us_from_env()) {
    if (threads <= 0) threads = int(std::thread::hardware_concurrency());
    if (threads <= 0) threads = 1;
    shares_ = std::make_unique<Share[]>(size_t(threads));
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

void ThreadPool::run_shares(int first) {
    const std::function<void(int64_t, int64_t)>& fn = *job_;
    const int parts = parts_;
    const int64_t n = n_;
    for (int k = 0; k < parts; ++k) {
        Share& s = shares_[size_t((first + k) % parts)];
        int64_t b = s.next.load();
        for (;;) {
            if (b >= s.end) break;
            const int64_t e = b + claim_size(s.end - b);
            if (!s.next.compare_exchange_weak(b, e)) continue;  // b reloaded
            try {
                fn(b, e);
            } catch (...) {
                std::lock_guard<std::mutex> lock(mu_);
                if (!error_) error_ = std::current_exception();
            }
            if (done_units_.fetch_add(e - b) + (e - b) == n && caller_sleeping_.load()) {
                std::lock_guard<std::mutex> lock(mu_);
                done_cv_.notify_one();
            }
            b = s.next.load();
        }
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
        seen = generation_.load();
        // Enter, then look: the caller closes the job before it waits for
        // active_ to drop to 0, so a worker that sees it open is waited for.
        active_.fetch_add(1);
        if (open_.load()) run_shares(index % parts_);
        active_.fetch_sub(1);
    }
}

void ThreadPool::parallel_for(int64_t n, const std::function<void(int64_t, int64_t)>& fn) {
    if (n <= 0) return;
    if (t_recorder) {
        t_recorder->loop(n, fn);
        return;
    }
    const int parts = int(std::min<int64_t>(n, size()));
    if (parts == 1 || workers_.empty()) {
        fn(0, n);
        return;
    }
    // No worker is inside a job (the last parallel_for waited for active_ == 0).
    job_ = &fn;
    n_ = n;
    parts_ = parts;
    error_ = nullptr;
    for (int i = 0; i < parts; ++i) {
        int64_t b, e;
        split_range(n, parts, i, b, e);
        shares_[size_t(i)].end = e;
        shares_[size_t(i)].next.store(b, std::memory_order_relaxed);
    }
    done_units_.store(0, std::memory_order_relaxed);
    open_.store(true);
    generation_.fetch_add(1);
    if (sleeping_workers_.load() > 0) {
        std::lock_guard<std::mutex> lock(mu_);
        start_cv_.notify_all();
    }
    run_shares(0);
    const auto all_done = [&] { return done_units_.load() == n; };
    if (!spin(all_done)) {
        std::unique_lock<std::mutex> lock(mu_);
        caller_sleeping_.store(true);
        done_cv_.wait(lock, all_done);
        caller_sleeping_.store(false);
    }
    // Every block is done; a worker may still be between its last claim and
    // leaving (or just entering): close the job and wait for it to leave, so
    // that the next job's set-up races with nobody.
    open_.store(false);
    for (int i = 0; active_.load() != 0; ++i) {
        if (i < 4096) _mm_pause();
        else std::this_thread::yield();
    }
    std::lock_guard<std::mutex> lock(mu_);
    job_ = nullptr;
    if (error_) std::rethrow_exception(error_);
}

}  // namespace octet::engine
