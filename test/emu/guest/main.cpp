// main() of octet_test_emu, the binary the emu lane runs inside Bochs (tools/emu/run-lane.sh).
// Around the Catch2 session it guards against a lane that silently tests less than it claims:
//   - CPUID (octet::jit::best_isa() and Xbyak::util::Cpu) must show the ISA in OCTET_EMU_EXPECT_ISA;
//   - at least one test case must have run, and at least one case at the expected ISA
//     (octet::emu::note_case, test/emu/emu_cases.hpp);
//   - exec types noted at an AVX-512 ISA must say "avx512" (the kernel chosen really is one).
// Without OCTET_EMU_EXPECT_ISA (a native run) only the counts are printed.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include <xbyak/xbyak_util.h>

#include "jit/cpu.hpp"
#include "test/emu/emu_cases.hpp"

namespace {

long g_test_cases = 0;

struct CountingListener : Catch::TestEventListenerBase {
    using TestEventListenerBase::TestEventListenerBase;
    void testCaseEnded(const Catch::TestCaseStats& stats) override {
        ++g_test_cases;
        TestEventListenerBase::testCaseEnded(stats);
    }
};

std::string env(const char* name) {
    const char* v = std::getenv(name);
    return v ? v : "";
}

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

// What Xbyak sees, for the expected ISA: empty when it agrees, else what is missing/extra.
std::string xbyak_disagreement(const std::string& isa, const std::string& model) {
    using C = Xbyak::util::Cpu;
    C cpu;
    std::string why;
    const bool avx512 = starts_with(isa, "avx512") || isa == "amx";
    if (avx512) {
        if (!cpu.has(C::tAVX512F)) why += " no avx512f;";
        if (!cpu.has(C::tAVX512BW)) why += " no avx512bw;";
        if (!cpu.has(C::tAVX512VL)) why += " no avx512vl;";
        if (!cpu.has(C::tAVX512DQ)) why += " no avx512dq;";
    }
    if (isa == "avx512_core_vnni" && !cpu.has(C::tAVX512_VNNI)) why += " no avx512_vnni;";
    // The AVX-512-without-VNNI model must really lack VNNI, so a VNNI instruction leaking into an
    // avx512_core kernel faults there instead of passing unnoticed.
    if (model == "corei7_skylake_x" && cpu.has(C::tAVX512_VNNI)) why += " avx512_vnni present;";
    return why;
}

}  // namespace

CATCH_REGISTER_LISTENER(CountingListener)

int main(int argc, char** argv) {
    const std::string expect = env("OCTET_EMU_EXPECT_ISA"), model = env("OCTET_EMU_CPU");
    std::string best;
    try {
        best = octet::jit::isa_name(octet::jit::best_isa());
        std::printf("emu: cpu model %s, OCTET_MAX_ISA=%s, expected %s; %s\n", model.empty() ? "(native)" : model.c_str(),
                    env("OCTET_MAX_ISA").c_str(), expect.empty() ? "(none)" : expect.c_str(),
                    octet::jit::cpu_summary().c_str());
    } catch (const std::exception& e) {
        std::printf("emu: best_isa() failed: %s\n", e.what());
    }
    std::fflush(stdout);

    int rc = Catch::Session().run(argc, argv);
    for (int i = 1; i < argc; ++i) {  // listing or help: nothing ran, nothing to guard
        const std::string a = argv[i];
        if (a.rfind("--list", 0) == 0 || a == "-l" || a == "-t" || a == "-h" || a == "-?" || a == "--help") return rc;
    }

    std::vector<std::string> failures;
    if (g_test_cases == 0) failures.push_back("no test case ran (check the tag filter)");
    long expected_cases = 0;
    std::string per_isa;
    {
        auto& c = octet::emu::case_counts();
        std::lock_guard<std::mutex> lock(c.mutex);
        for (const auto& [isa, types] : c.by_isa) {
            long n = 0;
            std::string list;
            for (const auto& [type, k] : types) {
                n += k;
                list += " " + type + "x" + std::to_string(k);
                if (starts_with(isa, "avx512") && type.find("avx512") == std::string::npos)
                    failures.push_back("exec type '" + type + "' was noted at " + isa + " but does not say avx512");
            }
            std::printf("emu: cases at %s: %ld (%zu exec types:%s)\n", isa.c_str(), n, types.size(),
                        list.size() > 600 ? (list.substr(0, 600) + " ...").c_str() : list.c_str());
            per_isa += " " + isa + "=" + std::to_string(n);
            if (isa == expect) expected_cases = n;
        }
    }
    if (!expect.empty()) {
        if (best != expect) failures.push_back("best_isa() is '" + best + "', the lane expects '" + expect + "'");
        if (std::string why = xbyak_disagreement(expect, model); !why.empty())
            failures.push_back("Xbyak::util::Cpu disagrees with " + expect + ":" + why);
        if (expected_cases == 0) failures.push_back("zero cases ran at the expected ISA " + expect);
    }
    for (const auto& f : failures) std::printf("emu: FAIL: %s\n", f.c_str());
    std::printf("emu-summary: %s test_cases=%ld cases:%s catch_rc=%d\n", failures.empty() && rc == 0 ? "PASS" : "FAIL",
                g_test_cases, per_isa.empty() ? " none" : per_isa.c_str(), rc);
    if (rc == 0 && !failures.empty()) rc = 1;
    return rc;
}
