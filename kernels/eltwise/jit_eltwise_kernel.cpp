#include "kernels/eltwise/jit_eltwise_kernel.hpp"

#include <algorithm>

#include "ir/error.hpp"
#include "jit/cpu.hpp"
#include "kernels/eltwise/jit_eltwise_generator.hpp"

namespace octet::kernels {
namespace {

using jit::Isa;
namespace ej = eltwise_jit;

// The ISA whose code runs: no VNNI variant here.
Isa code_isa(Isa isa) {
    switch (isa) {
    case Isa::sse42: return Isa::sse42;
    case Isa::avx2:
    case Isa::avx_vnni: return Isa::avx2;
    default: return Isa::avx512_core;
    }
}

class JitEltwiseKernel final : public EltwiseKernel {
public:
    JitEltwiseKernel(EltwiseChain c, Isa isa)
        : c_(std::move(c)), isa_(code_isa(isa)), total_(c_.numel()), inner_(c_.inner()), count_(c_.count()) {
        per_channel_ = c_.per_channel() && count_ > 1;
        per_lane_ = per_channel_ && inner_ == 1;
        gen_ = ej::make_generator(isa_, c_, per_lane_);
        gen_->create();
        fn_ = gen_->function<void(const ej::CallArgs*)>();
        const bool f32_in = c_.inputs[0].type == ir::ElemType::f32;
        exec_type_ = std::string("jit_") + (isa_ == Isa::sse42 ? "sse42" : isa_ == Isa::avx2 ? "avx2" : "avx512") +
                     (f32_in ? "_FP32" : "_I8");
    }
    std::string exec_type() const override { return exec_type_; }
    std::string name() const override { return gen_->name(); }
    int64_t work_units() const override { return eltwise_work_units(total_); }

    void run(const EltwiseArgs& a, int64_t begin, int64_t end) const override {
        if (!jit::isa_supported(isa_))
            throw UnsupportedError(name() + ": this CPU cannot run " + jit::isa_name(isa_) + " code");
        if (!a.src0 || !a.dst || (c_.inputs.size() == 2 && !a.src1))
            throw ArgumentError(name() + ": null source or destination");
        const int64_t lo = std::max<int64_t>(0, begin) * kElementsPerUnit;
        const int64_t hi = std::min(total_, std::max<int64_t>(0, end) * kElementsPerUnit);
        if (!per_channel_) {
            call(a, lo, hi, 0);
            return;
        }
        for (int64_t i = lo; i < hi;) {
            int64_t stop;
            if (per_lane_) {
                const int64_t c = i % count_;
                stop = std::min(hi, i + (count_ - c));
                call(a, i, stop, c);
            } else {
                const int64_t run = i / inner_;
                stop = std::min(hi, (run + 1) * inner_);
                call(a, i, stop, run % count_);
            }
            i = stop;
        }
    }

private:
    // Elements [i0, i1), all of channel c (broadcast), or channels c, c+1, ... (per lane).
    void call(const EltwiseArgs& a, int64_t i0, int64_t i1, int64_t c) const {
        if (i1 <= i0) return;
        ej::CallArgs args{};
        const void* src[2] = {a.src0, a.src1};
        for (size_t k = 0; k < c_.inputs.size(); ++k)
            args.src[k] = static_cast<const uint8_t*>(src[k]) + i0 * int64_t(ir::elem_size(c_.inputs[k].type));
        args.dst = static_cast<uint8_t*>(a.dst) + i0 * int64_t(ir::elem_size(c_.dst_type));
        args.n = i1 - i0;
        for (int s = 0; s < ej::kParams; ++s) {
            const std::vector<float>& v = ej::param_vector(c_, s);
            args.param[s] = v.empty() ? nullptr : v.size() == 1 ? v.data() : v.data() + c;
        }
        fn_(&args);
    }

    EltwiseChain c_;
    Isa isa_;
    int64_t total_, inner_, count_;
    bool per_channel_ = false, per_lane_ = false;
    std::unique_ptr<jit::Generator> gen_;
    void (*fn_)(const ej::CallArgs*) = nullptr;
    std::string exec_type_;
};

template <class Problem>
std::unique_ptr<EltwiseKernel> make(const Problem& p, Isa isa, std::string& why) {
    try {
        return std::make_unique<JitEltwiseKernel>(chain_of(p), isa);
    } catch (const Error& e) {
        why = e.what();
        return nullptr;
    }
}

}  // namespace

std::unique_ptr<EltwiseKernel> make_quantize_jit_kernel(const QuantizeProblem& p, Isa isa, std::string& why) {
    return make(p, isa, why);
}
std::unique_ptr<EltwiseKernel> make_gelu_quantize_jit_kernel(const QuantizeProblem& p, bool tanh, Isa isa,
                                                             std::string& why) {
    if (code_isa(isa) == Isa::sse42) {
        why = std::string("gelu_quantize: no f32 Gelu code at ") + jit::isa_name(isa);
        return nullptr;
    }
    try {
        return std::make_unique<JitEltwiseKernel>(gelu_quantize_chain_of(p, tanh), isa);
    } catch (const Error& e) {
        why = e.what();
        return nullptr;
    }
}
std::unique_ptr<EltwiseKernel> make_dequantize_jit_kernel(const DequantizeProblem& p, Isa isa, std::string& why) {
    return make(p, isa, why);
}
std::unique_ptr<EltwiseKernel> make_requantize_jit_kernel(const RequantizeProblem& p, Isa isa, std::string& why) {
    return make(p, isa, why);
}
std::unique_ptr<EltwiseKernel> make_add_jit_kernel(const AddProblem& p, Isa isa, std::string& why) {
    return make(p, isa, why);
}

}  // namespace octet::kernels
