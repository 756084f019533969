#pragma once
// The one copy of f32 vector math that the generated f32 kernels share
// (Softmax, Gelu, MVN, eltwise, pooling): exp, the Gelu forms, horizontal
// reductions, constants and tail-masked loads/stores, written once for ymm
// (AVX2 + FMA) and zmm (AVX-512) and emitted into the caller's generator.
// (The idea of oneDNN's jit_uni_eltwise_injector; the polynomials below are
// our own Chebyshev fits, made with mpmath, coefficients rounded to f32.)
//
// Error bounds (measured by test/kernels/f32_ops_test.cpp against double):
//   exp(x):  x clamped to [-87.336, 88.0]; n = round(x·log2 e), r = x − n·ln2
//            (two-term ln2, FMA), e^r by a degree-6 polynomial (fit error 2e-8
//            relative), times 2^n from the exponent bits. ≤ 2 ulp on the clamp
//            range (measured through gelu_tanh: e^x, 1 + ·, x / · together stay
//            within 1.7 ulp); below −87.336 it returns e^−87.336 = 1.2e-38 (an
//            absolute error ≤ 1.2e-38), above 88 it returns e^88 (never Inf).
//   gelu_erf(x) = 0.5·x·(1 + erf(x/√2)), with 1 + erf(z) computed as
//            erfc(|z|) (z < 0) or 2 − erfc(|z|) (z ≥ 0), one branch-free form:
//            erfc(a) = e^(−a²)·r·P(r), r = 1/(1 + a/2), P a degree-11 fit
//            (4.4e-8 relative over a in [0, 9]), a² split exactly with FMA,
//            |z| clamped to 9 (erfc(9) = 4e-37). ≤ 8 ulp (6.4 measured over
//            4.8M points of [−14, 14]; e^x's and the four products' roundings
//            add up near z = −1.3) over the whole f32 range, including the
//            negative tail where the C++ form 1.f + erff(z) cancels (the
//            reference loses digits there, we do not).
//   gelu_tanh(x) = 0.5·x·(1 + tanh(u)) = x / (1 + e^(−2u)),
//            u = √(2/π)·(x + 0.044715·x³) formed in f32 (as the reference does):
//            ≤ 5 ulp given that u (1.64 measured); no cancellation for large
//            negative x.
#include <cstdint>
#include <cstring>
#include <vector>

#include "jit/generator.hpp"
#include "jit/isa.hpp"

