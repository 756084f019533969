#include "kernels/eltwise/jit_eltwise_generator.hpp"

#include <cstddef>
#include <cstring>
#include <string>
#include <vector>

#include "ir/epilogue.hpp"
#include "ir/error.hpp"
#include "jit/lane_io.hpp"
#include "kernels/f32/math_injector.hpp"

namespace octet::kernels::eltwise_jit {

using namespace Xbyak;
using jit::Isa;
using jit::IsaTraits;

const std::vector<float>& param_vector(const EltwiseChain& c, int slot) {
    static const std::vector<float> none;
    if (slot == kOutScale) return c.out_scale;
    if (slot == kOutShift) return c.out_shift;
    const size_t k = size_t(slot / 3);
    if (k >= c.inputs.size()) return none;
    const ChainInput& in = c.inputs[k];
    switch (slot % 3) {
    case 0: return in.zero_point;
    case 1: return in.scale;
    default: return in.bias;
    }
}

namespace {

uint32_t bits_of(float f) {
    uint32_t u;
    std::memcpy(&u, &f, sizeof u);
    return u;
}

template <Isa I>
class EltwiseGenerator final : public jit::Generator {
public:
    using Traits = IsaTraits<I>;
    using Vmm = typename Traits::Vmm;
    static constexpr int W = Traits::simd_w;
    static constexpr int VLEN = Traits::vlen;
    static constexpr bool kVex = Traits::is_vex;
    static constexpr bool kMaskRegs = Traits::has_mask;
    static constexpr int kUnroll = 4;
    static constexpr int kMasked = -1;  // lanes argument of an AVX-512 tail (mask in k1)
    static constexpr int kTmp = 14, kTmp2 = 15;

    EltwiseGenerator(const EltwiseChain& c, bool per_lane) : Generator(I), c_(c), math_(*this) {
        if (c.pre_op != ChainPreOp::none && !kVex) throw UnsupportedError(c.op + ": the f32 Gelu is AVX2 and up");
        // Gelu's polynomials are latency chains: as many independent ones per
        // step as the registers hold (kernels/f32/eltwise_f32.cpp does the same).
        unroll_ = c.pre_op == ChainPreOp::none ? kUnroll : kMaskRegs ? 4 : 2;
        for (int s = 0; s < kParams; ++s) {
            const std::vector<float>& v = param_vector(c, s);
            mode_[s] = v.empty() ? ParamMode::none
                                 : (per_lane && v.size() > 1 ? ParamMode::lanes : ParamMode::broadcast);
        }
        name_ = c.op + "_" + (I == Isa::sse42 ? "sse42" : I == Isa::avx2 ? "avx2" : "avx512") + "_";
        for (const ChainInput& in : c.inputs) name_ += ir::to_string(in.type);
        name_ += ir::to_string(c.dst_type);
        if (c.relu) name_ += "_relu";
        name_ += !c.per_channel() ? "_pt" : per_lane ? "_pcl" : "_pc";
    }

    std::string name() const override { return name_; }

protected:
    void generate() override;

private:
    // ---- "d = d op s", legacy SSE on sse42, VEX/EVEX above ----
    void fadd(const Vmm& d, const Operand& s) { if constexpr (kVex) vaddps(d, d, s); else addps(d, s); }
    void fsub(const Vmm& d, const Operand& s) { if constexpr (kVex) vsubps(d, d, s); else subps(d, s); }
    void fmul(const Vmm& d, const Operand& s) { if constexpr (kVex) vmulps(d, d, s); else mulps(d, s); }
    void fmax(const Vmm& d, const Operand& s) { if constexpr (kVex) vmaxps(d, d, s); else maxps(d, s); }
    void fmin(const Vmm& d, const Operand& s) { if constexpr (kVex) vminps(d, d, s); else minps(d, s); }
    void cvt_to_f32(const Vmm& v) { if constexpr (kVex) vcvtdq2ps(v, v); else cvtdq2ps(v, v); }
    void cvt_to_s32(const Vmm& v) { if constexpr (kVex) vcvtps2dq(v, v); else cvtps2dq(v, v); }

