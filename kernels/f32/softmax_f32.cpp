#include "kernels/f32/softmax_f32.hpp"

#include <cmath>
#include <cstddef>

namespace octet::kernels::f32 {

using namespace Xbyak;
using jit::Isa;

namespace {

template <Isa I> class SoftmaxF32Generator final : public jit::Generator {
public:
    using Vmm = typename jit::IsaTraits<I>::Vmm;
    static constexpr int VLEN = jit::IsaTraits<I>::vlen;
    static constexpr int kUnroll = 2;

    SoftmaxF32Generator() : Generator(I), m_(*this) {}
    std::string name() const override { return std::string("softmax_") + jit::exec_isa_tag(I) + "_row_f32"; }

protected:
    void generate() override {
        preamble();
        mov(src_, ptr[abi_param1 + offsetof(SoftmaxArgs, src)]);
        mov(dst_, ptr[abi_param1 + offsetof(SoftmaxArgs, dst)]);
        mov(n_, ptr[abi_param1 + offsetof(SoftmaxArgs, len)]);
        m_.set_tail_mask_of(n_, rax, rcx);

        // Pass 1: max (lanes past the tail read as -inf).
        const Vmm neg_inf(12), max(10), t(11);
        vmovaps(neg_inf, m_.constant(-INFINITY));
        for (int u = 0; u < kUnroll; ++u) vmovaps(Vmm(u), neg_inf);
        m_.vector_loop(i_, n_, rcx, kUnroll, [&](int u, bool tail) {
            if (tail) {
                m_.load_tail_fill(t, at(src_, u), neg_inf);
                vmaxps(Vmm(u), Vmm(u), t);
            } else {
                vmaxps(Vmm(u), Vmm(u), at(src_, u));
            }
        });
        for (int u = 1; u < kUnroll; ++u) vmaxps(Vmm(0), Vmm(0), Vmm(u));
        vmovaps(max, Vmm(0));
        m_.reduce_max(max, t);

        // Pass 2: e = exp(x - max) to dst, sum in v0/v1.
        for (int u = 0; u < kUnroll; ++u) vxorps(Vmm(u), Vmm(u), Vmm(u));
        m_.vector_loop(i_, n_, rcx, kUnroll, [&](int u, bool tail) {
            const Vmm e(2 + u), t0(4 + 2 * u), t1(5 + 2 * u);
            if (tail) m_.load_tail(e, at(src_, u));
            else vmovups(e, at(src_, u));
            vsubps(e, e, max);
            m_.exp(e, t0, t1);
            if (tail) {
                m_.zero_past_tail(e);
                m_.store_tail(at(dst_, u), e);
            } else {
                vmovups(at(dst_, u), e);
            }
            vaddps(Vmm(u), Vmm(u), e);
        });
        for (int u = 1; u < kUnroll; ++u) vaddps(Vmm(0), Vmm(0), Vmm(u));
        m_.reduce_sum(Vmm(0), t);
        const Vmm inv(9);
        vmovaps(inv, m_.constant(1.0f));
        vdivps(inv, inv, Vmm(0));

        // Pass 3: dst *= 1/sum.
        m_.vector_loop(i_, n_, rcx, kUnroll, [&](int u, bool tail) {
            const Vmm e(2 + u);
            if (tail) {
                m_.load_tail(e, at(dst_, u));
                vmulps(e, e, inv);
                m_.store_tail(at(dst_, u), e);
            } else {
                vmulps(e, inv, at(dst_, u));
                vmovups(at(dst_, u), e);
            }
        });
        postamble();
        m_.emit_table();
    }

private:
    Address at(const Reg64& base, int u) { return ptr[base + i_ * 4 + u * VLEN]; }

    MathInjector<I> m_;
    const Reg64 src_ = r8, dst_ = r9, n_ = r10, i_ = r11;
};


template <Isa I> class SoftmaxStridedF32Generator final : public jit::Generator {
public:
    using Vmm = typename jit::IsaTraits<I>::Vmm;

    SoftmaxStridedF32Generator() : Generator(I), m_(*this) {}
    std::string name() const override { return std::string("softmax_") + jit::exec_isa_tag(I) + "_strided_f32"; }

protected:
    void generate() override {
        preamble();
        mov(src_, ptr[abi_param1 + offsetof(SoftmaxStridedArgs, src)]);
        mov(dst_, ptr[abi_param1 + offsetof(SoftmaxStridedArgs, dst)]);
        mov(len_, ptr[abi_param1 + offsetof(SoftmaxStridedArgs, len)]);
        mov(inner_, ptr[abi_param1 + offsetof(SoftmaxStridedArgs, inner)]);
        lea(stride_, ptr[inner_ * 4]);
        m_.set_tail_mask_of(inner_, rax, rcx);
        const Vmm x(0), max(1), sum(2), t0(3), t1(4), neg_inf(5);
        vmovaps(neg_inf, m_.constant(-INFINITY));
        m_.vector_loop(i_, inner_, rcx, 1, [&](int, bool tail) {
            auto load = [&](const Vmm& v, const Reg64& base, bool fill) {
                if (!tail) vmovups(v, ptr[base]);
                else if (fill) m_.load_tail_fill(v, ptr[base], neg_inf);
                else m_.load_tail(v, ptr[base]);
            };
            auto store = [&](const Reg64& base, const Vmm& v) {
                if (tail) m_.store_tail(ptr[base], v);
                else vmovups(ptr[base], v);
            };
            // Pass 1: column max.
            vmovaps(max, neg_inf);
            column(src_, dst_, [&] {
                load(x, a_, true);
                vmaxps(max, x, max);
            });
            // Pass 2: e = exp(x - max) to dst, column sum.
            vxorps(sum, sum, sum);
            column(src_, dst_, [&] {
                load(x, a_, false);
                vsubps(x, x, max);
                m_.exp(x, t0, t1);
                if (tail) m_.zero_past_tail(x);
                store(b_, x);
                vaddps(sum, sum, x);
            });
            vmovaps(t0, m_.constant(1.0f));
            vdivps(sum, t0, sum);
            // Pass 3: dst *= 1/sum.
            column(dst_, dst_, [&] {
                load(x, a_, false);
                vmulps(x, x, sum);
                store(b_, x);
            });
        });
        postamble();
        m_.emit_table();
    }

private:
    // Runs step() for k = 0..len-1 with a_ / b_ at column i_ of row k of from / to.
    template <class Step> void column(const Reg64& from, const Reg64& to, Step step) {
        Label l_k;
        lea(a_, ptr[from + i_ * 4]);
        lea(b_, ptr[to + i_ * 4]);
        mov(k_, len_);
        L(l_k);
        step();
        add(a_, stride_);
        add(b_, stride_);
        dec(k_);
        jnz(l_k, T_NEAR);
    }

    MathInjector<I> m_;
    const Reg64 src_ = r8, dst_ = r9, len_ = r10, inner_ = r11, i_ = r12, stride_ = r13, a_ = r14, b_ = r15, k_ = rbx;
};

}  // namespace

std::unique_ptr<SoftmaxKernel> create_softmax_kernel(Isa isa, std::string* why) {
    Isa f;
    if (!f32_jit_isa(isa, f)) {
        if (why) *why = std::string("no f32 JIT at ") + jit::isa_name(isa);
        return nullptr;
    }
    std::unique_ptr<jit::Generator> g;
    if (f == Isa::avx512_core) g = std::make_unique<SoftmaxF32Generator<Isa::avx512_core>>();
    else g = std::make_unique<SoftmaxF32Generator<Isa::avx2>>();
    return std::make_unique<SoftmaxKernel>(std::move(g), f);
}

std::unique_ptr<SoftmaxStridedKernel> create_softmax_strided_kernel(Isa isa, std::string* why) {
    Isa f;
    if (!f32_jit_isa(isa, f)) {
        if (why) *why = std::string("no f32 JIT at ") + jit::isa_name(isa);
        return nullptr;
    }
    std::unique_ptr<jit::Generator> g;
    if (f == Isa::avx512_core) g = std::make_unique<SoftmaxStridedF32Generator<Isa::avx512_core>>();
    else g = std::make_unique<SoftmaxStridedF32Generator<Isa::avx2>>();
    return std::make_unique<SoftmaxStridedKernel>(std::move(g), f);
}

}  // namespace octet::kernels::f32
