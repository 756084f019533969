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

void print_latency(std::ostream& os, const RunStats& stats, int64_t batch) {
    std::vector<double> lat = stats.latencies_ms;
    std::sort(lat.begin(), lat.end());
    const size_t n = lat.size();
    const double median = n % 2 ? lat[n / 2] : (lat[n / 2 - 1] + lat[n / 2]) / 2;
    const double average = std::accumulate(lat.begin(), lat.end(), 0.0) / double(n);
    os << "Count:         " << n << " iterations\n"
       << "Duration:      " << fixed(stats.total_ms, 2) << " ms\n"
       << "Latency:\n"
       << "    Median:    " << fixed(median, 2) << " ms\n"
       << "    Average:   " << fixed(average, 2) << " ms\n"
       << "    Min:       " << fixed(lat.front(), 2) << " ms\n"
       << "    Max:       " << fixed(lat.back(), 2) << " ms\n"
       << "Throughput:    " << fixed(median > 0 ? double(batch) * 1000.0 / median : 0.0, 2) << " FPS\n";
}

void print_counters(std::ostream& os, const std::vector<PerfCounter>& counters) {
    const std::vector<std::string> head = {"layerName", "execStatus", "layerType", "execType", "realTime (ms)",
                                           "cpuTime (ms)"};
    std::vector<std::vector<std::string>> rows;
    double real = 0, cpu = 0;
    for (const PerfCounter& pc : counters) {
        rows.push_back({pc.layer_name, pc.exec_status, pc.layer_type, pc.exec_type, fixed(pc.real_time_ms),
                        fixed(pc.cpu_time_ms)});
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
       << "Total CPU time: " << fixed(cpu) << " ms\n";
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

}  // namespace octet::tools
