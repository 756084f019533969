#pragma once
// jitbench's command line, in OpenVINO benchmark_app's style (-flag value).
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace octet::tools {

// A bad flag or flag value: jitbench prints it and exits with code 2.
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct Args {
    std::string model = "zoo:resnet50-int8";
    std::optional<long> niter;       // exactly this many iterations when set
    double time_s = 5.0;             // otherwise run this long
    int nthreads = 0;                // 0 = all cores, split between the streams
    int nstreams = 1;                // requests in flight with -api async
    long memory_limit_mb = 0;        // CompileOptions::memory_limit_bytes in MiB; 0 = none
    bool async = false;              // -api async
    std::string report_type;         // "", "average_counters" or "detailed_counters"
    std::string report_folder = "."; // where -report_type writes its CSV and JSON
    std::string dump_kernels;        // directory for every generated kernel (+ listing)
    std::string json_stats;          // file for the JSON summary
    std::string inputs;              // -i: "file" or "name:file,name2:file2"
    std::string outputs;             // -o: same syntax
    bool perf_counts = true;         // the per-layer table (printed by default in v0)
    // Per-step CPU time in the counters (CompileOptions::cpu_time_counters): a
    // system call per step, so only when asked for (-pc, -report_type).
    bool cpu_time = false;
    bool compare_fp32 = false;
    bool dump_graph = false;         // print the graph compile() runs (after the LPT)
    int parallel_profile = 0;        // > 1: predict the critical path at this many threads (engine/parallel_profile.hpp)
    int pp_runs = 5;                 // profiled inferences (min per unit)
    long pp_top = 20;                // steps listed (0 = all)
    double dispatch_us = -1;         // hand-over per multi-thread loop; < 0 = measured at start
    bool help = false;
};

// The integer `v` given to `flag`, in [lo, hi]; UsageError naming the flag otherwise
// (model mode and the single-layer modes read their numbers the same way).
long parse_int(const std::string& flag, const std::string& v, long lo, long hi);

// Throws UsageError naming the flag and what is wrong.
Args parse_args(const std::vector<std::string>& argv);
std::string help_text();

}  // namespace octet::tools