    Address constant(float value) {
        const uint32_t b = bits_of(value);
        size_t i = 0;
        while (i < consts_.size() && consts_[i] != b) ++i;
        if (i == consts_.size()) consts_.push_back(b);
        return ptr[rip + table_ + int(i * VLEN)];
    }

    // ---- n lanes: W (whole vector), 1..W-1 (SSE/AVX2 tails), kMasked (AVX-512, k1) ----
    // jit/lane_io.hpp, the copy PostOpEmitter uses too; kTmp2 is its scratch.
    jit::LaneIo<I> lanes() { return jit::LaneIo<I>(*this, 1, kTmp2); }
    void load_dwords(const Vmm& v, const RegExp& a, int n) { lanes().load_dwords(v, a, n); }
    void load_bytes(const Vmm& v, const RegExp& a, int n, bool sgn) { lanes().load_bytes_to_s32(v, a, n, sgn); }
    // Clobbers v on AVX2 tails of more than 4 lanes.
    void store_dwords(const RegExp& a, const Vmm& v, int n) { lanes().store_dwords(a, v, n); }
    // v: s32 lanes inside the byte type's range (every pack is exact).
    void store_bytes(const RegExp& a, const Vmm& v, int n, bool sgn) { lanes().store_bytes(a, v, n, sgn); }

    // ---- the chain ----
    void param_op(void (EltwiseGenerator::*op)(const Vmm&, const Operand&), int slot, const Vmm& v, int off, int n) {
        switch (mode_[slot]) {
        case ParamMode::none: return;
        case ParamMode::broadcast: (this->*op)(v, ptr[frame(slot * VLEN)]); return;
        case ParamMode::lanes: {
            const RegExp a = preg_[slot] + i_ * 4 + off * 4;
            if (n == W && kVex) {
                (this->*op)(v, ptr[a]);
            } else {  // SSE memory operands must be aligned; tails never read past the run
                const Vmm t(kTmp);
                load_dwords(t, a, n);
                (this->*op)(v, t);
            }
            return;
        }
        }
    }

    void load_input(int k, const Vmm& v, int off, int n) {
        load_raw(k, v, off, n);
        if (k == 0 && c_.pre_op != ChainPreOp::none) pre_op(v.getIdx(), 1);
        input_params(k, v, off, n);
    }
    // Input k's n lanes as f32.
    void load_raw(int k, const Vmm& v, int off, int n) {
        const ir::ElemType t = c_.inputs[size_t(k)].type;
        const int sz = int(ir::elem_size(t));
        const RegExp a = src_[k] + i_ * sz + off * sz;
        if (t == ir::ElemType::f32) {
            load_dwords(v, a, n);
        } else if (t == ir::ElemType::s32) {
            load_dwords(v, a, n);
            cvt_to_f32(v);
        } else {
            load_bytes(v, a, n, t == ir::ElemType::s8);
            cvt_to_f32(v);
        }
    }
    void input_params(int k, const Vmm& v, int off, int n) {
        param_op(&EltwiseGenerator::fsub, 3 * k + 0, v, off, n);
        param_op(&EltwiseGenerator::fmul, 3 * k + 1, v, off, n);
        param_op(&EltwiseGenerator::fadd, 3 * k + 2, v, off, n);
    }

