#pragma once
// benchmark_app's progress bar: drawn on stderr, only when stderr is a
// terminal and the run has lasted (or is set to last) more than 3 seconds,
// so short runs and logs stay clean.
#include <chrono>
#include <cstdio>

namespace octet::tools {

class ProgressBar {
public:
    // `expected_s` > 0 when the run length is known up front (-t).
    explicit ProgressBar(double expected_s, std::FILE* out = stderr);
    ~ProgressBar();
    ProgressBar(const ProgressBar&) = delete;
    ProgressBar& operator=(const ProgressBar&) = delete;

    // fraction done in [0, 1]; redraws at most ten times a second.
    void update(double fraction);
    // Ends the line if a bar was drawn.
    void finish();

private:
    using clock = std::chrono::steady_clock;
    std::FILE* out_;
    bool enabled_;
    double expected_s_;
    clock::time_point start_, last_draw_;
    bool drawn_ = false;
};

}  // namespace octet::tools
