#include "kernels/eltwise/jit_int8_clamp_kernel.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>

#include "ir/error.hpp"
#include "jit/cpu.hpp"
#include "jit/generator.hpp"
#include "kernels/eltwise/jit_row_copy_generator.hpp"

namespace octet::kernels {
namespace {

using namespace Xbyak;
using jit::Isa;
using jit::IsaTraits;

struct Call {
    const uint8_t* src;
    uint8_t* dst;
    int64_t n;  // elements, >= 1
};

template <Isa kIsa>
class JitInt8Clamp : public jit::Generator {
public:
    using Traits = IsaTraits<kIsa>;
    using Vmm = typename Traits::Vmm;
    static constexpr int vlen = Traits::vlen;

    JitInt8Clamp(const Int8ClampProblem& p, std::string name) : Generator(kIsa), p_(p), name_(std::move(name)) {}
    std::string name() const override { return name_; }

private:
    const Reg64 reg_src = r8, reg_dst = r9, reg_n = r10, reg_cnt = r11;
    const Reg32 reg_v = eax, reg_lo = ecx, reg_hi = edx;
    bool s8() const { return p_.type == ir::ElemType::s8; }

    void vload(const Vmm& v, const Address& a) {
        if constexpr (Traits::has_mask) vmovdqu8(v, a);
        else if constexpr (Traits::is_vex) vmovdqu(v, a);
        else movdqu(v, a);
    }
    void vstore(const Address& a, const Vmm& v) {
        if constexpr (Traits::has_mask) vmovdqu8(a, v);
        else if constexpr (Traits::is_vex) vmovdqu(a, v);
        else movdqu(a, v);
    }
    void vmax(const Vmm& d, const Vmm& s) {
        if constexpr (Traits::is_vex) { if (s8()) vpmaxsb(d, d, s); else vpmaxub(d, d, s); }
        else { if (s8()) pmaxsb(d, s); else pmaxub(d, s); }
    }
    void vmin(const Vmm& d, const Vmm& s) {
        if constexpr (Traits::is_vex) { if (s8()) vpminsb(d, d, s); else vpminub(d, d, s); }
        else { if (s8()) pminsb(d, s); else pminub(d, s); }
    }

    void generate() override {
        constexpr int kUnroll = 4;
        const Vmm lo(14), hi(15);
        preamble();
        mov(reg_src, ptr[abi_param1 + offsetof(Call, src)]);
        mov(reg_dst, ptr[abi_param1 + offsetof(Call, dst)]);
        mov(reg_n, ptr[abi_param1 + offsetof(Call, n)]);
        vload(lo, ptr[rip + consts_]);
        vload(hi, ptr[rip + consts_ + vlen]);

        Label unrolled, single, tail, done;
        L(unrolled);  // kUnroll vectors at a time
        cmp(reg_n, kUnroll * vlen);
        jl(single, T_NEAR);
        for (int u = 0; u < kUnroll; ++u) vload(Vmm(u), ptr[reg_src + u * vlen]);
        for (int u = 0; u < kUnroll; ++u) {
            vmax(Vmm(u), lo);
            vmin(Vmm(u), hi);
        }
        for (int u = 0; u < kUnroll; ++u) vstore(ptr[reg_dst + u * vlen], Vmm(u));
        add(reg_src, kUnroll * vlen);
        add(reg_dst, kUnroll * vlen);
        sub(reg_n, kUnroll * vlen);
        jmp(unrolled, T_NEAR);

        L(single);  // then whole vectors
        cmp(reg_n, vlen);
        jl(tail, T_NEAR);
        vload(Vmm(0), ptr[reg_src]);
        vmax(Vmm(0), lo);
        vmin(Vmm(0), hi);
        vstore(ptr[reg_dst], Vmm(0));
        add(reg_src, vlen);
        add(reg_dst, vlen);
        sub(reg_n, vlen);
        jmp(single, T_NEAR);

        L(tail);  // then bytes: the value widened to 32 bits, compared signed
        test(reg_n, reg_n);
        jz(done, T_NEAR);
        mov(reg_lo, p_.lo);
        mov(reg_hi, p_.hi);
        Label each;
        L(each);
        if (s8()) movsx(reg_v, byte[reg_src]); else movzx(reg_v, byte[reg_src]);
        cmp(reg_v, reg_lo);
        cmovl(reg_v, reg_lo);
        cmp(reg_v, reg_hi);
        cmovg(reg_v, reg_hi);
        mov(byte[reg_dst], al);
        inc(reg_src);
        inc(reg_dst);
        dec(reg_n);
        jnz(each, T_NEAR);
        L(done);
        postamble();

        align(64);
        L(consts_);
        for (int32_t b : {p_.lo, p_.hi})
            for (int i = 0; i < vlen; ++i) db(uint8_t(b));
    }

