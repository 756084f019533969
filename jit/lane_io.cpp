#include "jit/lane_io.hpp"

namespace octet::jit {

using namespace Xbyak;

namespace {

// 1..3 dwords into the low lanes of x (the rest, and the upper ymm/zmm bits
// under VEX, zeroed).
template <bool vex>
void load_xmm_dwords(CodeGenerator& g, const Xmm& x, const RegExp& a, int n) {
    if (n == 1) {
        if constexpr (vex) g.vmovss(x, g.ptr[a]); else g.movss(x, g.ptr[a]);
        return;
    }
    if constexpr (vex) g.vmovq(x, g.ptr[a]); else g.movq(x, g.ptr[a]);
    if (n == 3) {
        if constexpr (vex) g.vpinsrd(x, x, g.ptr[a + 8], 2); else g.pinsrd(x, g.ptr[a + 8], 2);
    }
}

template <bool vex>
void store_xmm_dwords(CodeGenerator& g, const RegExp& a, const Xmm& x, int n) {
    if (n == 1) {
        if constexpr (vex) g.vmovss(g.ptr[a], x); else g.movss(g.ptr[a], x);
        return;
    }
    if constexpr (vex) g.vmovq(g.ptr[a], x); else g.movq(g.ptr[a], x);
    if (n == 3) {
        if constexpr (vex) g.vpextrd(g.ptr[a + 8], x, 2); else g.pextrd(g.ptr[a + 8], x, 2);
    }
}

}  // namespace

// AVX-512 tails: k<mask> already holds the first n lanes.
template <Isa isa>
void LaneIo<isa>::load_dwords(const Vmm& v, const RegExp& addr, int n) {
    const Xmm x(v.getIdx());
    if (n == simd_w) {
        if constexpr (Traits::is_vex) g_.vmovups(v, g_.ptr[addr]); else g_.movups(v, g_.ptr[addr]);
    } else if constexpr (Traits::has_mask) {
        g_.vmovups(v | Opmask(mask_) | Xbyak::util::T_z, g_.ptr[addr]);
    } else if constexpr (Traits::is_vex) {  // ymm, 1..7 lanes
        if (n < 4) {
            load_xmm_dwords<true>(g_, x, addr, n);
        } else if (n == 4) {
            g_.vmovups(x, g_.ptr[addr]);
        } else {
            // high lanes first, moved up, then the low 4 inserted from memory.
            load_xmm_dwords<true>(g_, x, addr + 16, n - 4);
            g_.vperm2f128(v, v, v, 0x08);  // high <- low, low <- 0
            g_.vinsertf128(v, v, g_.ptr[addr], 0);
        }
    } else {
        load_xmm_dwords<false>(g_, x, addr, n);
    }
}

template <Isa isa>
void LaneIo<isa>::load_bytes_to_s32(const Vmm& v, const RegExp& addr, int n, bool is_signed) {
    const Xmm x(v.getIdx());
    if (n == simd_w) {
        if constexpr (Traits::is_vex) {
            if (is_signed) g_.vpmovsxbd(v, g_.ptr[addr]); else g_.vpmovzxbd(v, g_.ptr[addr]);
        } else {
            if (is_signed) g_.pmovsxbd(v, g_.ptr[addr]); else g_.pmovzxbd(v, g_.ptr[addr]);
        }
        return;
    }
    if constexpr (Traits::has_mask) {
        // A byte-masked load (fault suppression on masked bytes), then widen.
        const Xmm staging(vtmp_);
        g_.vmovdqu8(staging | Opmask(mask_) | Xbyak::util::T_z, g_.ptr[addr]);
        if (is_signed) g_.vpmovsxbd(v, staging); else g_.vpmovzxbd(v, staging);
    } else if constexpr (Traits::is_vex) {
        g_.vpxor(x, x, x);
        for (int i = 0; i < n; ++i) g_.vpinsrb(x, x, g_.ptr[addr + i], i);
        if (is_signed) g_.vpmovsxbd(v, x); else g_.vpmovzxbd(v, x);
    } else {
        g_.pxor(x, x);
        for (int i = 0; i < n; ++i) g_.pinsrb(x, g_.ptr[addr + i], i);
        if (is_signed) g_.pmovsxbd(x, x); else g_.pmovzxbd(x, x);
    }
}

// Clobbers v when n < simd_w on AVX2 (its high half is extracted in place).
template <Isa isa>
void LaneIo<isa>::store_dwords(const RegExp& addr, const Vmm& v, int n) {
    const Xmm x(v.getIdx());
    if (n == simd_w) {
        if constexpr (Traits::is_vex) g_.vmovups(g_.ptr[addr], v); else g_.movups(g_.ptr[addr], v);
    } else if constexpr (Traits::has_mask) {
        g_.vmovups(g_.ptr[addr] | Opmask(mask_), v);
    } else if constexpr (Traits::is_vex) {
        if (n < 4) {
            store_xmm_dwords<true>(g_, addr, x, n);
        } else {
            g_.vmovups(g_.ptr[addr], x);
            if (n > 4) {
                g_.vextractf128(x, v, 1);
                store_xmm_dwords<true>(g_, addr + 16, x, n - 4);
            }
        }
    } else {
        store_xmm_dwords<false>(g_, addr, x, n);
    }
}

// v: s32 lanes already inside the byte type's range, so every pack is exact.
template <Isa isa>
void LaneIo<isa>::store_bytes(const RegExp& addr, const Vmm& v, int n, bool is_signed) {
    const Xmm x(v.getIdx());
    if constexpr (Traits::has_mask) {
        const Xmm packed(vtmp_);
        if (is_signed) g_.vpmovsdb(packed, v); else g_.vpmovusdb(packed, v);
        // EVEX stores: `packed` may be xmm16..31, which VEX vmovdqu cannot encode.
        if (n == simd_w) g_.vmovdqu8(g_.ptr[addr], packed);
        else g_.vmovdqu8(g_.ptr[addr] | Opmask(mask_), packed);
    } else if constexpr (Traits::is_vex) {
        const Xmm high(vtmp_);
        g_.vextracti128(high, v, 1);
        g_.vpackssdw(x, x, high);  // lanes 0..7 as s16, in order
        if (is_signed) g_.vpacksswb(x, x, x); else g_.vpackuswb(x, x, x);
        int i = 0;
        if (n == 8) {
            g_.vmovq(g_.ptr[addr], x);
            i = 8;
        } else if (n >= 4) {
            g_.vmovd(g_.ptr[addr], x);
            i = 4;
        }
        for (; i < n; ++i) g_.vpextrb(g_.ptr[addr + i], x, i);
    } else {
        g_.packssdw(x, x);
        if (is_signed) g_.packsswb(x, x); else g_.packuswb(x, x);
        if (n == 4) {
            g_.movd(g_.ptr[addr], x);
        } else {
            for (int i = 0; i < n; ++i) g_.pextrb(g_.ptr[addr + i], x, i);
        }
    }
}

template class LaneIo<Isa::sse42>;
template class LaneIo<Isa::avx2>;
template class LaneIo<Isa::avx_vnni>;
template class LaneIo<Isa::avx512_core>;
template class LaneIo<Isa::avx512_core_vnni>;
template class LaneIo<Isa::amx>;

}  // namespace octet::jit
