#include "common.hpp"

#include <algorithm>
#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>

#include "jit/cpu.hpp"

namespace octet::bench {

namespace {
double now_s() { return bench_clock_s(); }
bool g_cold = false;

// Writes over 256 MB (several times any last-level cache a server has, EPYC's
// and Xeon's alike), so that nothing the timed call reads stays cached.
void evict_caches() {
    static std::vector<char> junk(size_t(256) << 20);
    static char v = 0;
    ++v;
    for (size_t i = 0; i < junk.size(); i += 64) junk[i] = v;
}

double time_cold_ms(const std::function<void()>& fn) {
    fn();  // warm-up: first-call setup is not what --cold measures
    std::vector<double> t;
    for (int s = 0; s < 15; ++s) {
        evict_caches();
        const double t0 = now_s();
        fn();
        t.push_back(now_s() - t0);
    }
    std::nth_element(t.begin(), t.begin() + t.size() / 2, t.end());
    return t[t.size() / 2] * 1e3;
}
}  // namespace

void set_cold_timing(bool cold) { g_cold = cold; }

// OCTET_BENCH_CLOCK=thread_cpu: the calling thread's CPU time instead of the wall clock
// (meaningful at 1 thread only, where octet, oneDNN and XNNPACK all run on the calling
// thread): on a shared machine it leaves out the time other processes take.
double bench_clock_s() {
    static const bool cpu = [] {
        const char* e = std::getenv("OCTET_BENCH_CLOCK");
        return e && std::string(e) == "thread_cpu";
    }();
    if (cpu) {
        timespec t;
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
        return double(t.tv_sec) + double(t.tv_nsec) * 1e-9;
    }
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

double time_ms(const std::function<void()>& fn, double min_time_s, int samples) {
    if (g_cold) return time_cold_ms(fn);
    double t0 = now_s();
    fn();
    const double first = now_s() - t0;
    if (first * samples > 4 * min_time_s) {
        // Slow (a reference kernel): a couple of single calls.
        double best = first;
        for (int s = 0; s < 2; ++s) {
            t0 = now_s();
            fn();
            best = std::min(best, now_s() - t0);
        }
        return best * 1e3;
    }
    const int64_t k = std::max<int64_t>(1, int64_t(min_time_s / samples / std::max(first, 1e-7)));
    double best = 1e30;
    for (int s = 0; s < samples; ++s) {
        t0 = now_s();
        for (int64_t i = 0; i < k; ++i) fn();
        best = std::min(best, (now_s() - t0) / double(k));
    }
    return best * 1e3;
}

std::string OutputDiff::str() const {
    return ok ? fmt("%lld/%lld", (long long)n, (long long)max) : std::string("-");
}

OutputDiff diff_u8(const std::vector<uint8_t>& octet, const std::vector<uint8_t>& peer) {
    OutputDiff r;
    if (octet.size() != peer.size() || octet.empty()) return r;
    r.ok = true;
    for (size_t i = 0; i < octet.size(); ++i) {
        const int64_t d = std::abs(int(octet[i]) - int(peer[i]));
        if (d) { ++r.n; r.max = std::max(r.max, d); }
    }
    return r;
}

ir::Epilogue relu_u8_epilogue(const std::vector<float>& scale, const std::vector<float>& bias) {
    ir::Epilogue e;
    e.scale = scale;
    e.bias = bias;
    e.post_ops.push_back(ir::PostOp::relu());
    e.dst_type = ir::ElemType::u8;
    return e;
}

std::vector<int> parse_int_list(const std::string& s) {
    std::vector<int> out;
    std::stringstream ss(s);
    std::string item;
    while (std::getline(ss, item, ','))
        if (!item.empty()) out.push_back(std::atoi(item.c_str()));
    return out;
}

std::string load_average() {
    std::ifstream f("/proc/loadavg");
    std::string a, b, c;
    f >> a >> b >> c;
    return a + " " + b + " " + c;
}

std::string machine_summary() {
    std::ifstream f("/proc/cpuinfo");
    std::string line, model = "?";
    while (std::getline(f, line))
        if (line.rfind("model name", 0) == 0) {
            model = line.substr(line.find(':') + 2);
            break;
        }
    return "cpu: " + model + " | " + jit::cpu_summary() + " | load average " + load_average();
}

Options parse_options(int argc, char** argv, const char* usage) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        auto need = [&](const char* flag) -> std::string {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "%s: %s needs a value\n%s", argv[0], flag, usage);
                std::exit(2);
            }
            return argv[++i];
        };
        const std::string a = argv[i];
        if (a == "--threads") o.threads = parse_int_list(need("--threads"));
        else if (a == "--csv") o.csv = need("--csv");
        else if (a == "--shared") o.shared = need("--shared");
        else if (a == "--min-time") o.min_time = std::atof(need("--min-time").c_str());
        else if (a == "--filter") o.filter = need("--filter");
        else if (a == "--wei7") o.wei7 = true;
        else if (a == "--wei-normal") o.wei_normal = true;
        else if (a == "--octet-only") o.no_peers = true;
        else if (a == "--no-check") o.check = false;
        else if (a == "--zoo") o.zoo = need("--zoo");
        else if (a == "--paths") o.paths = true;
        else if (a == "--no-pairing") o.pairing = false;
        else if (a == "--rounds") o.rounds = std::max(1, std::atoi(need("--rounds").c_str()));
        else if (a == "--densities") o.densities = true;
        else if (a == "--cold") o.cold = true;
        else {
            std::fprintf(stderr, "%s", usage);
            std::exit(a == "--help" || a == "-h" ? 0 : 2);
        }
    }
    set_cold_timing(o.cold);
    return o;
}

void Csv::write(const std::string& path) const {
    if (path.empty()) return;
    std::ofstream f(path);
    auto line = [&](const std::vector<std::string>& r) {
        for (size_t i = 0; i < r.size(); ++i) f << (i ? "," : "") << r[i];
        f << "\n";
    };
    line(header_);
    for (const auto& r : rows_) line(r);
    std::printf("# csv written to %s\n", path.c_str());
}

std::string fmt(const char* f, ...) {
    char buf[512];
    va_list ap;
    va_start(ap, f);
    std::vsnprintf(buf, sizeof buf, f, ap);
    va_end(ap);
    return buf;
}

void fill_u8(std::vector<uint8_t>& v, std::mt19937& g) {
    std::uniform_int_distribution<int> d(0, 255);
    for (auto& x : v) x = uint8_t(d(g));
}

void fill_s8(std::vector<int8_t>& v, std::mt19937& g, int lo, int hi) {
    std::uniform_int_distribution<int> d(lo, hi);
    for (auto& x : v) x = int8_t(d(g));
}

}  // namespace octet::bench
