#pragma once
// What the CPU (and the OS) can run, and which Isa octet picks.
#include <string>

#include "jit/isa.hpp"

namespace octet::jit {

// Hardware + OS support, no cap: the CPUID bits of every feature in the Isa's
// set (cpu_features, plus CPUID.(7,1) for AVX-VNNI) AND the OS state checks:
// XCR0 bits 1,2 (SSE/AVX state) for AVX, bits 5,6,7 (opmask, ZMM) for AVX-512,
// bits 17,18 (tile config/data) for AMX, and for AMX the Linux permission
// request arch_prctl(ARCH_REQ_XCOMP_PERM, XTILEDATA). Computed once.
bool isa_supported(Isa isa);

// The best supported Isa under the cap. Preference order (not enum order):
// amx, avx512_core_vnni, avx512_core, avx_vnni, avx2, sse42.
// `cap` empty: the cap comes from env OCTET_MAX_ISA (unset/empty: no cap).
// An invalid cap name throws ArgumentError naming the variable and the valid
// names. Throws UnsupportedError when nothing (not even sse42) is supported.
Isa best_isa(const std::string& cap);
Isa best_isa();  // best_isa("")

// One line for logs: "avx2 (sse42 avx2 supported; cap OCTET_MAX_ISA=avx2)".
std::string cpu_summary();

}  // namespace octet::jit
