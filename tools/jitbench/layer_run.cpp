#include "layer_run.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iomanip>
#include <new>
#include <ostream>
#include <sstream>

#include "args.hpp"
#include "engine/threads.hpp"
#include "ir/error.hpp"
#include "jit/cpu.hpp"
#include "jit/dump.hpp"
#include "kernels/common/benchdnn_batch.hpp"
#include "layer_problem.hpp"

namespace octet::tools {
namespace {

// Options whose values benchdnn reads as comma-separated lists of alternatives.
const char* const kListOptions[] = {"dt",  "dir",    "mb",     "alg",      "attr-scales", "attr-post-ops",
                                    "attr-zero-points", "bia-dt", "bia_dt", "bia_mask"};

std::vector<std::string> split_commas(const std::string& s) {
    std::vector<std::string> out;
    size_t start = 0;
    for (;;) {
        const size_t p = s.find(',', start);
        out.push_back(s.substr(start, p == std::string::npos ? std::string::npos : p - start));
        if (p == std::string::npos) return out;
        start = p + 1;
    }
}

std::string json_string(const std::string& s) {
    std::string o = "\"";
    for (const char c : s) {
        if (c == '"' || c == '\\') o += '\\', o += c;
        else if (static_cast<unsigned char>(c) < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            o += buf;
        } else o += c;
    }
    return o + "\"";
}

// The benchdnn line that reproduces a layer: the options that matter, then the descriptor.
std::string repro_line(const LayerSpec& s) {
    std::string line;
    for (const auto& [name, value] : s.options) {
        if (is_no_effect_option(name) || (name == "mb" && s.mb)) continue;
        line += "--" + name + "=" + value + " ";
    }
    if (s.mb) line += "--mb=" + std::to_string(*s.mb) + " ";
    return line + s.desc;
}

std::string element_text(ir::ElemType t, const uint8_t* p, size_t i) {
    std::ostringstream o;
    switch (t) {
    case ir::ElemType::u8: o << int(p[i]); break;
    case ir::ElemType::s8: o << int(int8_t(p[i])); break;
    case ir::ElemType::s32: { int32_t v; std::memcpy(&v, p + 4 * i, 4); o << v; break; }
    case ir::ElemType::f32: {
        float v;
        std::memcpy(&v, p + 4 * i, 4);
        o << std::setprecision(9) << v;
        break;
    }
    }
    return o.str();
}

struct Counts {
    int pass = 0, fail = 0, unchecked = 0, skipped = 0, errors = 0;
};

class LayerRunner {
public:
    LayerRunner(const LayerArgs& a, std::ostream& out) : a_(a), out_(out), pool_(a.nthreads), isa_(jit::best_isa()) {}

    jit::Isa isa() const { return isa_; }
    int threads() const { return pool_.size(); }
    const Counts& counts() const { return counts_; }

    void run(const LayerSpec& s) {
        const std::string line = repro_line(s);
        std::unique_ptr<PreparedLayer> L;
        try {
            L = prepare_layer(s, isa_);
            const double ms = time_ms(*L);
            std::string check = "off", detail;
            if (a_.check) {
                std::vector<uint8_t> want(L->dst.size());
                L->reference(want.data());
                detail = first_mismatch(L->dst_type, L->dst.data(), want.data(), want.size());
                check = detail.empty() ? "pass" : "fail";
            }
            report(s, line, *L, ms, check, detail);
        } catch (const UnsupportedError& e) {
            ++counts_.skipped;
            report_other(s, line, L.get(), "skipped", e.what());
        } catch (const Error& e) {  // malformed text, or a kernel that failed to build or run
            ++counts_.errors;
            report_other(s, line, L.get(), "error", e.what());
        } catch (const std::bad_alloc&) {
            ++counts_.errors;
            report_other(s, line, L.get(), "error", "out of memory");
        }
    }

private:
    const LayerArgs& a_;
    std::ostream& out_;
    engine::ThreadPool pool_;
    jit::Isa isa_;
    Counts counts_;