namespace octet::kernels::f32 {

// AVX2 and AVX-512 instantiate; other ISAs map onto these two (f32_isa()).
template <jit::Isa I> class MathInjector {
public:
    using Traits = jit::IsaTraits<I>;
    using Vmm = typename Traits::Vmm;
    static constexpr int W = Traits::simd_w;
    static constexpr int VLEN = Traits::vlen;
    static constexpr bool kAvx512 = Traits::has_mask;
    static_assert(Traits::is_vex, "the f32 kernels are VEX/EVEX only");

    // The AVX2 tail mask lives in this register (the kernels leave it free);
    // AVX-512 uses k1.
    static constexpr int kTailMaskVmm = 15;

    explicit MathInjector(jit::Generator& g) : h_(g) {}

    // A full vector of `value`, from the constant table (emit_table() places it).
    Xbyak::Address constant(float value) {
        uint32_t b;
        std::memcpy(&b, &value, sizeof b);
        size_t i = 0;
        while (i < consts_.size() && consts_[i] != b) ++i;
        if (i == consts_.size()) consts_.push_back(b);
        return h_.ptr[h_.rip + table_ + int(i * VLEN)];
    }
    Xbyak::Address constant_bits(uint32_t bits) {
        float f;
        std::memcpy(&f, &bits, sizeof f);
        return constant(f);
    }

    // After the kernel's last instruction: the constants and the AVX2 mask table.
    void emit_table() {
        h_.align(64);
        h_.L(table_);
        for (uint32_t b : consts_)
            for (int j = 0; j < W; ++j) h_.dd(b);
        h_.L(mask_table_);  // W x all-ones, then W x zero: rem lanes start at W - rem
        for (int j = 0; j < 2 * W; ++j) h_.dd(j < W ? 0xFFFFFFFFu : 0u);
    }

    // ---- tails: the first `rem` (1..W-1, in a GPR) lanes ----
    // Sets k1 (AVX-512) or vmm15 (AVX2) for load_tail/store_tail; clobbers `tmp`.
    void set_tail_mask(const Xbyak::Reg64& rem, const Xbyak::Reg64& tmp) {
        if constexpr (kAvx512) {
            h_.mov(tmp, 1);
            h_.shlx(tmp, tmp, rem);
            h_.sub(tmp, 1);
            h_.kmovw(h_.k1, tmp.cvt32());
        } else {
            h_.lea(tmp, h_.ptr[h_.rip + mask_table_]);
            h_.neg(rem);
            h_.vmovups(Vmm(kTailMaskVmm), h_.ptr[tmp + rem * 4 + W * 4]);
            h_.neg(rem);
        }
    }
    // Masked lanes read as zero and never fault.
    void load_tail(const Vmm& v, const Xbyak::Address& a) {
        if constexpr (kAvx512) h_.vmovups(v | h_.k1 | Xbyak::util::T_z, a);
        else h_.vmaskmovps(v, Vmm(kTailMaskVmm), a);
    }
    // Masked lanes read as `fill` (a register holding the fill value in every lane).
    void load_tail_fill(const Vmm& v, const Xbyak::Address& a, const Vmm& fill) {
        if constexpr (kAvx512) {
            h_.vmovaps(v, fill);
            h_.vmovups(v | h_.k1, a);
        } else {
            h_.vmaskmovps(v, Vmm(kTailMaskVmm), a);
            h_.vblendvps(v, fill, v, Vmm(kTailMaskVmm));
        }
    }
    void store_tail(const Xbyak::Address& a, const Vmm& v) {
        if constexpr (kAvx512) h_.vmovups(a | h_.k1, v);
        else h_.vmaskmovps(a, Vmm(kTailMaskVmm), v);
    }
    // v = 0 in the lanes past the tail (so a sum can take the whole vector).
    void zero_past_tail(const Vmm& v) {
        if constexpr (kAvx512) h_.vmovaps(v | h_.k1 | Xbyak::util::T_z, v);
        else h_.vandps(v, v, Vmm(kTailMaskVmm));
    }

    // ---- horizontal reductions: every lane of v gets the max / sum of v ----
    void reduce_max(const Vmm& v, const Vmm& t) { reduce(v, t, true); }
    void reduce_sum(const Vmm& v, const Vmm& t) { reduce(v, t, false); }

    // Runs body(u, tail) over n elements, i counting elements from 0: blocks
    // of `unroll` vectors (body(0..unroll-1, false) addresses [p + i*4 + u*VLEN]),
    // then single vectors, then, when n % W != 0, one masked body(0, true)
    // (set_tail_mask(n % W) first). Clobbers tmp.
    template <class Body>
    void vector_loop(const Xbyak::Reg64& i, const Xbyak::Reg64& n, const Xbyak::Reg64& tmp, int unroll, Body body) {
        Xbyak::Label l_unroll, l_one, l_tail, l_done;
        h_.xor_(i, i);
        if (unroll > 1) {
            h_.L(l_unroll);
            h_.lea(tmp, h_.ptr[i + unroll * W]);
            h_.cmp(tmp, n);
            h_.jg(l_one, Xbyak::CodeGenerator::T_NEAR);
            for (int u = 0; u < unroll; ++u) body(u, false);
            h_.add(i, unroll * W);
            h_.jmp(l_unroll, Xbyak::CodeGenerator::T_NEAR);
        }
        h_.L(l_one);
        h_.lea(tmp, h_.ptr[i + W]);
        h_.cmp(tmp, n);
        h_.jg(l_tail, Xbyak::CodeGenerator::T_NEAR);
        body(0, false);
        h_.add(i, W);
        h_.jmp(l_one, Xbyak::CodeGenerator::T_NEAR);
        h_.L(l_tail);
        h_.cmp(i, n);
        h_.jge(l_done, Xbyak::CodeGenerator::T_NEAR);
        body(0, true);
        h_.L(l_done);
    }
    // Sets the tail mask for n % W lanes (n untouched). Clobbers rem, tmp.
    void set_tail_mask_of(const Xbyak::Reg64& n, const Xbyak::Reg64& rem, const Xbyak::Reg64& tmp) {
        h_.mov(rem, n);
        h_.and_(rem, W - 1);
        set_tail_mask(rem, tmp);
    }

    // ---- math, in place on v; t* are scratch ----
    // v = exp(v). Clobbers t0, t1.
    void exp(const Vmm& v, const Vmm& t0, const Vmm& t1) {
        h_.vminps(v, v, constant(88.0f));
        h_.vmaxps(v, v, constant(-87.3365478515625f));
        h_.vmulps(t0, v, constant(1.44269504088896341f));  // x·log2(e)
        round_nearest(t0);
        h_.vfnmadd231ps(v, t0, constant(0.693145751953125f));     // ln2 high part (exact n·hi)
        h_.vfnmadd231ps(v, t0, constant(1.428606765330187e-06f));  // ln2 low part
        // e^r, r in [-ln2/2, ln2/2]: Horner, highest degree first.
        static constexpr float kExp[] = {1.394110848e-03f, 8.375125937e-03f, 4.166635126e-02f, 1.666641533e-01f,
                                         5.000000000e-01f, 1.000000000e+00f, 1.000000000e+00f};
        horner(t1, v, kExp, sizeof kExp / sizeof kExp[0]);
        // 2^n: n in [-126, 127] after the clamp, a normal exponent.
        h_.vcvtps2dq(t0, t0);
        h_.vpaddd(t0, t0, constant_bits(127));
        h_.vpslld(t0, t0, 23);
        h_.vmulps(v, t1, t0);
    }

    // v = gelu_erf(v). Clobbers t0..t5 (six scratch registers).
    void gelu_erf(const Vmm& v, const Vmm (&t)[6]) {
        const Vmm &z = t[0], &a = t[1], &r = t[2], &u = t[3], &s = t[4], &hi = t[5];
        h_.vmulps(z, v, constant(0.70710678118654752f));  // as the reference: x·(1/√2) in f32
        h_.vandps(a, z, constant_bits(0x7FFFFFFFu));
        h_.vminps(a, a, constant(9.0f));
        // r = 1/(1 + a/2) in (0.18, 1]
        h_.vmovaps(u, constant(1.0f));
        h_.vfmadd231ps(u, a, constant(0.5f));
        h_.vmovaps(r, constant(1.0f));
        h_.vdivps(r, r, u);
        // erfc(a) = e^(−a²)·r·P(r), P a degree-11 fit in r − 0.5909 (4.4e-8 relative).
        h_.vsubps(u, r, constant(0.5909090638160706f));
        static constexpr float kErfcP[] = {-3.317232057e-02f, 2.977813408e-02f,  3.553381562e-02f,
                                           -7.007978112e-02f, -4.804771859e-03f, 1.137534678e-01f,
                                           -4.397196323e-02f, -2.059418410e-01f, 7.620978355e-02f,
                                           5.894942880e-01f,  7.918522954e-01f,  5.779770613e-01f};
        horner(s, u, kErfcP, sizeof kErfcP / sizeof kErfcP[0]);
        h_.vmulps(s, s, r);
        h_.vmulps(hi, a, a);          // hi = a² (rounded)
        h_.vmovaps(u, a);
        h_.vfmsub213ps(u, a, hi);     // lo = a·a − hi (exact)
        h_.vfnmadd231ps(s, s, u);     // ·e^(−lo) ≈ ·(1 − lo)
        h_.vxorps(hi, hi, constant_bits(0x80000000u));
        exp(hi, a, u);                // e^(−hi)
        h_.vmulps(s, s, hi);          // erfc(|z|)
        h_.vmovaps(u, constant(2.0f));
        h_.vsubps(u, u, s);           // 1 + erf(|z|) = 2 − erfc(|z|)
        // 1 + erf(z) = z < 0 ? erfc(|z|) : 2 − erfc(|z|)
        if constexpr (kAvx512) {
            h_.vpmovd2m(h_.k2, z);
            h_.vblendmps(u | h_.k2, u, s);
        } else {
            h_.vblendvps(u, u, s, z);
        }
        h_.vmulps(v, v, constant(0.5f));
        h_.vmulps(v, v, u);
    }

    // v = gelu_tanh(v) = v / (1 + e^(−2u)). Clobbers t0..t2.
    void gelu_tanh(const Vmm& v, const Vmm& t0, const Vmm& t1, const Vmm& t2) {
        h_.vmulps(t0, v, v);
        h_.vmulps(t0, t0, v);
        h_.vmulps(t0, t0, constant(0.044715f));
        h_.vaddps(t0, t0, v);
        h_.vmulps(t0, t0, constant(-2.0f * 0.79788456080286536f));  // −2u
        exp(t0, t1, t2);
        h_.vaddps(t0, t0, constant(1.0f));
        h_.vdivps(v, v, t0);
    }

private:
    // acc = Horner(c, x), c highest degree first.
    void horner(const Vmm& acc, const Vmm& x, const float* c, size_t n) {
        h_.vmovaps(acc, constant(c[0]));
        for (size_t i = 1; i < n; ++i) h_.vfmadd213ps(acc, x, constant(c[i]));
    }
    void round_nearest(const Vmm& v) {
        if constexpr (kAvx512) h_.vrndscaleps(v, v, 0);
        else h_.vroundps(v, v, 0);
    }
    void reduce(const Vmm& v, const Vmm& t, bool max) {
        auto op = [&](const Vmm& a, const Vmm& b) {
            if (max) h_.vmaxps(a, a, b); else h_.vaddps(a, a, b);
        };
        if constexpr (kAvx512) {
            h_.vshuff32x4(t, v, v, 0x4E);
            op(v, t);
            h_.vshuff32x4(t, v, v, 0xB1);
            op(v, t);
        } else {
            h_.vperm2f128(t, v, v, 0x01);
            op(v, t);
        }
        h_.vshufps(t, v, v, 0x4E);
        op(v, t);
        h_.vshufps(t, v, v, 0xB1);
        op(v, t);
    }

    jit::Generator& h_;
    std::vector<uint32_t> consts_;
    Xbyak::Label table_, mask_table_;
};

// The instantiation that runs the f32 kernels at `isa`: avx512 for the
// AVX-512 ISAs, avx2 for AVX2 / AVX-VNNI; sse42 has none (reference).
inline bool f32_jit_isa(jit::Isa isa, jit::Isa& out) {
    switch (isa) {
    case jit::Isa::avx2:
    case jit::Isa::avx_vnni: out = jit::Isa::avx2; return true;
    case jit::Isa::avx512_core:
    case jit::Isa::avx512_core_vnni:
    case jit::Isa::amx: out = jit::Isa::avx512_core; return true;
    default: return false;
    }
}

// "avx2" / "avx512": the exec type's ISA part (jit_<isa>_FP32).

}  // namespace octet::kernels::f32
