#include "kernels/f32/mvn_f32.hpp"

#include <cstddef>

namespace octet::kernels::f32 {

using namespace Xbyak;
using jit::Isa;

namespace {

template <Isa I> class MvnF32Generator final : public jit::Generator {
public:
    using Vmm = typename jit::IsaTraits<I>::Vmm;
    static constexpr int VLEN = jit::IsaTraits<I>::vlen;
    static constexpr int kUnroll = 4;  // four independent sums: the add/FMA latency, not the loads, bounds a pass

    explicit MvnF32Generator(const MvnDesc& d) : Generator(I), d_(d), m_(*this) {}
    std::string name() const override {
        return std::string("mvn_") + jit::exec_isa_tag(I) + (d_.normalize_variance ? "" : "_mean") +
               (d_.eps_inside_sqrt ? "_inside" : "_outside") + "_f32";
    }

protected:
    void generate() override {
        preamble();
        mov(src_, ptr[abi_param1 + offsetof(MvnArgs, src)]);
        mov(dst_, ptr[abi_param1 + offsetof(MvnArgs, dst)]);
        mov(n_, ptr[abi_param1 + offsetof(MvnArgs, len)]);
        vbroadcastss(len_f_, ptr[abi_param1 + offsetof(MvnArgs, len_f)]);
        vbroadcastss(eps_, ptr[abi_param1 + offsetof(MvnArgs, eps)]);
        m_.set_tail_mask_of(n_, rax, rcx);

        // Pass 1: mean (masked lanes load as 0).
        for (int u = 0; u < kUnroll; ++u) vxorps(Vmm(u), Vmm(u), Vmm(u));
        m_.vector_loop(i_, n_, rcx, kUnroll, [&](int u, bool tail) {
            if (tail) {
                m_.load_tail(t_, at(src_, u));
                vaddps(Vmm(u), Vmm(u), t_);
            } else {
                vaddps(Vmm(u), Vmm(u), at(src_, u));
            }
        });
        sum_accumulators(mean_);
        m_.reduce_sum(mean_, t_);
        vdivps(mean_, mean_, len_f_);

        // Pass 2: 1/denom from the variance.
        if (d_.normalize_variance) {
            for (int u = 0; u < kUnroll; ++u) vxorps(Vmm(u), Vmm(u), Vmm(u));
            m_.vector_loop(i_, n_, rcx, kUnroll, [&](int u, bool tail) {
                const Vmm x(4 + u);
                if (tail) m_.load_tail(x, at(src_, u));
                else vmovups(x, at(src_, u));
                vsubps(x, x, mean_);
                if (tail) m_.zero_past_tail(x);
                vfmadd231ps(Vmm(u), x, x);
            });
            sum_accumulators(inv_);
            m_.reduce_sum(inv_, t_);
            vdivps(inv_, inv_, len_f_);  // variance
            if (d_.eps_inside_sqrt) {
                vaddps(inv_, inv_, eps_);
                vsqrtps(inv_, inv_);
            } else {
                vsqrtps(inv_, inv_);
                vaddps(inv_, inv_, eps_);
            }
            vmovaps(t_, m_.constant(1.0f));
            vdivps(inv_, t_, inv_);
        }

        // Pass 3: y = (x - mean) * inv.
        m_.vector_loop(i_, n_, rcx, kUnroll, [&](int u, bool tail) {
            const Vmm x(4 + u);
            if (tail) m_.load_tail(x, at(src_, u));
            else vmovups(x, at(src_, u));
            vsubps(x, x, mean_);
            if (d_.normalize_variance) vmulps(x, x, inv_);
            if (tail) m_.store_tail(at(dst_, u), x);
            else vmovups(at(dst_, u), x);
        });
        postamble();
        m_.emit_table();
    }

private:
    // dst = v0 + v1 + v2 + v3 (per lane). Clobbers t_.
    void sum_accumulators(const Vmm& dst) {
        vaddps(dst, Vmm(0), Vmm(1));
        vaddps(t_, Vmm(2), Vmm(3));
        vaddps(dst, dst, t_);
    }

    Address at(const Reg64& base, int u) { return ptr[base + i_ * 4 + u * VLEN]; }

    MvnDesc d_;
    MathInjector<I> m_;
    const Reg64 src_ = r8, dst_ = r9, n_ = r10, i_ = r11;
    const Vmm mean_ = Vmm(8), inv_ = Vmm(9), t_ = Vmm(10), len_f_ = Vmm(11), eps_ = Vmm(12);
};

}  // namespace

std::unique_ptr<MvnKernel> create_mvn_kernel(const MvnDesc& d, Isa isa, std::string* why) {
    Isa f;
    if (!f32_jit_isa(isa, f)) {
        if (why) *why = std::string("no f32 JIT at ") + jit::isa_name(isa);
        return nullptr;
    }
    std::unique_ptr<jit::Generator> g;
    if (f == Isa::avx512_core) g = std::make_unique<MvnF32Generator<Isa::avx512_core>>(d);
    else g = std::make_unique<MvnF32Generator<Isa::avx2>>(d);
    return std::make_unique<MvnKernel>(std::move(g), f);
}

}  // namespace octet::kernels::f32