    double time_ms(PreparedLayer& L) {
        const int64_t units = L.kernel->work_units();
        auto once = [&] { pool_.parallel_for(units, L.run); };
        if (a_.niter > 1) once();  // warm-up: page faults and caches
        std::vector<double> ms;
        for (long i = 0; i < a_.niter; ++i) {
            const auto t0 = std::chrono::steady_clock::now();
            once();
            ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
        }
        std::sort(ms.begin(), ms.end());
        const size_t h = ms.size() / 2;
        return ms.size() % 2 ? ms[h] : (ms[h - 1] + ms[h]) / 2;
    }

    void report(const LayerSpec& s, const std::string& line, const PreparedLayer& L, double ms,
                const std::string& check, const std::string& detail) {
        if (check == "pass") ++counts_.pass;
        else if (check == "fail") ++counts_.fail;
        else ++counts_.unchecked;
        const double rate = ms > 0 ? L.work / (ms * 1e6) : 0;  // G per second
        if (a_.json) {
            out_ << "{\"desc\":" << json_string(line) << ",\"name\":" << json_string(L.name)
                 << ",\"exec_type\":" << json_string(L.kernel->exec_type()) << ",\"isa\":"
                 << json_string(jit::isa_name(isa_)) << ",\"ms\":" << ms << ",\"gops\":";
            if (L.work_is_bytes) out_ << "null,\"gbps\":" << rate;
            else out_ << rate;
            out_ << ",\"check\":\"" << check << "\"";
            if (!detail.empty()) out_ << ",\"mismatch\":" << json_string(detail);
            out_ << "}\n";
            return;
        }
        out_ << s.family << " " << line << "\n    exec_type " << L.kernel->exec_type() << ", isa "
             << jit::isa_name(isa_) << ", " << std::fixed << std::setprecision(3) << ms << " ms, "
             << std::setprecision(2) << rate << (L.work_is_bytes ? " GB/s" : " GOPS") << ", check " << check;
        out_.unsetf(std::ios::fixed);
        if (!detail.empty()) out_ << ": " << detail;
        out_ << "\n";
    }

    void report_other(const LayerSpec& s, const std::string& line, const PreparedLayer* L, const char* what,
                      const std::string& why) {
        if (a_.json) {
            out_ << "{\"desc\":" << json_string(line) << ",\"name\":" << json_string(L ? L->name : "")
                 << ",\"check\":\"" << what << "\",\"reason\":" << json_string(why) << "}\n";
            return;
        }
        out_ << s.family << " " << line << "\n    " << what << ": " << why << "\n";
    }
};

std::vector<LayerSpec> batch_specs(const LayerArgs& a, const std::string& family, std::vector<std::string>& missing) {
    const kernels::BatchFile file = kernels::read_benchdnn_batch(a.batch_file);
    missing = file.missing_batches;
    std::vector<LayerSpec> specs;
    for (const kernels::BatchEntry& e : file.entries) {
        std::map<std::string, std::string> options = a.options;  // the command line's, then the file's
        for (const auto& [name, value] : e.options) options[name] = value;
        for (auto& set : expand_option_lists(options)) specs.push_back({family, e.desc, std::move(set), a.mb});
    }
    return specs;
}

}  // namespace

std::string first_mismatch(ir::ElemType t, const void* got, const void* want, size_t bytes) {
    const auto* g = static_cast<const uint8_t*>(got);
    const auto* w = static_cast<const uint8_t*>(want);
    if (std::memcmp(g, w, bytes) == 0) return "";
    const size_t es = ir::elem_size(t), n = bytes / es;
    size_t first = n, count = 0;
    for (size_t i = 0; i < n; ++i) {
        if (std::memcmp(g + i * es, w + i * es, es) == 0) continue;
        if (first == n) first = i;
        ++count;
    }
    return "first mismatch at index " + std::to_string(first) + ": got " + element_text(t, g, first) + ", want " +
           element_text(t, w, first) + " (" + std::to_string(count) + " of " + std::to_string(n) +
           " elements differ)";
}

std::vector<std::map<std::string, std::string>> expand_option_lists(const std::map<std::string, std::string>& options) {
    std::vector<std::map<std::string, std::string>> sets = {options};
    for (const char* name : kListOptions) {
        auto it = options.find(name);
        if (it == options.end() || it->second.find(',') == std::string::npos) continue;
        std::vector<std::map<std::string, std::string>> next;
        for (const auto& set : sets)
            for (const std::string& v : split_commas(it->second)) {
                next.push_back(set);
                next.back()[name] = v;
            }
        sets = std::move(next);
    }
    return sets;
}

std::string family_of_batch_file(const std::string& path) {
    const std::string base = std::filesystem::path(path).filename().string();
    for (const char* f : {"conv", "matmul", "ip", "pool"})
        if (base.rfind(std::string(f) + "_", 0) == 0) return f;
    return "";
}

namespace {

// --dump-kernels: every kernel generated while the scope lives goes to `dir` as
// <name>.bin with its objdump listing <name>.s (jit/dump.hpp), whatever happens.
class KernelDumpScope {
public:
    explicit KernelDumpScope(const std::string& dir) : dir_(dir) {
        if (!dir_.empty()) jit::set_dump_dir(dir_, true);
    }
    ~KernelDumpScope() {
        if (!dir_.empty()) jit::set_dump_dir("", false);
    }
    KernelDumpScope(const KernelDumpScope&) = delete;
    KernelDumpScope& operator=(const KernelDumpScope&) = delete;