    // v(first + k) = gelu(v(first + k)) for k < count with the f32 Gelu
    // kernel's instructions, in lockstep (kernels/f32/math_injector.hpp). Each
    // vector gets scratch registers of its own (6 for erf, 3 for tanh) above
    // v0..v(unroll-1), kTmp and kTmp2 left out: AVX2 v2..v13, AVX-512 24 of v4..v31.
    void pre_op(int first, int count) {
        if constexpr (kVex) {
            using Math = f32::MathInjector<kVex ? I : Isa::avx2>;
            const bool erf = c_.pre_op == ChainPreOp::gelu_erf;
            const int per = erf ? 6 : 3;
            std::vector<int> free;
            for (int r = unroll_; r < (kMaskRegs ? 32 : 16); ++r)
                if (r != kTmp && r != kTmp2) free.push_back(r);
            if (count > Math::kMaxLockstep || int(free.size()) < per * count)
                throw Error(name_ + ": out of vector registers");
            Vmm v[Math::kMaxLockstep], t[Math::kMaxLockstep][6];
            for (int k = 0; k < count; ++k) {
                v[k] = Vmm(first + k);
                for (int j = 0; j < per; ++j) t[k][j] = Vmm(free[size_t(per * k + j)]);
            }
            if (erf) {
                math_.gelu_erf(v, t, count);
            } else {
                Vmm t0[Math::kMaxLockstep], t1[Math::kMaxLockstep], t2[Math::kMaxLockstep];
                for (int k = 0; k < count; ++k) t0[k] = t[k][0], t1[k] = t[k][1], t2[k] = t[k][2];
                math_.gelu_tanh(v, t0, t1, t2, count);
            }
        }
    }

    // Elements [i + off, i + off + lanes) through the whole chain.
    void block(int u, int off, int n) {
        const Vmm v(u), w(kUnroll + u);
        load_input(0, v, off, n);
        if (c_.inputs.size() == 2) {
            load_input(1, w, off, n);
            fadd(v, w);
        }
        block_output(u, off, n);
    }
    // The rest of block(): from v(u) to the store.
    void block_output(int u, int off, int n) {
        const Vmm v(u);
        if (c_.relu) fmax(v, constant(0.f));  // v > 0 ? v : 0 (NaN -> 0)
        param_op(&EltwiseGenerator::fmul, kOutScale, v, off, n);
        param_op(&EltwiseGenerator::fadd, kOutShift, v, off, n);
        const ir::ElemType t = c_.dst_type;
        if (t == ir::ElemType::f32) {
            store_dwords(dst_ + i_ * 4 + off * 4, v, n);
            return;
        }
        float lo, hi;
        ir::dst_bounds(t, lo, hi);
        fmax(v, constant(lo));  // NaN -> lo
        fmin(v, constant(hi));
        cvt_to_s32(v);  // half to even
        if (t == ir::ElemType::s32) store_dwords(dst_ + i_ * 4 + off * 4, v, n);
        else store_bytes(dst_ + i_ + off, v, n, t == ir::ElemType::s8);
    }

