#include "jit/kernel_requantize.hpp"

#include <cstddef>

#include "ir/error.hpp"
#include "jit/cpu.hpp"
#include "jit/generator.hpp"
#include "jit/postops.hpp"

namespace octet::jit {

namespace {

struct RequantizeArgs {
    const int32_t* acc;
    const void* residual;
    void* dst;
    int64_t rows;
    PostOpParams params;
};

std::string kernel_name(Isa isa, const ir::Epilogue& e, int channels) {
    std::string n = std::string("requant_") + isa_name(isa) + "_s32" + ir::to_string(e.dst_type);
    for (const ir::PostOp& p : e.post_ops) {
        switch (p.kind) {
        case ir::PostOp::Kind::relu: n += "_relu"; break;
        case ir::PostOp::Kind::clamp: n += "_clamp"; break;
        case ir::PostOp::Kind::sum: n += std::string("_sum") + ir::to_string(p.sum_type); break;
        }
    }
    return n + "_c" + std::to_string(channels);
}

template <Isa kIsa>
class JitRequantize : public Generator {
public:
    JitRequantize(const ir::Epilogue& e, int channels)
        : Generator(kIsa), e_(e), channels_(channels), name_(kernel_name(kIsa, e, channels)),
          post_(*this, e, channels, PostOpRegs{reg_params, rax, kScratch, kScratch + 1, 1}) {}
    std::string name() const override { return name_; }

private:
    using Vmm = typename IsaTraits<kIsa>::Vmm;
    static constexpr int simd_w = IsaTraits<kIsa>::simd_w;
    // On AVX-512 the emitter's scratch lives in zmm30/31, so the bit-exact
    // tests of this kernel also prove the emitter encodes registers 16..31.
    static constexpr int kScratch = IsaTraits<kIsa>::has_mask ? 30 : 14;

    const Xbyak::Reg64 reg_args = rdi;
    const Xbyak::Reg64 reg_params = rsi;
    const Xbyak::Reg64 reg_acc = r8, reg_res = r9, reg_dst = r10, reg_rows = r11, reg_oc = rdx;

    // The emitter addresses element i of an array of `size`-byte elements as base + i*size.
    static Xbyak::RegExp at(const Xbyak::Reg64& base, const Xbyak::Reg64& idx, size_t size, int offset) {
        return base + idx * int(size) + offset * int(size);
    }

    void one_vector(const Channel& oc, int n, const Xbyak::RegExp& acc, const Xbyak::RegExp& res,
                    const Xbyak::RegExp& dst) {
        const Vmm v(0);
        post_.load_s32(v, acc, n);
        post_.apply(v, oc, n, res, dst);
    }

    void generate() override {
        const size_t rsz = post_.residual_elem_size(), dsz = post_.dst_elem_size();
        const int full = channels_ / simd_w * simd_w, tail = channels_ - full;
        Xbyak::Label row_loop, block_loop, done;

        preamble();
        mov(reg_acc, ptr[reg_args + offsetof(RequantizeArgs, acc)]);
        mov(reg_res, ptr[reg_args + offsetof(RequantizeArgs, residual)]);
        mov(reg_dst, ptr[reg_args + offsetof(RequantizeArgs, dst)]);
        mov(reg_rows, ptr[reg_args + offsetof(RequantizeArgs, rows)]);
        lea(reg_params, ptr[reg_args + offsetof(RequantizeArgs, params)]);
        test(reg_rows, reg_rows);
        jle(done, T_NEAR);

        L(row_loop);
        if (full > 0) {
            xor_(reg_oc, reg_oc);
            L(block_loop);
            one_vector(Channel::at(reg_oc), simd_w, reg_acc + reg_oc * 4,
                       rsz ? at(reg_res, reg_oc, rsz, 0) : Xbyak::RegExp(reg_res),
                       at(reg_dst, reg_oc, dsz, 0));
            add(reg_oc, simd_w);
            cmp(reg_oc, full);
            jl(block_loop, T_NEAR);
        }
        if (tail > 0)
            one_vector(Channel::at(full), tail, reg_acc + full * 4,
                       reg_res + int(full * rsz), reg_dst + int(full * dsz));
        add(reg_acc, channels_ * 4);
        if (rsz) add(reg_res, int(channels_ * rsz));
        add(reg_dst, int(channels_ * dsz));
        dec(reg_rows);
        jnz(row_loop, T_NEAR);

        L(done);
        postamble();
        post_.emit_data();
    }

