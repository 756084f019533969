#pragma once
// LaneIo<isa>: loads and stores of n lanes (1..simd_w) that never touch memory
// past lane n-1 — element-wise on SSE/AVX2, opmask k<mask> on AVX-512 (for
// n < simd_w the caller has set it to the first n lanes; any n != simd_w is a
// masked access there). One copy shared by PostOpEmitter and the kernels that
// move lanes without an epilogue (pooling, eltwise), so a tail fix lands once.
#include "jit/isa.hpp"

#include <xbyak/xbyak.h>

namespace octet::jit {

template <Isa isa>
class LaneIo {
public:
    using Traits = IsaTraits<isa>;
    using Vmm = typename Traits::Vmm;
    static constexpr int simd_w = Traits::simd_w;

    // vtmp: a scratch vector register index (clobbered by byte loads on AVX-512
    // tails and by every byte store).
    LaneIo(Xbyak::CodeGenerator& g, int mask, int vtmp) : g_(g), mask_(mask), vtmp_(vtmp) {}

    // n dwords (s32/f32) into v; the lanes past n are zeroed.
    void load_dwords(const Vmm& v, const Xbyak::RegExp& addr, int n);
    // n u8/s8 bytes, zero/sign extended to s32 lanes of v.
    void load_bytes_to_s32(const Vmm& v, const Xbyak::RegExp& addr, int n, bool is_signed);
    // n dwords of v; clobbers v on AVX2 tails of more than 4 lanes.
    void store_dwords(const Xbyak::RegExp& addr, const Vmm& v, int n);
    // n s32 lanes already inside the byte type's range (every pack is exact), as
    // u8 or s8; clobbers v.
    void store_bytes(const Xbyak::RegExp& addr, const Vmm& v, int n, bool is_signed);

private:
    Xbyak::CodeGenerator& g_;
    int mask_;
    int vtmp_;
};

extern template class LaneIo<Isa::sse42>;
extern template class LaneIo<Isa::avx2>;
extern template class LaneIo<Isa::avx_vnni>;
extern template class LaneIo<Isa::avx512_core>;
extern template class LaneIo<Isa::avx512_core_vnni>;
extern template class LaneIo<Isa::amx>;

}  // namespace octet::jit
