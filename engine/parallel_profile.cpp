#include "engine/parallel_profile.hpp"

#include <immintrin.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <ostream>

#include "engine/threads.hpp"
#include "ir/error.hpp"

namespace octet::engine {

namespace {

double thread_cpu_ms() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) * 1e-6;
}

// What two back-to-back clock reads cost: subtracted from every unit (a small
// unit would otherwise carry the clock's system call).
double clock_cost_ms() {
    double best = 1e9;
    for (int i = 0; i < 200; ++i) {
        const double a = thread_cpu_ms();
        const double b = thread_cpu_ms();
        best = std::min(best, b - a);
    }
    return best;
}

class Recorder final : public UnitRecorder {
public:
    explicit Recorder(double clock_ms) : clock_ms_(clock_ms) {}

    void loop(int64_t n, const std::function<void(int64_t, int64_t)>& fn) override {
        const double l0 = thread_cpu_ms();
        LoopProfile lp;
        lp.unit_ms.resize(size_t(n));
        for (int64_t u = 0; u < n; ++u) {
            const double t0 = thread_cpu_ms();
            fn(u, u + 1);
            const double t1 = thread_cpu_ms();
            lp.unit_ms[size_t(u)] = std::max(0.0, t1 - t0 - clock_ms_);
        }
        loops_.push_back(std::move(lp));
        in_loops_ms_ += thread_cpu_ms() - l0;
    }

    void step(const std::string& name, const std::string& op, const std::string& exec_type, double cpu_ms) override {
        const double r0 = thread_cpu_ms();
        StepProfile s;
        s.name = name;
        s.op = op;
        s.exec_type = exec_type;
        s.serial_ms = std::max(0.0, cpu_ms - in_loops_ms_);
        steps_cpu_ms += cpu_ms;
        s.loops = std::move(loops_);
        loops_.clear();
        in_loops_ms_ = 0;
        steps.push_back(std::move(s));
        self_ms += thread_cpu_ms() - r0 + clock_ms_;
    }

    std::vector<StepProfile> steps;
    double self_ms = 0;       // step()'s own bookkeeping: not run_plan's time
    double steps_cpu_ms = 0;  // the steps' CPU times as run_plan measured them (recording included)

private:
    double clock_ms_;
    std::vector<LoopProfile> loops_;
    double in_loops_ms_ = 0;
};

// Keeps the smaller of two runs' times, unit by unit (the plans are the same,
// so the loops line up; a mismatch means the plan is not deterministic).
void keep_min(ParallelProfile& into, const std::vector<StepProfile>& run) {
    if (run.size() != into.steps.size()) throw Error("parallel profile: the runs executed different step counts");
    for (size_t s = 0; s < run.size(); ++s) {
        StepProfile& a = into.steps[s];
        const StepProfile& b = run[s];
        if (a.loops.size() != b.loops.size()) throw Error("parallel profile: step '" + a.name + "' changed its loops");
        a.serial_ms = std::min(a.serial_ms, b.serial_ms);
        for (size_t l = 0; l < a.loops.size(); ++l) {
            std::vector<double>& x = a.loops[l].unit_ms;
            const std::vector<double>& y = b.loops[l].unit_ms;
            if (x.size() != y.size()) throw Error("parallel profile: step '" + a.name + "' changed its unit count");
            for (size_t u = 0; u < x.size(); ++u) x[u] = std::min(x[u], y[u]);
        }
    }
}

double sum(const std::vector<double>& v) {
    double s = 0;
    for (double x : v) s += x;
    return s;
}

std::string fixed(double v, int digits) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", digits, v);
    return buf;
}

std::string units_text(const StepProfile& s) {
    if (s.loops.empty()) return "-";
    std::string t;
    for (size_t l = 0; l < s.loops.size(); ++l) t += (l ? "+" : "") + std::to_string(s.loops[l].unit_ms.size());
    return t;
}

}  // namespace

ParallelProfile profile_parallelism(InferRequest& request, int runs) {
    if (runs < 1) throw ArgumentError("parallel profile: runs must be >= 1");
    if (unit_recorder()) throw ArgumentError("parallel profile: a profile is already being taken on this thread");
    const double clock_ms = clock_cost_ms();
    ParallelProfile profile;
    double between = 1e300;
    for (int r = 0; r < runs; ++r) {
        Recorder rec(clock_ms);
        set_unit_recorder(&rec);
        const double c0 = thread_cpu_ms();
        try {
            request.infer();
        } catch (...) {
            set_unit_recorder(nullptr);
            throw;
        }
        const double total = thread_cpu_ms() - c0;
        set_unit_recorder(nullptr);
        // run_plan's own time around the steps: the infer() total less the
        // steps (run_plan's step times tile the run) and the recorder's calls.
        between = std::min(between, total - rec.steps_cpu_ms - rec.self_ms);
        if (r == 0) profile.steps = std::move(rec.steps);
        else keep_min(profile, rec.steps);
    }
    profile.between_steps_ms = std::max(0.0, between);
    profile.runs = runs;
    return profile;
}

