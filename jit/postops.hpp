#pragma once
// PostOpEmitter<isa>: the numeric contract's tail (ir/epilogue.hpp) in JIT
// code, the only copy of it. Every int8 kernel hands it s32 accumulators and it
// emits, for one vector of output channels:
//
//   cvtdq2ps; ×scale[oc]; +bias[oc]; relu (max v,0) / clamp (max v,lo; min v,hi) /
//   sum (+ (float(r) - zp) × sum_scale) in order; ×out_scale[oc]; +out_shift[oc];
//   then f32 store, or max lo / min hi, cvtps2dq and a saturating pack to s32/u8/s8.
//
// Each step is one SSE-style "v = v op x" instruction with v first, exactly as
// the reference's C++ expressions (so max/min NaN semantics and NaN payloads
// agree); no FMA. Bit-exact with ir::epilogue_f32 + ir::saturate_round.
//
// Where values live:
//   - per-channel vectors (scale, bias, out_scale, out_shift) are read at run
//     time through a PostOpParams the kernel points a register at; their sizes
//     come from the Epilogue given at generation (0: the default, 1: broadcast,
//     else indexed by oc).
//   - post-op constants (clamp bounds, sum scale/zero point) and the dst bounds
//     are baked into a constant table that emit_data() appends to the code.
//   - a tail of n < simd_w lanes never touches memory past element n-1:
//     element-wise loads/stores on SSE/AVX2, opmask registers on AVX-512.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "ir/epilogue.hpp"
#include "jit/generator.hpp"
#include "jit/isa.hpp"
#include "jit/lane_io.hpp"
#include "jit/postop_params.hpp"

namespace octet::jit {

// Registers the emitter may use; the kernel keeps them away from its own data.
struct PostOpRegs {
    Xbyak::Reg64 params;    // holds a const PostOpParams* (preserved)
    Xbyak::Reg64 tmp;       // scratch GPR (clobbered)
    int vtmp = 14;          // two scratch vector registers, by index (clobbered)
    int vtmp2 = 15;
    int mask = 1;           // AVX-512 tails: opmask k<mask> (1..7, clobbered)
};

// Output channel of a vector's first lane: reg (in elements, optional) + offset.
struct Channel {
    Xbyak::Reg64 reg;
    bool has_reg = false;
    int offset = 0;
    static Channel at(int offset) { Channel c; c.offset = offset; return c; }
    static Channel at(const Xbyak::Reg64& reg, int offset = 0) {
        Channel c; c.reg = reg; c.has_reg = true; c.offset = offset; return c;
    }
};

template <Isa isa>
class PostOpEmitter {
public:
    using Traits = IsaTraits<isa>;
    using Vmm = typename Traits::Vmm;
    static constexpr int simd_w = Traits::simd_w;

    // Validates what JIT code can do with `e` (at most one sum, residual
    // u8/s8/f32, vector sizes 0/1/channels) and throws ArgumentError /
    // UnsupportedError otherwise.
    PostOpEmitter(Generator& g, const ir::Epilogue& e, int channels, const PostOpRegs& regs);

    // acc: n (1..simd_w) s32 lanes of channels oc..oc+n-1 (clobbered). residual:
    // address of the sum input's first element (ignored without sum); dst: where
    // the n results go, in the Epilogue's dst type.
    void apply(const Vmm& acc, const Channel& oc, int n, const Xbyak::RegExp& residual,
               const Xbyak::RegExp& dst);
    // apply() without the store, for kernels that pack several vectors into one
    // store: leaves the s32 result (already within the dst type's bounds) in acc
    // and returns true, or the f32 result for an f32 dst and returns false.
    // sat_acc_abs_max >= 0: the caller narrows the s32 result with signed
    // saturating packs (vpackssdw, then vpackuswb / vpacksswb) and |acc| never
    // exceeds it; when the chain then provably stays finite and inside int32,
    // the final clamp to the dst range (and a last relu before a u8 dst) is
    // left to the packs: the same integers, 1-2 fewer ops per vector.
    bool convert(const Vmm& acc, const Channel& oc, int n, const Xbyak::RegExp& residual,
                 double sat_acc_abs_max = -1.0);

