#include "jit/cpu.hpp"

#include <cpuid.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cpu_features/cpuinfo_x86.h>

#include <cstdlib>
#include <cstring>

#include "ir/error.hpp"

namespace octet::jit {

namespace {

// Feature bits of the sets in isa.hpp.
enum Feature : uint32_t {
    f_sse42 = 1u << 0,
    f_avx = 1u << 1,
    f_avx2 = 1u << 2,
    f_fma = 1u << 3,
    f_avx512_core = 1u << 4,   // F + BW + VL + DQ
    f_avx512_vnni = 1u << 5,
    f_avx_vnni = 1u << 6,
    f_amx_int8 = 1u << 7,      // AMX-TILE + AMX-INT8
};

uint32_t feature_set(Isa isa) {
    const uint32_t sse42 = f_sse42;
    const uint32_t avx2 = sse42 | f_avx | f_avx2 | f_fma;
    const uint32_t avx512_core = avx2 | f_avx512_core;
    const uint32_t avx512_core_vnni = avx512_core | f_avx512_vnni;
    switch (isa) {
    case Isa::sse42: return sse42;
    case Isa::avx2: return avx2;
    case Isa::avx512_core: return avx512_core;
    case Isa::avx512_core_vnni: return avx512_core_vnni;
    case Isa::avx_vnni: return avx2 | f_avx_vnni;
    case Isa::amx: return avx512_core_vnni | f_avx_vnni | f_amx_int8;
    }
    return ~0u;
}

uint64_t read_xcr0() {
    uint32_t eax, edx;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return (uint64_t(edx) << 32) | eax;
}

// Linux keeps AMX tile data disabled per process until asked (kernel >= 5.16).
bool request_amx_permission() {
    constexpr long kArchReqXcompPerm = 0x1023;
    constexpr long kXfeatureXtiledata = 18;
    return syscall(SYS_arch_prctl, kArchReqXcompPerm, kXfeatureXtiledata) == 0;
}

uint32_t detect_features() {
    const cpu_features::X86Features f = cpu_features::GetX86Info().features;
    uint32_t have = 0;
    if (f.sse4_2) have |= f_sse42;

    unsigned a = 0, b = 0, c = 0, d = 0;
    const bool osxsave = __get_cpuid(1, &a, &b, &c, &d) && (c & (1u << 27));
    const uint64_t xcr0 = osxsave ? read_xcr0() : 0;
    const bool os_avx = (xcr0 & 0x6) == 0x6;             // XMM, YMM state
    const bool os_avx512 = os_avx && (xcr0 & 0xe0) == 0xe0;  // opmask, ZMM_Hi256, Hi16_ZMM
    const bool os_amx = (xcr0 & 0x60000) == 0x60000;     // XTILECFG, XTILEDATA

    if (os_avx) {
        if (f.avx) have |= f_avx;
        if (f.avx2) have |= f_avx2;
        if (f.fma3) have |= f_fma;
        // AVX-VNNI: CPUID.(EAX=7,ECX=1):EAX[4]; cpu_features 0.7 does not report it.
        unsigned max_leaf = __get_cpuid_max(0, nullptr);
        if (max_leaf >= 7) {
            __cpuid_count(7, 0, a, b, c, d);
            const unsigned max_subleaf = a;
            if (max_subleaf >= 1) {
                __cpuid_count(7, 1, a, b, c, d);
                if (a & (1u << 4)) have |= f_avx_vnni;
            }
        }
    }
    if (os_avx512) {
        if (f.avx512f && f.avx512bw && f.avx512vl && f.avx512dq) have |= f_avx512_core;
        if (f.avx512vnni) have |= f_avx512_vnni;
    }
    if (os_amx && f.amx_tile && f.amx_int8 && request_amx_permission()) have |= f_amx_int8;
    return have;
}

uint32_t features() {
    static const uint32_t have = detect_features();
    return have;
}

constexpr Isa kPreference[] = {Isa::amx, Isa::avx512_core_vnni, Isa::avx512_core,
                               Isa::avx_vnni, Isa::avx2, Isa::sse42};

}  // namespace

bool isa_is_subset(Isa isa, Isa cap) {
    const uint32_t s = feature_set(isa);
    return (s & feature_set(cap)) == s;
}

bool isa_supported(Isa isa) {
    const uint32_t s = feature_set(isa);
    return (features() & s) == s;
}

Isa best_isa(const std::string& cap_name) {
    std::string name = cap_name;
    bool from_env = false;
    if (name.empty()) {
        const char* env = std::getenv("OCTET_MAX_ISA");
        if (env && *env) { name = env; from_env = true; }
    }
    bool capped = !name.empty();
    Isa cap = Isa::amx;
    if (capped) {
        try {
            cap = parse_isa(name);
        } catch (const ArgumentError&) {
            throw ArgumentError(std::string(from_env ? "OCTET_MAX_ISA" : "ISA cap") + "='" + name +
                                "' is not an ISA; valid names: " + isa_names());
        }
    }
    for (Isa i : kPreference)
        if ((!capped || isa_is_subset(i, cap)) && isa_supported(i)) return i;
    throw UnsupportedError("this CPU lacks SSE4.2, the least ISA octet generates code for");
}

Isa best_isa() { return best_isa(std::string()); }

std::string cpu_summary() {
    std::string s = isa_name(best_isa());
    s += " (supported:";
    for (Isa i : kAllIsas)
        if (isa_supported(i)) { s += ' '; s += isa_name(i); }
    s += ")";
    if (const char* env = std::getenv("OCTET_MAX_ISA"); env && *env) {
        s += " cap OCTET_MAX_ISA=";
        s += env;
    }
    return s;
}

}  // namespace octet::jit
