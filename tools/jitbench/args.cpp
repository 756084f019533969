#include "args.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace octet::tools {

namespace {

constexpr long kMaxIterations = 1000000000L;
constexpr double kMaxSeconds = 1e6;
constexpr int kMaxThreads = 4096;
constexpr int kMaxStreams = 256;

const std::string& non_empty(const std::string& flag, const std::string& v) {
    if (v.empty()) throw UsageError(flag + " needs a non-empty value");
    return v;
}

double parse_seconds(const std::string& flag, const std::string& v) {
    char* end = nullptr;
    const double x = std::strtod(v.c_str(), &end);
    if (v.empty() || *end != '\0' || !std::isfinite(x) || x <= 0 || x > kMaxSeconds)
        throw UsageError(flag + " expects a number of seconds > 0, got '" + v + "'");
    return x;
}

double parse_microseconds(const std::string& flag, const std::string& v) {
    char* end = nullptr;
    const double x = std::strtod(v.c_str(), &end);
    if (v.empty() || *end != '\0' || !std::isfinite(x) || x < 0 || x > 1e6)
        throw UsageError(flag + " expects a number of microseconds >= 0, got '" + v + "'");
    return x;
}

}  // namespace

long parse_int(const std::string& flag, const std::string& v, long lo, long hi) {
    errno = 0;
    char* end = nullptr;
    const long x = std::strtol(v.c_str(), &end, 10);
    if (v.empty() || *end != '\0' || errno == ERANGE || x < lo || x > hi)
        throw UsageError(flag + " expects an integer from " + std::to_string(lo) + " to " + std::to_string(hi) +
                         ", got '" + v + "'");
    return x;
}

Args parse_args(const std::vector<std::string>& argv) {
    Args a;
    for (size_t i = 0; i < argv.size(); ++i) {
        const std::string& flag = argv[i];
        auto value = [&]() -> const std::string& {
            if (i + 1 >= argv.size()) throw UsageError(flag + " needs a value (see -h)");
            return argv[++i];
        };
        if (flag == "-h" || flag == "-help" || flag == "--help") a.help = true;
        else if (flag == "-m") a.model = value();
        else if (flag == "-niter") a.niter = parse_int(flag, value(), 1, kMaxIterations);
        else if (flag == "-t") a.time_s = parse_seconds(flag, value());
        else if (flag == "-nthreads") a.nthreads = int(parse_int(flag, value(), 0, kMaxThreads));
        else if (flag == "-nstreams") a.nstreams = int(parse_int(flag, value(), 1, kMaxStreams));
        else if (flag == "-memory_limit_mb") a.memory_limit_mb = parse_int(flag, value(), 0, long(1) << 30);
        else if (flag == "-api") {
            const std::string& v = value();
            if (v != "sync" && v != "async") throw UsageError("-api expects sync or async, got '" + v + "'");
            a.async = v == "async";
        } else if (flag == "-report_type") {
            a.report_type = value();
            a.cpu_time = true;
            if (a.report_type != "average_counters" && a.report_type != "detailed_counters")
                throw UsageError("-report_type expects average_counters or detailed_counters, got '" +
                                 a.report_type + "'");
        } else if (flag == "-report_folder") a.report_folder = non_empty(flag, value());
        else if (flag == "-dump_kernels" || flag == "--dump-kernels") a.dump_kernels = non_empty(flag, value());
        else if (flag == "-json_stats") a.json_stats = non_empty(flag, value());
        else if (flag == "-i") a.inputs = value();
        else if (flag == "-o") a.outputs = value();
        else if (flag == "-pc") a.perf_counts = a.cpu_time = true;
        else if (flag == "-compare_fp32") a.compare_fp32 = true;
        else if (flag == "-dump_graph") a.dump_graph = true;
        else if (flag == "-parallel_profile") a.parallel_profile = int(parse_int(flag, value(), 2, kMaxThreads));
        else if (flag == "-pp_runs") a.pp_runs = int(parse_int(flag, value(), 1, 1000));
        else if (flag == "-pp_top") a.pp_top = parse_int(flag, value(), 0, 1000000);
        else if (flag == "-dispatch_us") a.dispatch_us = parse_microseconds(flag, value());
        else throw UsageError("unknown flag '" + flag + "' (see -h)");
    }
    if (a.model.empty()) throw UsageError("-m needs a model: a .json file or zoo:<name>");
    if (a.nstreams > 1 && !a.async)
        throw UsageError("-nstreams " + std::to_string(a.nstreams) + " needs -api async (sync runs one request)");
    return a;
}