double predict_loop_ms(const LoopProfile& loop, int threads, double dispatch_ms) {
    const int64_t n = int64_t(loop.unit_ms.size());
    if (n == 0) return 0;
    threads = std::max(1, threads);
    const int parts = int(std::min<int64_t>(n, threads));
    if (parts == 1) return sum(loop.unit_ms);
    // The pool's schedule (threads.cpp): thread i starts on share i % parts,
    // claims claim_size() blocks at a time (half of what is left), and when its share is empty
    // takes blocks from the next shares. Claims happen in time order, so the
    // thread that is free first claims next.
    struct Share {
        int64_t next, end;
    };
    std::vector<Share> shares(static_cast<size_t>(parts));
    for (int i = 0; i < parts; ++i) {
        int64_t b, e;
        split_range(n, parts, i, b, e);
        shares[size_t(i)] = {b, e};
    }
    // The workers join dispatch_ms after the caller (their wake-up); a worker
    // that arrives when everything is claimed adds nothing.
    std::vector<double> clock(static_cast<size_t>(threads), dispatch_ms);
    clock[0] = 0;
    std::vector<int> cursor(static_cast<size_t>(threads), 0);  // shares looked at so far
    std::vector<bool> idle(static_cast<size_t>(threads), false);
    for (;;) {
        int t = -1;
        for (int i = 0; i < threads; ++i)
            if (!idle[size_t(i)] && (t < 0 || clock[size_t(i)] < clock[size_t(t)])) t = i;
        if (t < 0) break;
        bool claimed = false;
        while (cursor[size_t(t)] < parts) {
            Share& s = shares[size_t((t % parts + cursor[size_t(t)]) % parts)];
            if (s.next < s.end) {
                const int64_t b = s.next, e = b + claim_size(s.end - b);
                s.next = e;
                for (int64_t u = b; u < e; ++u) clock[size_t(t)] += loop.unit_ms[size_t(u)];
                claimed = true;
                break;
            }
            ++cursor[size_t(t)];
        }
        if (!claimed) idle[size_t(t)] = true;
    }
    double end = 0;
    for (int i = 0; i < threads; ++i)
        if (i == 0 || clock[size_t(i)] > dispatch_ms) end = std::max(end, clock[size_t(i)]);  // idle latecomers: no work
    return end;
}

double predict_step_ms(const StepProfile& step, int threads, double dispatch_ms) {
    double t = step.serial_ms;
    for (const LoopProfile& l : step.loops) t += predict_loop_ms(l, threads, dispatch_ms);
    return t;
}

double predict_model_ms(const ParallelProfile& profile, int threads, double dispatch_ms) {
    double t = profile.between_steps_ms;
    for (const StepProfile& s : profile.steps) t += predict_step_ms(s, threads, dispatch_ms);
    return t;
}

ParallelLoss step_loss(const StepProfile& step, int threads, double dispatch_ms) {
    ParallelLoss loss;
    const double T = double(std::max(1, threads));
    loss.serial_ms = step.serial_ms * (1 - 1 / T);
    for (const LoopProfile& l : step.loops) {
        const double work = sum(l.unit_ms);
        const double t = predict_loop_ms(l, threads, 0);
        loss.imbalance_ms += t - work / T;
        loss.dispatch_ms += predict_loop_ms(l, threads, dispatch_ms) - t;
    }
    return loss;
}