    ir::Epilogue e_;
    int channels_;
    std::string name_;
    PostOpEmitter<kIsa> post_;
};

std::unique_ptr<Generator> make_generator(Isa isa, const ir::Epilogue& e, int channels) {
    switch (isa) {
    case Isa::sse42: return std::make_unique<JitRequantize<Isa::sse42>>(e, channels);
    case Isa::avx2: return std::make_unique<JitRequantize<Isa::avx2>>(e, channels);
    case Isa::avx_vnni: return std::make_unique<JitRequantize<Isa::avx_vnni>>(e, channels);
    case Isa::avx512_core: return std::make_unique<JitRequantize<Isa::avx512_core>>(e, channels);
    case Isa::avx512_core_vnni: return std::make_unique<JitRequantize<Isa::avx512_core_vnni>>(e, channels);
    case Isa::amx: return std::make_unique<JitRequantize<Isa::amx>>(e, channels);
    }
    throw ArgumentError("requantize: unknown ISA");
}

// The kernel reads the per-channel vectors through pointers: keep the values
// alive here, and give size-0 vectors a null (the kernel never reads them).
const float* data_or_null(const std::vector<float>& v) { return v.empty() ? nullptr : v.data(); }

}  // namespace

struct RequantizeKernel::Impl {
    ir::Epilogue epilogue;
    int channels;
    std::unique_ptr<Generator> gen;
    void (*fn)(const RequantizeArgs*) = nullptr;
};

RequantizeKernel::RequantizeKernel(Isa isa, const ir::Epilogue& epilogue, int channels)
    : impl_(std::make_unique<Impl>()) {
    if (channels < 1) throw ArgumentError("requantize: channels must be >= 1, got " + std::to_string(channels));
    impl_->epilogue = epilogue;
    impl_->channels = channels;
    impl_->gen = make_generator(isa, epilogue, channels);
    impl_->gen->create();
    impl_->fn = impl_->gen->function<void(const RequantizeArgs*)>();
}

RequantizeKernel::~RequantizeKernel() = default;
RequantizeKernel::RequantizeKernel(RequantizeKernel&&) noexcept = default;
RequantizeKernel& RequantizeKernel::operator=(RequantizeKernel&&) noexcept = default;

void RequantizeKernel::operator()(const int32_t* acc, const void* residual, void* dst, int64_t rows) const {
    const ir::Epilogue& e = impl_->epilogue;
    (*this)(acc, residual, dst, rows,
            PostOpParams{data_or_null(e.scale), data_or_null(e.bias), data_or_null(e.out_scale),
                         data_or_null(e.out_shift)});
}

void RequantizeKernel::operator()(const int32_t* acc, const void* residual, void* dst, int64_t rows,
                                  const PostOpParams& params) const {
    if (!isa_supported(impl_->gen->isa()))
        throw UnsupportedError(name() + ": this CPU cannot run " + isa_name(impl_->gen->isa()) + " code");
    if (rows < 0) throw ArgumentError(name() + ": negative row count " + std::to_string(rows));
    if (rows == 0) return;
    if (!acc || !dst) throw ArgumentError(name() + ": null accumulator or destination");
    const ir::Epilogue& e = impl_->epilogue;
    if (e.has_sum() && !residual) throw ArgumentError(name() + ": the sum post-op needs a residual tensor");
    if ((!e.scale.empty() && !params.scale) || (!e.bias.empty() && !params.bias) ||
        (!e.out_scale.empty() && !params.out_scale) || (!e.out_shift.empty() && !params.out_shift))
        throw ArgumentError(name() + ": a per-channel vector the epilogue has is null");
    const RequantizeArgs args{acc, residual, dst, rows, params};
    impl_->fn(&args);
}

std::string RequantizeKernel::name() const { return impl_->gen->name(); }
Isa RequantizeKernel::isa() const { return impl_->gen->isa(); }
const Generator& RequantizeKernel::generator() const { return *impl_->gen; }

}  // namespace octet::jit
