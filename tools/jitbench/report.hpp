#pragma once
// What jitbench prints: latency and throughput, the per-layer counter table
// of the seed documents, and the int8-vs-f32 agreement.
#include <ostream>
#include <string>
#include <vector>

#include "engine/compare.hpp"
#include "engine/layer_sqnr.hpp"
#include "model_run.hpp"

namespace octet::tools {

// Median, average, min, max latency and throughput (benchmark_app's
// formulas: sync batch * 1000 / median latency; async batch * iterations /
// total time).
struct LatencySummary {
    size_t count = 0;
    double median = 0, average = 0, min = 0, max = 0;  // ms
    double fps = 0;
};
LatencySummary summarize(const RunStats& stats, int64_t batch);
void print_latency(std::ostream& os, const RunStats& stats, int64_t batch);

// layerName execStatus layerType execType realTime (ms) cpuTime (ms), one row
// per node, then the totals; cpu_time false: the CPU times were not measured
// (CompileOptions::cpu_time_counters off), shown as "-".
void print_counters(std::ostream& os, const std::vector<PerfCounter>& counters, bool cpu_time);

// One line per (inference, output).
struct AgreementRow {
    size_t inference = 0;
    std::string output;
    engine::OutputAgreement agreement;
};
void print_agreement(std::ostream& os, const std::vector<AgreementRow>& rows);

// layer, type, SQNR (dB) per row, then the worst layers.
// int8_tensors: rows of per_layer_sqnr_int8 (with the producing node), else of per_layer_sqnr.
void print_layer_sqnr(std::ostream& os, const std::vector<engine::LayerSqnr>& rows, bool int8_tensors);

}  // namespace octet::tools