void print_parallel_profile(std::ostream& os, const ParallelProfile& p, int threads, double dispatch_ms, size_t top) {
    const double t1 = predict_model_ms(p, 1, 0), tt = predict_model_ms(p, threads, dispatch_ms);
    const double T = double(threads);
    ParallelLoss all;
    all.serial_ms = p.between_steps_ms * (1 - 1 / T);
    std::map<std::string, std::pair<double, ParallelLoss>> by_type;  // exec type -> (1-thread ms, loss)
    struct Row {
        size_t index;
        double t1, tt;
        ParallelLoss loss;
    };
    std::vector<Row> rows;
    for (size_t i = 0; i < p.steps.size(); ++i) {
        const StepProfile& s = p.steps[i];
        const ParallelLoss l = step_loss(s, threads, dispatch_ms);
        all.serial_ms += l.serial_ms;
        all.imbalance_ms += l.imbalance_ms;
        all.dispatch_ms += l.dispatch_ms;
        auto& bt = by_type[s.exec_type.empty() ? s.op : s.exec_type];
        bt.first += predict_step_ms(s, 1, 0);
        bt.second.serial_ms += l.serial_ms;
        bt.second.imbalance_ms += l.imbalance_ms;
        bt.second.dispatch_ms += l.dispatch_ms;
        rows.push_back({i, predict_step_ms(s, 1, 0), predict_step_ms(s, threads, dispatch_ms), l});
    }
    os << "Parallel profile (" << p.steps.size() << " steps; every unit timed alone on one thread, thread CPU time, "
       << "min of " << p.runs << " runs; " << fixed(dispatch_ms * 1e3, 2) << " us per multi-thread loop):\n"
       << "  predicted 1 thread:  " << fixed(t1, 3) << " ms\n"
       << "  predicted " << threads << " threads: " << fixed(tt, 3) << " ms  = " << fixed(t1 / tt, 2) << "x (ideal "
       << fixed(t1 / T, 3) << " ms)\n"
       << "  lost against ideal:  " << fixed(all.total(), 3) << " ms: serial " << fixed(all.serial_ms, 3)
       << " (between steps " << fixed(p.between_steps_ms, 3) << " at 1 thread), imbalance "
       << fixed(all.imbalance_ms, 3) << ", hand-over " << fixed(all.dispatch_ms, 3) << "\n";
    std::vector<std::pair<std::string, std::pair<double, ParallelLoss>>> types(by_type.begin(), by_type.end());
    std::sort(types.begin(), types.end(),
              [](const auto& a, const auto& b) { return a.second.second.total() > b.second.second.total(); });
    os << "Loss by exec type (ms at " << threads << " threads):\n";
    char line[512];
    std::snprintf(line, sizeof line, "  %-28s %9s %9s %9s %9s %9s\n", "execType", "1T ms", "lost", "serial",
                  "imbal", "handover");
    os << line;
    for (const auto& [type, v] : types) {
        std::snprintf(line, sizeof line, "  %-28s %9.3f %9.3f %9.3f %9.3f %9.3f\n", type.c_str(), v.first,
                      v.second.total(), v.second.serial_ms, v.second.imbalance_ms, v.second.dispatch_ms);
        os << line;
    }
    std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.loss.total() > b.loss.total(); });
    if (top == 0 || top > rows.size()) top = rows.size();
    os << "Steps that lose the most at " << threads << " threads (units: per parallel loop of the step):\n";
    std::snprintf(line, sizeof line, "  %4s %-40s %-26s %12s %8s %8s %6s %8s %8s %8s %8s\n", "step", "layerName",
                  "execType", "units", "1T ms", "pred ms", "x", "lost", "serial", "imbal", "handover");
    os << line;
    for (size_t k = 0; k < top; ++k) {
        const Row& r = rows[k];
        const StepProfile& s = p.steps[r.index];
        std::string name = s.name.size() > 40 ? s.name.substr(0, 37) + "..." : s.name;
        const std::string type = s.exec_type.empty() ? s.op : s.exec_type;
        std::snprintf(line, sizeof line, "  %4zu %-40s %-26s %12s %8.4f %8.4f %6.2f %8.4f %8.4f %8.4f %8.4f\n", r.index,
                      name.c_str(), type.c_str(), units_text(s).c_str(), r.t1, r.tt, r.tt > 0 ? r.t1 / r.tt : 0.0,
                      r.loss.total(), r.loss.serial_ms, r.loss.imbalance_ms, r.loss.dispatch_ms);
        os << line;
    }
}

double measure_dispatch_ms(int threads) {
    if (threads < 2) return 0;
    ThreadPool pool(threads);
    std::vector<double> t;
    std::chrono::steady_clock::time_point t0, joined;
    std::atomic<bool> started{false};
    // Two blocks: the caller's waits (bounded) until a worker has taken the
    // other one; the time from the call to that moment is the hand-over.
    const std::function<void(int64_t, int64_t)> job = [&](int64_t b, int64_t e) {
        for (int64_t u = b; u < e; ++u) {
            if (u == 1) {
                joined = std::chrono::steady_clock::now();
                started = true;
            } else {
                const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(20);
                while (!started.load() && std::chrono::steady_clock::now() < until) _mm_pause();
            }
        }
    };
    for (int i = 0; i < 2200; ++i) {
        started = false;
        t0 = std::chrono::steady_clock::now();
        pool.parallel_for(2, job);
        if (i >= 200) t.push_back(std::chrono::duration<double, std::milli>(joined - t0).count());
    }
    std::nth_element(t.begin(), t.begin() + t.size() / 2, t.end());
    return std::max(0.0, t[t.size() / 2]);
}

}  // namespace octet::engine