    Int8ClampProblem p_;
    std::string name_;
    Label consts_;
};

std::unique_ptr<jit::Generator> make_generator(Isa isa, const Int8ClampProblem& p, const std::string& name) {
    switch (isa) {
    case Isa::sse42: return std::make_unique<JitInt8Clamp<Isa::sse42>>(p, name);
    case Isa::avx2: return std::make_unique<JitInt8Clamp<Isa::avx2>>(p, name);
    case Isa::avx_vnni: return std::make_unique<JitInt8Clamp<Isa::avx_vnni>>(p, name);
    case Isa::avx512_core: return std::make_unique<JitInt8Clamp<Isa::avx512_core>>(p, name);
    default: return std::make_unique<JitInt8Clamp<Isa::avx512_core_vnni>>(p, name);
    }
}

class JitInt8ClampKernel final : public Int8ClampKernel {
public:
    JitInt8ClampKernel(const Int8ClampProblem& p, Isa isa) : p_(p), isa_(isa) {
        exec_type_ = std::string("jit_") + jit::exec_isa_tag(isa) + "_I8";
        name_ = std::string("clamp_") + jit::exec_isa_tag(isa) + "_" + ir::to_string(p.type) + "_" +
                std::to_string(p.lo) + "_" + std::to_string(p.hi) + (p.name.empty() ? "" : "_" + p.name);
        gen_ = make_generator(isa, p, name_);
        gen_->create();
        fn_ = gen_->function<void(const Call*)>();
    }
    std::string exec_type() const override { return exec_type_; }
    std::string name() const override { return name_; }
    int64_t work_units() const override { return (p_.elements + kElementsPerUnit - 1) / kElementsPerUnit; }
    Isa isa() const override { return isa_; }

    void run(const Int8ClampArgs& args, int64_t begin, int64_t end) const override {
        if (!jit::isa_supported(isa_))
            throw UnsupportedError(name_ + ": this CPU cannot run " + jit::isa_name(isa_) + " code");
        check_work_range(name_, begin, end, work_units());
        if (begin == end) return;
        if (!args.src || !args.dst) throw ArgumentError(name_ + ": null src or dst");
        const int64_t lo = begin * kElementsPerUnit, hi = std::min(p_.elements, end * kElementsPerUnit);
        const Call call{static_cast<const uint8_t*>(args.src) + lo, static_cast<uint8_t*>(args.dst) + lo, hi - lo};
        fn_(&call);
    }

private:
    Int8ClampProblem p_;
    Isa isa_;
    std::unique_ptr<jit::Generator> gen_;
    void (*fn_)(const Call*) = nullptr;
    std::string exec_type_, name_;
};

}  // namespace

void int8_clamp_bounds(ir::ElemType type, double min, double max, int32_t& lo, int32_t& hi) {
    const double tlo = type == ir::ElemType::u8 ? 0 : -128, thi = type == ir::ElemType::u8 ? 255 : 127;
    lo = int32_t(std::min(std::max(std::ceil(min), tlo), thi));
    hi = int32_t(std::min(std::max(std::floor(max), tlo), thi));
}

std::unique_ptr<Int8ClampKernel> make_int8_clamp_jit_kernel(const Int8ClampProblem& p, Isa isa, std::string& why) {
    if (p.type != ir::ElemType::u8 && p.type != ir::ElemType::s8) {
        why = std::string("element type ") + ir::to_string(p.type) + " is not u8/s8";
        return nullptr;
    }
    const int32_t tlo = p.type == ir::ElemType::u8 ? 0 : -128, thi = p.type == ir::ElemType::u8 ? 255 : 127;
    if (p.lo < tlo || p.hi > thi || p.lo > p.hi) {
        why = "bounds [" + std::to_string(p.lo) + ", " + std::to_string(p.hi) + "] outside the type or empty";
        return nullptr;
    }
    if (p.elements < 1) {
        why = "no elements";
        return nullptr;
    }
    if (isa == Isa::amx) isa = Isa::avx512_core_vnni;
    return std::make_unique<JitInt8ClampKernel>(p, isa);
}

}  // namespace octet::kernels