std::string help_text() {
    return R"(jitbench: run and profile an octet model (flags as in OpenVINO's benchmark_app)

usage: jitbench [-m <model>] [-niter N] [-t seconds] [-nthreads N] [-nstreams N] [-api sync|async]
                [-i spec] [-o spec] [-pc] [-report_type T] [-report_folder dir] [-dump_kernels dir]
                [-json_stats file] [-compare_fp32] [-dump_graph] [-parallel_profile T [-pp_runs N]
                [-pp_top N] [-dispatch_us X]] [-h]

  -m <model>       model to run: a .json file (octet format, constants in the .bin beside it)
                   or zoo:<name> for a built-in model (default zoo:resnet50-int8)
  -niter N         run exactly N iterations (N >= 1)
  -t seconds       without -niter: run for this long, at least once (default 5)
  -nthreads N      CPU threads in all (0 = all cores, the default), split evenly between the
                   streams: each request gets max(1, N / nstreams)
  -nstreams N      with -api async: N requests in flight on one compiled model (default 1)
  -memory_limit_mb N  compile fails when weights + packed weights + activation arenas + JIT
                   code would exceed N MiB (CompileOptions::memory_limit_bytes; 0 = none)
  -api sync|async  sync (default): one request, one inference at a time, throughput from the
                   median latency; async: nstreams requests started with start_async() and
                   restarted as each finishes, throughput = iterations / total time
  -i spec          input data instead of random N(0,1) values (seed 1). spec is a file for a
                   one-input model, or name:file,name2:file2,... naming every input. A file is
                   raw little-endian tensors in the input's type and shape, back to back: K of
                   them mean K inferences (its size must be a multiple of one tensor); or .npy
                   (v1/v2/v3, little-endian, C order, matching dtype) of shape [K, <input shape>],
                   [K, <input shape without its leading 1>] or exactly the input shape (K = 1).
                   Iteration j uses input set j mod K; every set runs at least once, so
                   -niter must be >= K
  -o spec          write the outputs of those K inferences (or of the first iteration without
                   -i) back to back, in the same formats (.npy when the name ends in .npy, shape
                   [K, <output shape>]); file or name:file,... as for -i
  -pc              print the per-layer performance counters (layerName, execStatus, layerType,
                   execType, realTime, cpuTime, averaged over the iterations); on by default, but
                   the cpuTime column (a thread-CPU-clock system call per step, serial work that
                   the latencies then include) is measured only when -pc or -report_type is given
  -report_type T   average_counters (one table averaged over all iterations and requests) or
                   detailed_counters (one table per request), written like benchmark_app as
                   <report_folder>/benchmark_<T>_report.csv (';'-separated, a Total row per
                   table) and the same data as .json beside it
  -report_folder d where -report_type writes (default: the current directory)
  -dump_kernels d  write every kernel generated while compiling to d: <name>.bin and an objdump
                   listing <name>.s (also spelled --dump-kernels d; in single-layer mode too)
  -json_stats file write a JSON summary of the run (model, ISA, latency, throughput, memory)
  -compare_fp32    also run the f32 counterpart of the model (every FakeQuantize bypassed) on
                   the same inputs and print, per output, cosine similarity, max abs difference
                   and top-5 overlap for a [1,K] classifier output; then, for the first input
                   set, the SQNR (dB) of every int8 / f32 tensor the compiled model computes
                   (read back through its quantization grid) against the same layer of the
                   f32 model, with the kernel that produced it (where precision is lost)
  -dump_graph      print the graph that runs, after the low-precision transformations: one line
                   per node (op, output type/shape, inputs, int8 epilogue, fused original nodes)
  -parallel_profile T  after the run, a load-independent prediction of T threads against one:
                   every parallel loop of every step runs unit by unit on one thread (thread CPU
                   time, min of -pp_runs runs, default 5), the pool's split over T threads gives
                   each loop's slowest part; prints the predicted 1- and T-thread times, the loss
                   (serial work, imbalance, hand-overs) by exec type and the -pp_top steps (default
                   20, 0 = all) that lose the most
  -dispatch_us X   hand-over cost of one multi-thread loop for -parallel_profile, in microseconds
                   (e.g. 1.5); default: an empty parallel_for timed at start (load-dependent)
  -h, -help        print this help

environment: OCTET_MAX_ISA=<isa> caps the instruction set (sse42, avx2, avx512_core, ...);
             OCTET_VERBOSE=1 logs one line per executed node.
A progress bar goes to stderr (when it is a terminal) for runs longer than 3 seconds.
exit codes:  0 success, 1 model or data error, 2 bad flag or flag value.
)";
}

}  // namespace octet::tools
