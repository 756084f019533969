#include "report.hpp"

#include <algorithm>
#include <cstdio>
#include <numeric>

namespace octet::tools {

namespace {

std::string fixed(double v, int digits = 3) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", digits, v);
    return buf;
}

std::string pad(const std::string& s, size_t width) {
    return s.size() >= width ? s + " " : s + std::string(width - s.size() + 1, ' ');
}

}  // namespace

LatencySummary summarize(const RunStats& stats, int64_t batch) {
    LatencySummary s;
    std::vector<double> lat = stats.latencies_ms;
    s.count = lat.size();
    if (lat.empty()) return s;
    std::sort(lat.begin(), lat.end());
    const size_t n = lat.size();
    s.median = n % 2 ? lat[n / 2] : (lat[n / 2 - 1] + lat[n / 2]) / 2;
    s.average = std::accumulate(lat.begin(), lat.end(), 0.0) / double(n);
    s.min = lat.front();
    s.max = lat.back();
    if (stats.async) s.fps = stats.total_ms > 0 ? double(batch) * double(n) * 1000.0 / stats.total_ms : 0.0;
    else s.fps = s.median > 0 ? double(batch) * 1000.0 / s.median : 0.0;
    return s;
}

void print_latency(std::ostream& os, const RunStats& stats, int64_t batch) {
    const LatencySummary s = summarize(stats, batch);
    os << "Count:         " << s.count << " iterations\n"
       << "Duration:      " << fixed(stats.total_ms, 2) << " ms\n"
       << "Latency:\n"
       << "    Median:    " << fixed(s.median, 2) << " ms\n"
       << "    Average:   " << fixed(s.average, 2) << " ms\n"
       << "    Min:       " << fixed(s.min, 2) << " ms\n"
       << "    Max:       " << fixed(s.max, 2) << " ms\n"
       << "Throughput:    " << fixed(s.fps, 2) << " FPS\n";
}

void print_counters(std::ostream& os, const std::vector<PerfCounter>& counters, bool cpu_time) {
    const std::vector<std::string> head = {"layerName", "execStatus", "layerType", "execType", "realTime (ms)",
                                           "cpuTime (ms)"};
    std::vector<std::vector<std::string>> rows;
    double real = 0, cpu = 0;
    for (const PerfCounter& pc : counters) {
        rows.push_back({pc.layer_name, pc.exec_status, pc.layer_type, pc.exec_type, fixed(pc.real_time_ms),
                        cpu_time ? fixed(pc.cpu_time_ms) : "-"});
        real += pc.real_time_ms;
        cpu += pc.cpu_time_ms;
    }
    std::vector<size_t> width(head.size());
    for (size_t c = 0; c < head.size(); ++c) {
        width[c] = head[c].size();
        for (const auto& r : rows) width[c] = std::max(width[c], r[c].size());
    }
    width[0] = std::min<size_t>(width[0], 64);  // very long names overflow their column rather than widen it
    auto line = [&](const std::vector<std::string>& r) {
        std::string s;
        for (size_t c = 0; c < r.size(); ++c) s += c + 1 < r.size() ? pad(r[c], width[c]) : r[c];
        os << s << "\n";
    };
    os << "Performance counters (averaged over the iterations):\n";
    line(head);
    for (const auto& r : rows) line(r);
    os << "Total time: " << fixed(real) << " ms\n"
       << "Total CPU time: " << (cpu_time ? fixed(cpu) + " ms" : "not measured (-pc measures it)") << "\n";
}

void print_agreement(std::ostream& os, const std::vector<AgreementRow>& rows) {
    os << "Comparison with the f32 model (FakeQuantize bypassed):\n";
    for (const AgreementRow& r : rows) {
        os << "  inference " << r.inference << " output '" << r.output
           << "': cosine similarity " << fixed(r.agreement.cosine_similarity, 6) << ", max abs diff "
           << fixed(r.agreement.max_abs_diff, 6);
        if (r.agreement.top5_overlap >= 0) os << ", top-5 overlap " << r.agreement.top5_overlap << "/5";
        os << "\n";
    }
}

void print_layer_sqnr(std::ostream& os, const std::vector<engine::LayerSqnr>& rows, bool int8_tensors) {
    size_t width = 9;
    for (const auto& r : rows) width = std::max(width, std::min<size_t>(r.name.size(), 64));
    os << (int8_tensors ? "Per-layer SQNR of the int8 tensors the compiled model computes against the f32 model "
                          "(input set 0):\n"
                        : "Per-layer SQNR of the FakeQuantize model against the f32 model (input set 0):\n")
       << pad("layerName", width) << pad("layerType", 14) << pad("SQNR (dB)", 11) << (int8_tensors ? "computed by" : "")
       << "\n";
    for (const auto& r : rows)
        os << pad(r.name, width) << pad(r.op, 14) << (int8_tensors ? pad(fixed(r.sqnr_db, 2), 11) + r.computed_by : fixed(r.sqnr_db, 2))
           << "\n";
    std::vector<const engine::LayerSqnr*> worst;
    for (const auto& r : rows) worst.push_back(&r);
    std::sort(worst.begin(), worst.end(), [](auto* a, auto* b) { return a->sqnr_db < b->sqnr_db; });
    if (worst.size() > 3) worst.resize(3);
    os << "Lowest SQNR:";
    for (const auto* r : worst) os << " " << r->name << " " << fixed(r->sqnr_db, 2) << " dB;";
    os << (worst.empty() ? " no comparable layer\n" : "\n");
}

}  // namespace octet::tools
