#pragma once
// One row of the per-layer performance-counter table (OpenVINO's
// ov::ProfilingInfo / benchmark_app's report): every node of the compiled
// graph, in execution order, executed or not.
#include <string>

namespace octet {

struct PerfCounter {
    std::string layer_name;   // the node's name in the model
    std::string exec_status;  // "EXECUTED", or "NOT_RUN" (Parameter, Constant, Result, fused nodes)
    std::string layer_type;   // the original op ("Convolution", "FakeQuantize", ...)
    std::string exec_type;    // the kernel that ran ("ref_FP32", "ref_I8", "jit_avx2_1x1_I8"), "undef" if none
    double real_time_ms = 0;  // wall clock (steady_clock) of the last infer()
    double cpu_time_ms = 0;   // CPU time of the calling thread (CLOCK_THREAD_CPUTIME_ID)
};

}  // namespace octet