    // "N kernel(s) and M listing(s) in DIR", after the run.
    std::string summary() const {
        size_t bins = 0, listings = 0;
        std::error_code ec;
        for (auto it = std::filesystem::directory_iterator(dir_, ec); !ec && it != std::filesystem::directory_iterator();
             it.increment(ec)) {
            const std::string ext = it->path().extension().string();
            bins += ext == ".bin";
            listings += ext == ".s";
        }
        return std::to_string(bins) + " kernel(s) and " + std::to_string(listings) + " listing(s) in " + dir_ +
               (jit::objdump_available() ? "" : " (objdump not found: install binutils for the listings)");
    }

private:
    std::string dir_;
};

}  // namespace

int run_layer_mode(const LayerArgs& a, std::ostream& out, std::ostream& err) {
    std::vector<LayerSpec> specs;
    std::vector<std::string> missing;
    if (!a.batch_file.empty()) {
        const std::string family = a.family.empty() ? family_of_batch_file(a.batch_file) : a.family;
        if (family.empty())
            throw UsageError("--batch " + a.batch_file + ": cannot tell the driver from the file name; give --driver");
        specs = batch_specs(a, family, missing);
    } else {
        for (auto& set : expand_option_lists(a.options)) specs.push_back({a.family, a.desc, std::move(set), a.mb});
    }

    LayerRunner runner(a, out);
    std::ostream& info = a.json ? err : out;  // with -json, stdout holds only the per-layer objects
    const char* cap = std::getenv("OCTET_MAX_ISA");
    info << "[ INFO ] jitbench single-layer mode: isa " << jit::isa_name(runner.isa()) << " (OCTET_MAX_ISA "
         << (cap && *cap ? cap : "not set") << "), " << runner.threads() << " thread(s), " << a.niter
         << " timed iteration(s), check " << (a.check ? "on" : "off") << "\n";
    for (const std::string& m : missing) info << "[ NOTE ] nested batch file not found: " << m << "\n";
    {
        const KernelDumpScope dump(a.dump_kernels);
        for (const LayerSpec& s : specs) runner.run(s);
        if (!a.dump_kernels.empty()) info << "[ INFO ] --dump-kernels: " << dump.summary() << "\n";
    }

    const Counts& c = runner.counts();
    info << "[ SUMMARY ] " << (c.pass + c.fail + c.unchecked) << " run: " << c.pass << " pass, " << c.fail
         << " fail, " << c.unchecked << " unchecked; " << c.skipped << " skipped; " << c.errors << " error(s); "
         << missing.size() << " nested batch file(s) not found\n";
    return c.fail || c.errors ? 1 : 0;
}

}  // namespace octet::tools
