#include "kernels/f32/pool_f32.hpp"

#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace octet::kernels::f32 {

using namespace Xbyak;
using jit::Isa;

namespace {

template <Isa I> class GlobalPoolF32Generator final : public jit::Generator {
public:
    using Vmm = typename jit::IsaTraits<I>::Vmm;
    static constexpr int VLEN = jit::IsaTraits<I>::vlen;
    static constexpr int kUnroll = 2;

    explicit GlobalPoolF32Generator(PoolF32Alg alg) : Generator(I), max_(alg == PoolF32Alg::max), m_(*this) {}
    std::string name() const override {
        return std::string("pool_") + jit::exec_isa_tag(I) + (max_ ? "_global_max" : "_global_avg") + "_f32";
    }

protected:
    void generate() override {
        preamble();
        mov(src_, ptr[abi_param1 + offsetof(GlobalPoolArgs, src)]);
        mov(dst_, ptr[abi_param1 + offsetof(GlobalPoolArgs, dst)]);
        mov(n_, ptr[abi_param1 + offsetof(GlobalPoolArgs, len)]);
        mov(planes_, ptr[abi_param1 + offsetof(GlobalPoolArgs, planes)]);
        vbroadcastss(count_, ptr[abi_param1 + offsetof(GlobalPoolArgs, count)]);
        m_.set_tail_mask_of(n_, rax, rcx);
        // Lowest value, as the reference's empty max (never wins over data).
        vmovaps(init_, m_.constant(max_ ? std::numeric_limits<float>::lowest() : 0.0f));

        Label l_plane, l_done;
        L(l_plane);
        test(planes_, planes_);
        jz(l_done, T_NEAR);
        for (int u = 0; u < kUnroll; ++u) vmovaps(Vmm(u), init_);
        m_.vector_loop(i_, n_, rcx, kUnroll, [&](int u, bool tail) {
            const Vmm x(2 + u);
            if (tail) m_.load_tail_fill(x, at(src_, u), init_);
            else vmovups(x, at(src_, u));
            op(Vmm(u), x);
        });
        op(Vmm(0), Vmm(1));
        if (max_) m_.reduce_max(Vmm(0), t_);
        else m_.reduce_sum(Vmm(0), t_);
        if (!max_) vdivps(Vmm(0), Vmm(0), count_);
        vmovss(ptr[dst_], Xmm(0));
        lea(src_, ptr[src_ + n_ * 4]);
        add(dst_, 4);
        dec(planes_);
        jmp(l_plane, T_NEAR);
        L(l_done);
        postamble();
        m_.emit_table();
    }

private:
    Address at(const Reg64& base, int u) { return ptr[base + i_ * 4 + u * VLEN]; }
    // a = max(a, b) keeps a when b is NaN (the reference's b > a ? b : a), or a + b.
    void op(const Vmm& a, const Vmm& b) {
        if (max_) vmaxps(a, b, a);
        else vaddps(a, a, b);
    }

    bool max_;
    MathInjector<I> m_;
    const Reg64 src_ = r8, dst_ = r9, n_ = r10, i_ = r11, planes_ = r12;
    const Vmm count_ = Vmm(8), init_ = Vmm(9), t_ = Vmm(10);
};


template <Isa I> class WindowPoolF32Generator final : public jit::Generator {
public:
    using Vmm = typename jit::IsaTraits<I>::Vmm;
    static constexpr int W = jit::IsaTraits<I>::simd_w;
    static constexpr int VLEN = jit::IsaTraits<I>::vlen;
    static constexpr bool kAvx512 = jit::IsaTraits<I>::has_mask;
    static constexpr int kUnroll = 2;

    explicit WindowPoolF32Generator(const WindowPoolDesc& d) : Generator(I), d_(d), m_(*this) {}
    std::string name() const override {
        return std::string("pool_") + jit::exec_isa_tag(I) + (d_.alg == PoolF32Alg::max ? "_max_" : "_avg_") +
               std::to_string(d_.kh) + "x" + std::to_string(d_.kw) + "s" + std::to_string(d_.sw) + "_f32";
    }

protected:
    void generate() override {
        const bool max = d_.alg == PoolF32Alg::max;
        preamble();
        mov(src_, ptr[abi_param1 + offsetof(WindowPoolArgs, src)]);
        mov(dst_, ptr[abi_param1 + offsetof(WindowPoolArgs, dst)]);
        mov(cnt_, ptr[abi_param1 + offsetof(WindowPoolArgs, count)]);
        mov(n_, ptr[abi_param1 + offsetof(WindowPoolArgs, ow)]);
        m_.set_tail_mask_of(n_, rax, rcx);
        vmovaps(init_, m_.constant(max ? std::numeric_limits<float>::lowest() : 0.0f));
        if (d_.sw == 2) {
            if constexpr (kAvx512) {
                for (int j = 0; j < W; ++j) idx_.push_back(uint32_t(2 * j));
                vmovups(even_, ptr[rip + idx_table_]);
            }
        }
        m_.vector_loop(i_, n_, rcx, kUnroll, [&](int u, bool tail) {
            const Vmm acc(u), x(2 + 2 * u), y(3 + 2 * u);
            vmovaps(acc, init_);
            for (int r = 0; r < d_.kh; ++r)
                for (int c = 0; c < d_.kw; ++c) {
                    const int64_t off = (r * d_.row_stride + c) * 4 + int64_t(u) * VLEN * d_.sw;
                    const Address a = d_.sw == 1 ? ptr[src_ + i_ * 4 + off] : ptr[src_ + i_ * 8 + off];
                    if (d_.sw == 1) {
                        vmovups(x, a);
                    } else if constexpr (kAvx512) {
                        vmovups(x, a);
                        vpermt2ps(x, even_, ptr[src_ + i_ * 8 + off + VLEN]);
                    } else {
                        vmovups(x, a);
                        vshufps(x, x, ptr[src_ + i_ * 8 + off + VLEN], 0x88);
                        vpermpd(x, x, 0xD8);
                    }
                    // max(x, acc) keeps acc when x is NaN: the reference's x > m ? x : m.
                    if (max) vmaxps(acc, x, acc);
                    else vaddps(acc, acc, x);
                }
            if (!max) {
                if (tail) {
                    m_.load_tail(y, ptr[cnt_ + i_ * 4 + u * VLEN]);
                    vdivps(acc, acc, y);
                } else {
                    vdivps(acc, acc, ptr[cnt_ + i_ * 4 + u * VLEN]);
                }
            }
            if (tail) m_.store_tail(ptr[dst_ + i_ * 4 + u * VLEN], acc);
            else vmovups(ptr[dst_ + i_ * 4 + u * VLEN], acc);
        });
        postamble();
        m_.emit_table();
        if (!idx_.empty()) {
            align(64);
            L(idx_table_);
            for (uint32_t v : idx_) dd(v);
        }
    }

private:
    WindowPoolDesc d_;
    MathInjector<I> m_;
    std::vector<uint32_t> idx_;
    Label idx_table_;
    const Reg64 src_ = r8, dst_ = r9, cnt_ = r10, n_ = r11, i_ = r12;
    const Vmm init_ = Vmm(8), even_ = Vmm(9);
};

}  // namespace

