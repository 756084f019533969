#pragma once
// Per-ISA case counting for the emulated ISA lane (test/emu/, tools/emu/).
//
// How a kernel test joins the emu lane:
//   1. tag its TEST_CASE with [emu] (the lane runs octet_test_emu with the filter "[emu],[jit]"
//      inside Bochs, once under corei7_skylake_x with OCTET_MAX_ISA=avx512_core and once under
//      tigerlake with OCTET_MAX_ISA=avx512_core_vnni); keep shapes small: Bochs runs ~50 MIPS;
//   2. sweep the ISAs of octet::emu::sweep_isas(): natively every supported ISA under the cap,
//      inside the lane only the emulated one (lower ISAs are covered natively; Bochs time is scarce);
//   3. after each case that ran and compared bit-exact, call
//          octet::emu::note_case(kernel.isa(), kernel.name());
//      (header-only: in the ordinary unit binaries it only counts).
// octet_test_emu prints the counts per ISA and exec type, and fails when zero cases ran at the
// ISA the lane expects, or when an exec type noted at an AVX-512 ISA does not say "avx512".
#include <cstdlib>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "jit/cpu.hpp"
#include "jit/isa.hpp"

namespace octet::emu {

struct CaseCounts {
    std::mutex mutex;
    std::map<std::string, std::map<std::string, long>> by_isa;  // isa name -> exec type -> cases
};

inline CaseCounts& case_counts() {
    static CaseCounts counts;
    return counts;
}

inline void note_case(const std::string& isa, const std::string& exec_type, long n = 1) {
    CaseCounts& c = case_counts();
    std::lock_guard<std::mutex> lock(c.mutex);
    c.by_isa[isa][exec_type] += n;
}

inline void note_case(jit::Isa isa, const std::string& exec_type, long n = 1) {
    note_case(std::string(jit::isa_name(isa)), exec_type, n);
}

inline long cases_at(const std::string& isa) {
    CaseCounts& c = case_counts();
    std::lock_guard<std::mutex> lock(c.mutex);
    long n = 0;
    auto it = c.by_isa.find(isa);
    if (it != c.by_isa.end())
        for (const auto& kv : it->second) n += kv.second;
    return n;
}

// True inside the emu lane (run-lane.sh sets OCTET_EMU_EXPECT_ISA for the guest).
inline bool in_emu_lane() {
    const char* e = std::getenv("OCTET_EMU_EXPECT_ISA");
    return e && *e;
}

// The ISAs a kernel sweep should execute here: in the emu lane only best_isa() (the emulated
// ISA the lane expects), otherwise every ISA this CPU supports under the OCTET_MAX_ISA cap.
inline std::vector<jit::Isa> sweep_isas() {
    const jit::Isa best = jit::best_isa();
    if (in_emu_lane()) return {best};
    std::vector<jit::Isa> isas;
    for (jit::Isa i : jit::kAllIsas)
        if (jit::isa_supported(i) && jit::isa_is_subset(i, best)) isas.push_back(i);
    return isas;
}

}  // namespace octet::emu
