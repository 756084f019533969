#include "jit/isa.hpp"

#include "ir/error.hpp"

namespace octet::jit {

std::string isa_names() {
    std::string s;
    for (Isa i : kAllIsas) {
        if (!s.empty()) s += ", ";
        s += isa_name(i);
    }
    return s;
}

const char* isa_name(Isa isa) {
    switch (isa) {
    case Isa::sse42: return "sse42";
    case Isa::avx2: return "avx2";
    case Isa::avx512_core: return "avx512_core";
    case Isa::avx512_core_vnni: return "avx512_core_vnni";
    case Isa::avx_vnni: return "avx_vnni";
    case Isa::amx: return "amx";
    }
    return "unknown";
}

const char* exec_isa_tag(Isa isa) {
    switch (isa) {
    case Isa::sse42: return "sse42";
    case Isa::avx2: return "avx2";
    case Isa::avx_vnni: return "avx_vnni";
    case Isa::avx512_core: return "avx512";
    case Isa::avx512_core_vnni: return "avx512_vnni";
    case Isa::amx: return "amx";
    }
    return "unknown";
}

Isa parse_isa(const std::string& name) {
    for (Isa i : kAllIsas)
        if (name == isa_name(i)) return i;
    throw ArgumentError("unknown ISA '" + name + "'; valid names: " + isa_names());
}

int isa_simd_width(Isa isa) {
    switch (isa) {
    case Isa::sse42: return IsaTraits<Isa::sse42>::simd_w;
    case Isa::avx2: return IsaTraits<Isa::avx2>::simd_w;
    case Isa::avx_vnni: return IsaTraits<Isa::avx_vnni>::simd_w;
    case Isa::avx512_core: return IsaTraits<Isa::avx512_core>::simd_w;
    case Isa::avx512_core_vnni: return IsaTraits<Isa::avx512_core_vnni>::simd_w;
    case Isa::amx: return IsaTraits<Isa::amx>::simd_w;
    }
    return 0;
}

bool isa_has_vnni(Isa isa) {
    switch (isa) {
    case Isa::sse42: return IsaTraits<Isa::sse42>::has_vnni;
    case Isa::avx2: return IsaTraits<Isa::avx2>::has_vnni;
    case Isa::avx_vnni: return IsaTraits<Isa::avx_vnni>::has_vnni;
    case Isa::avx512_core: return IsaTraits<Isa::avx512_core>::has_vnni;
    case Isa::avx512_core_vnni: return IsaTraits<Isa::avx512_core_vnni>::has_vnni;
    case Isa::amx: return IsaTraits<Isa::amx>::has_vnni;
    }
    return false;
}

}  // namespace octet::jit
