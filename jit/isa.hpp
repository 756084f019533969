#pragma once
// The instruction sets octet generates code for, and what each one means to a
// generator template (the way oneDNN's jit_uni_*<isa> kernels are written once
// for xmm/ymm/zmm).
//
// Each Isa is a *feature set*, as in oneDNN's cpu_isa_t:
//   sse42            = {sse4.2}
//   avx2             = sse42 + {avx, avx2, fma}
//   avx512_core      = avx2 + {avx512f, avx512bw, avx512vl, avx512dq}
//   avx512_core_vnni = avx512_core + {avx512_vnni}
//   avx_vnni         = avx2 + {avx_vnni}            (the VEX-encoded vpdpbusd)
//   amx              = avx512_core_vnni + {avx_vnni, amx_tile, amx_int8}
// A cap C admits an Isa I only when I's set is a subset of C's. avx_vnni is
// NOT under avx512_core_vnni: AVX-VNNI is its own CPUID bit (Ice Lake has
// AVX-512 VNNI without it), so capping at avx512_core (or avx512_core_vnni, or
// avx2) excludes avx_vnni. amx includes avx_vnni because every AMX CPU has it,
// so "amx" as a cap is "no cap".
#include <cstdint>
#include <string>

#include <xbyak/xbyak.h>

namespace octet::jit {

enum class Isa { sse42, avx2, avx512_core, avx512_core_vnni, avx_vnni, amx };

// Every Isa, in enum order.
constexpr Isa kAllIsas[] = {Isa::sse42, Isa::avx2, Isa::avx512_core,
                            Isa::avx512_core_vnni, Isa::avx_vnni, Isa::amx};

// "sse42", "avx2", "avx512_core", "avx512_core_vnni", "avx_vnni", "amx".
const char* isa_name(Isa isa);
// The ISA part of an exec type or kernel name, oneDNN style: "sse42", "avx2",
// "avx_vnni", "avx512", "avx512_vnni" (amx: "amx").
const char* exec_isa_tag(Isa isa);
// Inverse of isa_name; throws ArgumentError listing the valid names.
Isa parse_isa(const std::string& name);
// "sse42, avx2, ...": every valid name, for error messages and --help.
std::string isa_names();

// True when every feature of `isa` is in `cap` (the cap relation above).
bool isa_is_subset(Isa isa, Isa cap);

template <Isa isa> struct IsaTraits;

template <> struct IsaTraits<Isa::sse42> {
    using Vmm = Xbyak::Xmm;
    static constexpr int vlen = 16;           // vector bytes
    static constexpr int simd_w = vlen / 4;   // lanes of s32 / f32
    static constexpr bool has_vnni = false;
    static constexpr bool has_mask = false;   // opmask registers (AVX-512)
    static constexpr bool is_vex = false;     // legacy SSE encodings only
};
template <> struct IsaTraits<Isa::avx2> {
    using Vmm = Xbyak::Ymm;
    static constexpr int vlen = 32;
    static constexpr int simd_w = vlen / 4;
    static constexpr bool has_vnni = false;
    static constexpr bool has_mask = false;
    static constexpr bool is_vex = true;
};
template <> struct IsaTraits<Isa::avx_vnni> : IsaTraits<Isa::avx2> {
    static constexpr bool has_vnni = true;
};
template <> struct IsaTraits<Isa::avx512_core> {
    using Vmm = Xbyak::Zmm;
    static constexpr int vlen = 64;
    static constexpr int simd_w = vlen / 4;
    static constexpr bool has_vnni = false;
    static constexpr bool has_mask = true;
    static constexpr bool is_vex = true;
};
template <> struct IsaTraits<Isa::avx512_core_vnni> : IsaTraits<Isa::avx512_core> {
    static constexpr bool has_vnni = true;
};
template <> struct IsaTraits<Isa::amx> : IsaTraits<Isa::avx512_core_vnni> {};

// Lanes of s32/f32 per vector, at run time.
int isa_simd_width(Isa isa);
// IsaTraits<isa>::has_vnni at run time: vpdpbusd (avx_vnni, avx512_core_vnni, amx).
bool isa_has_vnni(Isa isa);

}  // namespace octet::jit
