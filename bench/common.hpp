#pragma once
// Helpers shared by the benchmarks: timing, arguments, machine description, CSV.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "ir/epilogue.hpp"

namespace octet::bench {

// Per-call time in ms of fn: one warm-up call, then `samples` samples of k calls each
// (k chosen so a sample lasts about min_time_s / samples), the best sample wins
// (the machine is shared: the minimum is the least disturbed figure).
double time_ms(const std::function<void()>& fn, double min_time_s = 0.3, int samples = 5);
// The clock time_ms reads, in seconds: the wall clock, or with OCTET_BENCH_CLOCK=thread_cpu
// the calling thread's CPU time (use it at 1 thread only: it leaves out what other
// processes of a shared machine take, and every library here runs on the caller at 1 thread).
double bench_clock_s();
// --cold: time_ms times single calls, each after a write over a buffer larger than the
// last-level cache (not timed), and keeps the median: the call's operands come from
// DRAM, as a layer's weights do inside a whole network (the layers before evict them).
void set_cold_timing(bool cold);

// A peer's u8 output against octet's: how many elements differ and the largest
// difference; not ok (nothing compared) when the sizes differ or there is no output.
struct OutputDiff {
    int64_t n = 0, max = 0;
    bool ok = false;
    std::string str() const;  // "n/max", or "-" when not ok
};
OutputDiff diff_u8(const std::vector<uint8_t>& octet, const std::vector<uint8_t>& peer);

// One peer measured the way octet is: made outside the timed loop (make() returns a
// Peer, see peers.hpp), timed with time_ms, then, given octet's output, run once more
// and compared with it. A peer that throws prints "<layer>: <label>: <error>" and
// keeps ms at NaN, so one unsupported shape does not end the run.
struct PeerTiming {
    double ms = NAN;
    OutputDiff diff;
    std::string impl = "-";
};
template <class MakePeer>
PeerTiming time_peer(MakePeer&& make, const std::string& layer, const char* label, double min_time_s,
                     const std::vector<uint8_t>* octet_out = nullptr) {
    PeerTiming r;
    try {
        auto peer = make();
        r.impl = peer->impl();
        r.ms = time_ms([&] { peer->run(); }, min_time_s);
        if (octet_out) {
            peer->run();
            r.diff = diff_u8(*octet_out, peer->result_u8());
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s: %s: %s\n", layer.c_str(), label, e.what());
    }
    return r;
}

std::vector<int> parse_int_list(const std::string& s);  // "1,2" -> {1,2}

// "model name | isa flags | load average" for the report header.
std::string machine_summary();
std::string load_average();

// Benchmark options common to bench_conv / bench_matmul / bench_pool.
struct Options {
    std::vector<int> threads = {1, 2};
    std::string csv;                       // --csv FILE
    std::string shared = OCTET_SHARED_DIR; // --shared DIR (holds data/benchdnn)
    double min_time = 0.3;                 // --min-time S per measurement
    std::string filter;                    // --filter SUBSTR: only layers whose name contains it
    bool wei7 = false;                     // --wei7: weights in [-64, 63] instead of [-128, 127]
    bool wei_normal = false;               // --wei-normal: normal, quantized per output column to [-127, 127] (bench_matmul)
    bool no_peers = false;                 // --octet-only
    bool check = true;                     // --no-check: skip the octet vs oneDNN output comparison
    std::string zoo;                       // --zoo MODEL: a zoo model's convs with its quantized weights (bench_conv)
    bool densities = false;                // --densities: fixup entry densities per idea (bench_conv, hidden)
    bool paths = false;                    // --paths: also time every non-VNNI conv path (bench_conv)
    int rounds = 1;                        // --rounds R: --paths times the paths in R interleaved rounds, keeps the minimum
    bool pairing = true;                   // --no-pairing: zoo convs keep their input channel order (bench_conv)
    bool cold = false;                     // --cold: every timed call after the caches are evicted (set_cold_timing)
};
// Parses the common flags; unknown flags print `usage` and exit(2).
Options parse_options(int argc, char** argv, const char* usage);

class Csv {
public:
    explicit Csv(std::vector<std::string> header) : header_(std::move(header)) {}
    void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
    void write(const std::string& path) const;  // no-op for an empty path
private:
    std::vector<std::string> header_;
    std::vector<std::vector<std::string>> rows_;
};

std::string fmt(const char* f, ...) __attribute__((format(printf, 1, 2)));

// The epilogue every benchmark gives octet and the peers alike: acc * scale[oc] +
// bias[oc], ReLU, round to u8.
ir::Epilogue relu_u8_epilogue(const std::vector<float>& scale, const std::vector<float>& bias);

// Deterministic random fills.
void fill_u8(std::vector<uint8_t>& v, std::mt19937& g);
void fill_s8(std::vector<int8_t>& v, std::mt19937& g, int lo, int hi);

}  // namespace octet::bench