    EltwiseChain c_;
    // The f32 math of the pre-op (AVX2 / AVX-512 code; idle on SSE4.2).
    f32::MathInjector<kVex ? I : Isa::avx2> math_;
    int unroll_ = kUnroll;  // vectors per main-loop step
    ParamMode mode_[kParams];
    Reg64 preg_[kParams];
    const Reg64 src_[2] = {r8, r9};
    const Reg64 dst_ = r10, n_ = r11, i_ = rax, t_ = rdx;
    Label table_, iota_;
    std::vector<uint32_t> consts_;
    std::string name_;
};

template <Isa I>
void EltwiseGenerator<I>::generate() {
    preamble(kParams * VLEN);
    const Reg64 args = abi_param1;  // rdi
    mov(src_[0], ptr[args + offsetof(CallArgs, src)]);
    if (c_.inputs.size() == 2) mov(src_[1], ptr[args + offsetof(CallArgs, src) + 8]);
    mov(dst_, ptr[args + offsetof(CallArgs, dst)]);
    mov(n_, ptr[args + offsetof(CallArgs, n)]);

    // Broadcast values: one full vector each in the frame (64-aligned), used as memory operands.
    const Vmm tmp(kTmp);
    for (int s = 0; s < kParams; ++s) {
        if (mode_[s] != ParamMode::broadcast) continue;
        mov(t_, ptr[args + int(offsetof(CallArgs, param) + 8 * s)]);
        if constexpr (kVex) {
            vbroadcastss(tmp, ptr[t_]);
            vmovups(ptr[frame(s * VLEN)], tmp);
        } else {
            movss(tmp, ptr[t_]);
            shufps(tmp, tmp, 0);
            movups(ptr[frame(s * VLEN)], tmp);
        }
    }
    // Per-lane vectors: a pointer register each; rdi (the args) is handed out last.
    const Reg64 pool[] = {rcx, rsi, rbx, r12, r13, r14, r15, rdi};
    int used = 0;
    for (int s = 0; s < kParams; ++s)
        if (mode_[s] == ParamMode::lanes) preg_[s] = pool[used++];
    for (int s = 0; s < kParams; ++s)
        if (mode_[s] == ParamMode::lanes && preg_[s] != args) mov(preg_[s], ptr[args + int(offsetof(CallArgs, param) + 8 * s)]);
    for (int s = 0; s < kParams; ++s)
        if (mode_[s] == ParamMode::lanes && preg_[s] == args) mov(preg_[s], ptr[args + int(offsetof(CallArgs, param) + 8 * s)]);

    Label l_main, l_single, l_tail, l_done;
    xor_(i_, i_);
    L(l_main);
    mov(t_, n_);
    sub(t_, i_);
    cmp(t_, unroll_ * W);
    jl(l_single, T_NEAR);
    if (c_.pre_op == ChainPreOp::none) {
        for (int u = 0; u < unroll_; ++u) block(u, u * W, W);
    } else {
        // The step's Gelus in lockstep, then the quantize tails: the Gelus'
        // long dependency chains overlap, and each tail's operations enter the
        // scheduler when their Gelu is (nearly) done instead of waiting there.
        for (int u = 0; u < unroll_; ++u) load_raw(0, Vmm(u), u * W, W);
        pre_op(0, unroll_);
        for (int u = 0; u < unroll_; ++u) input_params(0, Vmm(u), u * W, W);
        for (int u = 0; u < unroll_; ++u) block_output(u, u * W, W);
    }
    add(i_, unroll_ * W);
    jmp(l_main, T_NEAR);

    L(l_single);
    mov(t_, n_);
    sub(t_, i_);
    cmp(t_, W);
    jl(l_tail, T_NEAR);
    block(0, 0, W);
    add(i_, W);
    jmp(l_single, T_NEAR);

    L(l_tail);  // t_ = n - i, 0..W-1
    test(t_, t_);
    jle(l_done, T_NEAR);
    if constexpr (kMaskRegs) {
        vpbroadcastd(tmp, t_.cvt32());
        vpcmpgtd(k1, tmp, ptr[rip + iota_]);  // lane j: j < rest
        block(0, 0, kMasked);
    } else {
        for (int r = 1; r < W; ++r) {
            Label next;
            cmp(t_, r);
            jne(next, T_NEAR);
            block(0, 0, r);
            jmp(l_done, T_NEAR);
            L(next);
        }
    }
    L(l_done);
    postamble();

    align(64);
    L(table_);
    for (uint32_t b : consts_)
        for (int l = 0; l < W; ++l) dd(b);
    if constexpr (kMaskRegs) {
        L(iota_);
        for (int l = 0; l < W; ++l) dd(uint32_t(l));
    }
    if (c_.pre_op != ChainPreOp::none) math_.emit_table();
}

}  // namespace

std::unique_ptr<jit::Generator> make_generator(Isa isa, const EltwiseChain& c, bool per_lane) {
    switch (isa) {
    case Isa::sse42: return std::make_unique<EltwiseGenerator<Isa::sse42>>(c, per_lane);
    case Isa::avx2:
    case Isa::avx_vnni: return std::make_unique<EltwiseGenerator<Isa::avx2>>(c, per_lane);
    default: return std::make_unique<EltwiseGenerator<Isa::avx512_core>>(c, per_lane);
    }
}

}  // namespace octet::kernels::eltwise_jit
