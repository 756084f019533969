#include "kernels/f32/transpose_f32.hpp"

#include <cstddef>

namespace octet::kernels::f32 {

using namespace Xbyak;
using jit::Isa;

namespace {

template <Isa I> class GatherF32Generator final : public jit::Generator {
public:
    using Vmm = typename jit::IsaTraits<I>::Vmm;
    static constexpr int W = jit::IsaTraits<I>::simd_w;
    static constexpr int VLEN = jit::IsaTraits<I>::vlen;
    static constexpr bool kAvx512 = jit::IsaTraits<I>::has_mask;

    GatherF32Generator() : Generator(I), m_(*this) {}
    std::string name() const override { return std::string("transpose_") + jit::exec_isa_tag(I) + "_gather_f32"; }

protected:
    void generate() override {
        preamble();
        mov(src_, ptr[abi_param1 + offsetof(GatherArgs, src)]);
        mov(dst_, ptr[abi_param1 + offsetof(GatherArgs, dst)]);
        mov(n_, ptr[abi_param1 + offsetof(GatherArgs, n)]);
        mov(stride_, ptr[abi_param1 + offsetof(GatherArgs, stride)]);
        m_.set_tail_mask_of(n_, rax, rcx);
        // idx = lane · stride (dwords); the row base advances by W·stride elements per vector.
        vmovd(Xmm(idx_.getIdx()), stride_.cvt32());
        vpbroadcastd(idx_, Xmm(idx_.getIdx()));
        vpmulld(idx_, idx_, ptr[rip + iota_]);
        mov(step_, stride_);
        imul(step_, step_, W * 4);  // bytes per vector of sources
        mov(p_, src_);
        m_.vector_loop(i_, n_, rcx, 1, [&](int, bool tail) {
            if constexpr (kAvx512) {
                if (tail) kmovw(k2, k1);
                else kxnorw(k2, k2, k2);
                vxorps(x_, x_, x_);
                vgatherdps(x_ | k2, ptr[p_ + idx_ * 4]);
            } else {
                if (tail) vmovaps(gmask_, Vmm(MathInjector<I>::kTailMaskVmm));
                else vpcmpeqd(gmask_, gmask_, gmask_);
                vxorps(x_, x_, x_);
                vgatherdps(x_, ptr[p_ + idx_ * 4], gmask_);
            }
            if (tail) m_.store_tail(ptr[dst_ + i_ * 4], x_);
            else vmovups(ptr[dst_ + i_ * 4], x_);
            add(p_, step_);
        });
        postamble();
        m_.emit_table();
        align(64);
        L(iota_);
        for (int j = 0; j < W; ++j) dd(uint32_t(j));
    }

private:
    MathInjector<I> m_;
    Label iota_;
    const Reg64 src_ = r8, dst_ = r9, n_ = r10, i_ = r11, stride_ = r12, step_ = r13, p_ = r14;
    const Vmm x_ = Vmm(0), idx_ = Vmm(1), gmask_ = Vmm(2);
};

}  // namespace

std::unique_ptr<GatherKernel> create_gather_kernel(Isa isa, std::string* why) {
    Isa f;
    if (!f32_jit_isa(isa, f)) {
        if (why) *why = std::string("no f32 JIT at ") + jit::isa_name(isa);
        return nullptr;
    }
    std::unique_ptr<jit::Generator> g;
    if (f == Isa::avx512_core) g = std::make_unique<GatherF32Generator<Isa::avx512_core>>();
    else g = std::make_unique<GatherF32Generator<Isa::avx2>>();
    return std::make_unique<GatherKernel>(std::move(g), f);
}

}  // namespace octet::kernels::f32