    // Holds the per-channel vectors that convert()/apply() at channel oc (n lanes)
    // read (scale, bias, out_scale, out_shift, in that order, those the chain
    // emits) in the vector registers `regs` (free ones the kernel lends, any
    // count: the first vectors get them), loaded once here, until uncache().
    // Why: a kernel's pixels share their channels' vectors, and at small K (a
    // 64-channel 1x1: 16 vpdpbusd per accumulator) the epilogue's loads of them
    // and of their pointers are a third of its instructions. The same values in
    // the same ops: the results do not change. Returns how many it holds.
    int cache_channel(const Channel& oc, int n, const std::vector<int>& regs);
    void uncache() {
        cached_.on = false;
        for (int& r : cached_.reg) r = -1;
    }

    // Loads n s32 lanes at addr into v (other lanes zero), never past element n-1.
    void load_s32(const Vmm& v, const Xbyak::RegExp& addr, int n);

    // Appends the constant table; call once, after the kernel's last instruction.
    void emit_data();

    size_t dst_elem_size() const { return ir::elem_size(e_.dst_type); }
    size_t residual_elem_size() const;

private:
    Xbyak::Address constant(float value);
    bool packs_saturate(double acc_abs_max) const;
    // Channels of the emitted out_scale / out_shift (1 when both broadcast), and a value's
    // image through them computed as the kernel does.
    size_t requant_channels() const;
    float requant_image(float x, size_t c) const;
    void set_tail_mask(int n);
    void op_with_channel_vector(void (PostOpEmitter::*op)(const Vmm&, const Xbyak::Operand&),
                                const Vmm& v, size_t size, size_t param_offset, const Channel& oc, int n);
    void load_channel_vector(const Vmm& t, size_t size, size_t param_offset, const Channel& oc, int n);
    // Tail-safe n-lane moves (mask already set): jit/lane_io.hpp, shared with pool/eltwise.
    LaneIo<isa> lanes() { return LaneIo<isa>(g_, regs_.mask, regs_.vtmp); }
    void load_dwords(const Vmm& v, const Xbyak::RegExp& addr, int n) { lanes().load_dwords(v, addr, n); }
    void load_bytes_to_s32(const Vmm& v, const Xbyak::RegExp& addr, int n, bool is_signed) {
        lanes().load_bytes_to_s32(v, addr, n, is_signed);
    }
    void store_dwords(const Xbyak::RegExp& addr, const Vmm& v, int n) { lanes().store_dwords(addr, v, n); }
    void store_bytes(const Xbyak::RegExp& addr, const Vmm& v, int n, bool is_signed) {
        lanes().store_bytes(addr, v, n, is_signed);
    }

    // "d = d op s" in the ISA's encoding (legacy SSE on sse42, VEX/EVEX above).
    void add(const Vmm& d, const Xbyak::Operand& s);
    void sub(const Vmm& d, const Xbyak::Operand& s);
    void mul(const Vmm& d, const Xbyak::Operand& s);
    void max(const Vmm& d, const Xbyak::Operand& s);
    void min(const Vmm& d, const Xbyak::Operand& s);

    Generator& g_;
    ir::Epilogue e_;
    int channels_;
    PostOpRegs regs_;
    // Facts of e_ that convert() reads for every vector it emits, found once.
    bool bias_op_ = false, out_scale_op_ = false, out_shift_op_ = false;  // emitted (postops.cpp)
    bool requant_finite_ = false;                         // the emitted out_scale / out_shift are finite
    bool out_scale_nonneg_ = false, out_shift_nonpos_ = false;  // every value (NaN fails both)
    Xbyak::Label table_;
    std::vector<uint32_t> constants_;  // bit patterns, one table row each
    // cache_channel(): the channel it holds and, per PostOpParams field (by offset / 8), the register or -1.
    struct Cache {
        bool on = false;
        Channel oc;
        int n = 0;
        int reg[4] = {-1, -1, -1, -1};
    };
    Cache cached_;
    bool same_channel(const Channel& a, const Channel& b) const {
        return a.has_reg == b.has_reg && a.offset == b.offset && (!a.has_reg || a.reg.getIdx() == b.reg.getIdx());
    }
};

extern template class PostOpEmitter<Isa::sse42>;
extern template class PostOpEmitter<Isa::avx2>;
extern template class PostOpEmitter<Isa::avx_vnni>;
extern template class PostOpEmitter<Isa::avx512_core>;
extern template class PostOpEmitter<Isa::avx512_core_vnni>;
extern template class PostOpEmitter<Isa::amx>;

}  // namespace octet::jit