std::unique_ptr<GlobalPoolKernel> create_global_pool_kernel(PoolF32Alg alg, Isa isa, std::string* why) {
    Isa f;
    if (!f32_jit_isa(isa, f)) {
        if (why) *why = std::string("no f32 JIT at ") + jit::isa_name(isa);
        return nullptr;
    }
    std::unique_ptr<jit::Generator> g;
    if (f == Isa::avx512_core) g = std::make_unique<GlobalPoolF32Generator<Isa::avx512_core>>(alg);
    else g = std::make_unique<GlobalPoolF32Generator<Isa::avx2>>(alg);
    return std::make_unique<GlobalPoolKernel>(std::move(g), f);
}

}  // namespace octet::kernels::f32

namespace octet::kernels::f32 {

std::unique_ptr<WindowPoolKernel> create_window_pool_kernel(const WindowPoolDesc& d, Isa isa, std::string* why) {
    Isa f;
    if (!f32_jit_isa(isa, f)) {
        if (why) *why = std::string("no f32 JIT at ") + jit::isa_name(isa);
        return nullptr;
    }
    if (d.sw != 1 && d.sw != 2) {
        if (why) *why = "width stride " + std::to_string(d.sw) + " (generated: 1, 2)";
        return nullptr;
    }
    std::unique_ptr<jit::Generator> g;
    if (f == Isa::avx512_core) g = std::make_unique<WindowPoolF32Generator<Isa::avx512_core>>(d);
    else g = std::make_unique<WindowPoolF32Generator<Isa::avx2>>(d);
    return std::make_unique<WindowPoolKernel>(std::move(g), f);
}

}  // namespace octet::kernels::f32
