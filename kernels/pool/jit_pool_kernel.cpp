#include "kernels/pool/jit_pool_kernel.hpp"

#include <algorithm>

#include "ir/error.hpp"
#include "jit/cpu.hpp"
#include "kernels/pool/jit_pool_generator.hpp"

namespace octet::kernels {
namespace {

using jit::Isa;

// The ISA whose code runs: pooling has no VNNI variant.
Isa code_isa(Isa isa) {
    switch (isa) {
    case Isa::sse42: return Isa::sse42;
    case Isa::avx2:
    case Isa::avx_vnni: return Isa::avx2;
    default: return Isa::avx512_core;
    }
}

class JitPoolKernel final : public PoolKernel {
public:
    JitPoolKernel(const PoolProblem& p, Isa isa) : p_(p), isa_(code_isa(isa)) {
        PoolDesc one = p.desc;
        one.mb = 1;
        gen_ = pool_jit::make_generator(isa_, one, p.type);
        gen_->create();
        fn_ = gen_->function<void(const pool_jit::CallArgs*)>();
        exec_type_ = std::string("jit_") + (isa_ == Isa::sse42 ? "sse42" : isa_ == Isa::avx2 ? "avx2" : "avx512") + "_I8";
    }
    std::string exec_type() const override { return exec_type_; }
    std::string name() const override { return gen_->name(); }
    int64_t work_units() const override { return p_.desc.mb * p_.desc.oh; }

    void run(const PoolArgs& a, int64_t begin, int64_t end) const override {
        if (!jit::isa_supported(isa_))
            throw UnsupportedError(name() + ": this CPU cannot run " + jit::isa_name(isa_) + " code");
        if (!a.src || !a.dst) throw ArgumentError(name() + ": null source or destination");
        const PoolDesc& d = p_.desc;
        for (int64_t u = begin; u < end; ++u) {
            const int64_t n = u / d.oh, oy = u % d.oh;
            const int64_t y0 = oy * d.sh - d.ph;
            const int64_t lo = std::max<int64_t>(y0, 0), hi = std::min(y0 + d.kh, d.ih);
            const int64_t rows = std::max<int64_t>(0, hi - lo);
            pool_jit::CallArgs args;
            args.src = static_cast<const uint8_t*>(a.src) + (rows ? (n * d.ih + lo) * d.iw * d.ic : 0);
            args.dst = static_cast<uint8_t*>(a.dst) + ((n * d.oh + oy) * d.ow) * d.ic;
            args.kh_count = rows;
            args.row_count = d.alg == PoolAlg::avg_p
                                 ? std::max<int64_t>(0, std::min(y0 + d.kh, d.ih + d.ph_end) - std::max(y0, -d.ph))
                                 : rows;
            fn_(&args);
        }
    }

private:
    PoolProblem p_;
    Isa isa_;
    std::unique_ptr<jit::Generator> gen_;
    void (*fn_)(const pool_jit::CallArgs*) = nullptr;
    std::string exec_type_;
};

}  // namespace

std::unique_ptr<PoolKernel> make_pool_jit_kernel(const PoolProblem& p, Isa isa, std::string& why) {
    const PoolDesc& d = p.desc;
    if (p.type != ir::ElemType::u8 && p.type != ir::ElemType::s8) {
        why = std::string("type ") + ir::to_string(p.type) + " is not u8/s8";
        return nullptr;
    }
    // Every displacement of the generated code is a 32-bit immediate; the avg sum stays exact in s32.
    const int64_t lim = int64_t(1) << 28;
    if (d.iw * d.ic >= lim || (d.iw + d.pw + d.kw) * d.ic * d.sw >= lim || d.ow * d.ic >= lim) {
        why = "tensor strides beyond the 32-bit displacements of the generated code";
        return nullptr;
    }
    if (d.kh * d.kw > (int64_t(1) << 23)) {
        why = "window larger than 2^23 taps";
        return nullptr;
    }
    try {
        return std::make_unique<JitPoolKernel>(p, isa);
    } catch (const Error& e) {
        why = e.what();
        return nullptr;
    }
}

}  // namespace octet::kernels
