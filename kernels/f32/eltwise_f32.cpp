#include "kernels/f32/eltwise_f32.hpp"

#include <cstddef>

namespace octet::kernels::f32 {

using namespace Xbyak;
using jit::Isa;

bool is_binary(EltOp op) { return op == EltOp::add || op == EltOp::sub || op == EltOp::mul; }

const char* elt_op_name(EltOp op) {
    switch (op) {
    case EltOp::copy: return "copy";
    case EltOp::relu: return "relu";
    case EltOp::clamp: return "clamp";
    case EltOp::gelu_erf: return "gelu_erf";
    case EltOp::gelu_tanh: return "gelu_tanh";
    case EltOp::add: return "add";
    case EltOp::sub: return "sub";
    case EltOp::mul: return "mul";
    }
    return "?";
}

namespace {

template <Isa I> class EltwiseF32Generator final : public jit::Generator {
public:
    using Vmm = typename jit::IsaTraits<I>::Vmm;
    static constexpr int W = jit::IsaTraits<I>::simd_w;
    static constexpr int VLEN = jit::IsaTraits<I>::vlen;

    explicit EltwiseF32Generator(const EltwiseDesc& d) : Generator(I), d_(d), m_(*this) {}

    std::string name() const override {
        std::string s = std::string("eltwise_") + jit::exec_isa_tag(I) + "_" + elt_op_name(d_.op);
        if (is_binary(d_.op)) s += std::string("_") + (d_.src0_scalar ? "s" : "v") + (d_.src1_scalar ? "s" : "v");
        if (d_.post_relu) s += "_relu";
        return s + "_f32";
    }

protected:
    void generate() override {
        preamble();
        mov(src0_, ptr[abi_param1 + offsetof(EltwiseArgs, src0)]);
        mov(src1_, ptr[abi_param1 + offsetof(EltwiseArgs, src1)]);
        mov(dst_, ptr[abi_param1 + offsetof(EltwiseArgs, dst)]);
        mov(n_, ptr[abi_param1 + offsetof(EltwiseArgs, n)]);
        m_.set_tail_mask_of(n_, rax, rcx);
        if (d_.src0_scalar) vbroadcastss(vs0_, ptr[src0_]);
        if (d_.src1_scalar) vbroadcastss(vs1_, ptr[src1_]);
        if (d_.op == EltOp::relu || d_.post_relu) vxorps(zero_, zero_, zero_);
        m_.vector_loop(i_, n_, rcx, unroll(), [&](int u, bool tail) { body(u, tail); });
        postamble();
        m_.emit_table();
    }

private:
    Address at(const Reg64& base, int u) { return ptr[base + i_ * 4 + u * VLEN]; }

    void load(const Vmm& v, const Reg64& base, int u, bool tail) {
        if (tail) m_.load_tail(v, at(base, u));
        else vmovups(v, at(base, u));
    }

    // v = a op b (b a register or memory: passed as the operand it is, never sliced).
    template <class B> void binary(const Vmm& v, const Vmm& a, const B& b) {
        if (d_.op == EltOp::add) vaddps(v, a, b);
        else if (d_.op == EltOp::sub) vsubps(v, a, b);
        else vmulps(v, a, b);
    }

    // Vectors per loop step. Gelu's polynomials are latency chains: AVX-512's 32
    // registers hold four independent erf evaluations (7 registers each), AVX2's
    // 16 two (v15 is the tail mask).
    static constexpr bool kAvx512 = jit::IsaTraits<I>::has_mask;
    int unroll() const {
        if (d_.op == EltOp::gelu_erf) return kAvx512 ? 4 : 2;
        if (d_.op == EltOp::gelu_tanh) return kAvx512 ? 4 : 2;
        return 4;
    }

    void body(int u, bool tail) {
        const Vmm v(d_.op == EltOp::gelu_erf ? 7 * u : u), t(4 + u);
        if (is_binary(d_.op)) {
            const Vmm a = d_.src0_scalar ? vs0_ : v;
            if (!d_.src0_scalar) load(v, src0_, u, tail);
            if (d_.src1_scalar) {
                binary(v, a, vs1_);
            } else if (tail) {
                m_.load_tail(t, at(src1_, u));
                binary(v, a, t);
            } else {
                binary(v, a, at(src1_, u));
            }
            if (d_.post_relu) vmaxps(v, v, zero_);
        } else {
            load(v, src0_, u, tail);
            switch (d_.op) {
            case EltOp::relu: vmaxps(v, v, zero_); break;  // NaN, -0 -> +0: the reference's x > 0 ? x : 0
            case EltOp::clamp:
                vmaxps(v, v, m_.constant(d_.lo));  // x > lo ? x : lo (NaN -> lo)
                vminps(v, v, m_.constant(d_.hi));  // x < hi ? x : hi
                break;
            case EltOp::gelu_erf: {  // v(7u) and scratch v(7u+1..7u+6)
                const int b = 7 * u;
                const Vmm tmp[6] = {Vmm(b + 1), Vmm(b + 2), Vmm(b + 3), Vmm(b + 4), Vmm(b + 5), Vmm(b + 6)};
                m_.gelu_erf(v, tmp);
                break;
            }
            case EltOp::gelu_tanh:  // scratch v(8+3u)..v(10+3u)
                m_.gelu_tanh(v, Vmm(8 + 3 * u), Vmm(9 + 3 * u), Vmm(10 + 3 * u)); break;
            default: break;  // copy
            }
        }
        if (tail) m_.store_tail(at(dst_, u), v);
        else vmovups(at(dst_, u), v);
    }

    EltwiseDesc d_;
    MathInjector<I> m_;
    const Reg64 src0_ = r8, src1_ = r9, dst_ = r10, n_ = r11, i_ = r12;
    // v0..v3 results, v4..v7 loaded second operands, v15 the AVX2 tail mask.
    const Vmm vs0_ = Vmm(8), vs1_ = Vmm(9), zero_ = Vmm(10);
};

}  // namespace

std::unique_ptr<EltwiseKernel> create_eltwise_kernel(const EltwiseDesc& d, Isa isa, std::string* why) {
    Isa f;
    if (!f32_jit_isa(isa, f)) {
        if (why) *why = std::string("no f32 JIT at ") + jit::isa_name(isa);
        return nullptr;
    }
    std::unique_ptr<jit::Generator> g;
    if (f == Isa::avx512_core) g = std::make_unique<EltwiseF32Generator<Isa::avx512_core>>(d);
    else g = std::make_unique<EltwiseF32Generator<Isa::avx2>>(d);
    return std::make_unique<EltwiseKernel>(std::move(g), f);
}

}  // namespace octet::kernels::f32
