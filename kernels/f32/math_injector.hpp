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
    void exp(const Vmm& v, const Vmm& t0, const Vmm& t1) { exp(&v, &t0, &t1, 1); }
    // v[k] = exp(v[k]) for k < count, in lockstep (each instruction for every
    // k before the next one): the independent chains overlap in the scheduler.
    // Clobbers t0[k], t1[k].
    void exp(const Vmm* v, const Vmm* t0, const Vmm* t1, int count) {
        for (int k = 0; k < count; ++k) h_.vminps(v[k], v[k], constant(88.0f));
        for (int k = 0; k < count; ++k) h_.vmaxps(v[k], v[k], constant(-87.3365478515625f));
        for (int k = 0; k < count; ++k) h_.vmulps(t0[k], v[k], constant(1.44269504088896341f));  // x·log2(e)
        for (int k = 0; k < count; ++k) round_nearest(t0[k]);
        for (int k = 0; k < count; ++k)
            h_.vfnmadd231ps(v[k], t0[k], constant(0.693145751953125f));  // ln2 high part (exact n·hi)
        for (int k = 0; k < count; ++k) h_.vfnmadd231ps(v[k], t0[k], constant(1.428606765330187e-06f));  // ln2 low part
        // e^r, r in [-ln2/2, ln2/2]: Horner, highest degree first.
        static constexpr float kExp[] = {1.394110848e-03f, 8.375125937e-03f, 4.166635126e-02f, 1.666641533e-01f,
                                         5.000000000e-01f, 1.000000000e+00f, 1.000000000e+00f};
        horner(t1, v, count, kExp, sizeof kExp / sizeof kExp[0]);
        // 2^n: n in [-126, 127] after the clamp, a normal exponent.
        for (int k = 0; k < count; ++k) h_.vcvtps2dq(t0[k], t0[k]);
        for (int k = 0; k < count; ++k) h_.vpaddd(t0[k], t0[k], constant_bits(127));
        for (int k = 0; k < count; ++k) h_.vpslld(t0[k], t0[k], 23);
        for (int k = 0; k < count; ++k) h_.vmulps(v[k], t1[k], t0[k]);
    }

    // v = gelu_erf(v). Clobbers t0..t5 (six scratch registers).
    void gelu_erf(const Vmm& v, const Vmm (&t)[6]) { gelu_erf(&v, &t, 1); }
    // v[k] = gelu_erf(v[k]) for k < count, in lockstep (as exp()), each with
    // the instructions of the single form. Clobbers t[k][0..5].
    void gelu_erf(const Vmm* v, const Vmm (*t)[6], int count) {
        Vmm z[kMaxLockstep], a[kMaxLockstep], r[kMaxLockstep], u[kMaxLockstep], s[kMaxLockstep], hi[kMaxLockstep];
        for (int k = 0; k < count; ++k) {
            z[k] = t[k][0], a[k] = t[k][1], r[k] = t[k][2], u[k] = t[k][3], s[k] = t[k][4], hi[k] = t[k][5];
        }
        for (int k = 0; k < count; ++k) h_.vmulps(z[k], v[k], constant(0.70710678118654752f));  // as the reference: x·(1/√2) in f32
        for (int k = 0; k < count; ++k) h_.vandps(a[k], z[k], constant_bits(0x7FFFFFFFu));
        for (int k = 0; k < count; ++k) h_.vminps(a[k], a[k], constant(9.0f));
        // r = 1/(1 + a/2) in (0.18, 1]
        for (int k = 0; k < count; ++k) {
            h_.vmovaps(u[k], constant(1.0f));
            h_.vfmadd231ps(u[k], a[k], constant(0.5f));
        }
        for (int k = 0; k < count; ++k) {
            h_.vmovaps(r[k], constant(1.0f));
            h_.vdivps(r[k], r[k], u[k]);
        }
        // erfc(a) = e^(−a²)·r·P(r), P a degree-11 fit in r − 0.5909 (4.4e-8 relative).
        for (int k = 0; k < count; ++k) h_.vsubps(u[k], r[k], constant(0.5909090638160706f));
        static constexpr float kErfcP[] = {-3.317232057e-02f, 2.977813408e-02f,  3.553381562e-02f,
                                           -7.007978112e-02f, -4.804771859e-03f, 1.137534678e-01f,
                                           -4.397196323e-02f, -2.059418410e-01f, 7.620978355e-02f,
                                           5.894942880e-01f,  7.918522954e-01f,  5.779770613e-01f};
        horner(s, u, count, kErfcP, sizeof kErfcP / sizeof kErfcP[0]);
        for (int k = 0; k < count; ++k) h_.vmulps(s[k], s[k], r[k]);
        for (int k = 0; k < count; ++k) h_.vmulps(hi[k], a[k], a[k]);  // hi = a² (rounded)
        for (int k = 0; k < count; ++k) {
            h_.vmovaps(u[k], a[k]);
            h_.vfmsub213ps(u[k], a[k], hi[k]);  // lo = a·a − hi (exact)
        }
        for (int k = 0; k < count; ++k) h_.vfnmadd231ps(s[k], s[k], u[k]);  // ·e^(−lo) ≈ ·(1 − lo)
        for (int k = 0; k < count; ++k) h_.vxorps(hi[k], hi[k], constant_bits(0x80000000u));
        exp(hi, a, u, count);  // e^(−hi)
        for (int k = 0; k < count; ++k) h_.vmulps(s[k], s[k], hi[k]);  // erfc(|z|)
        for (int k = 0; k < count; ++k) {
            h_.vmovaps(u[k], constant(2.0f));
            h_.vsubps(u[k], u[k], s[k]);  // 1 + erf(|z|) = 2 − erfc(|z|)
        }
        // 1 + erf(z) = z < 0 ? erfc(|z|) : 2 − erfc(|z|)
        for (int k = 0; k < count; ++k) {
            if constexpr (kAvx512) {
                h_.vpmovd2m(h_.k2, z[k]);
                h_.vblendmps(u[k] | h_.k2, u[k], s[k]);
            } else {
                h_.vblendvps(u[k], u[k], s[k], z[k]);
            }
        }
        for (int k = 0; k < count; ++k) h_.vmulps(v[k], v[k], constant(0.5f));
        for (int k = 0; k < count; ++k) h_.vmulps(v[k], v[k], u[k]);
    }

    // v = gelu_tanh(v) = v / (1 + e^(−2u)). Clobbers t0..t2.
    void gelu_tanh(const Vmm& v, const Vmm& t0, const Vmm& t1, const Vmm& t2) { gelu_tanh(&v, &t0, &t1, &t2, 1); }
    // v[k] = gelu_tanh(v[k]) for k < count, in lockstep (as exp()). Clobbers t0[k]..t2[k].
    void gelu_tanh(const Vmm* v, const Vmm* t0, const Vmm* t1, const Vmm* t2, int count) {
        for (int k = 0; k < count; ++k) h_.vmulps(t0[k], v[k], v[k]);
        for (int k = 0; k < count; ++k) h_.vmulps(t0[k], t0[k], v[k]);
        for (int k = 0; k < count; ++k) h_.vmulps(t0[k], t0[k], constant(0.044715f));
        for (int k = 0; k < count; ++k) h_.vaddps(t0[k], t0[k], v[k]);
        for (int k = 0; k < count; ++k) h_.vmulps(t0[k], t0[k], constant(-2.0f * 0.79788456080286536f));  // −2u
        exp(t0, t1, t2, count);
        for (int k = 0; k < count; ++k) h_.vaddps(t0[k], t0[k], constant(1.0f));
        for (int k = 0; k < count; ++k) h_.vdivps(v[k], v[k], t0[k]);
    }

    // The most evaluations one lockstep call takes.
    static constexpr int kMaxLockstep = 4;

private:
    // acc[k] = Horner(c, x[k]), c highest degree first, in lockstep.
    void horner(const Vmm* acc, const Vmm* x, int count, const float* c, size_t n) {
        for (int k = 0; k < count; ++k) h_.vmovaps(acc[k], constant(c[0]));
        for (size_t i = 1; i < n; ++i)
            for (int k = 0; k < count; ++k) h_.vfmadd213ps(acc[k], x[k], constant(c[i]));
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
