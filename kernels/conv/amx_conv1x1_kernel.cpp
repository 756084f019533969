#include "kernels/conv/amx_conv1x1_kernel.hpp"

#include "kernels/matmul/amx_matmul_kernel.hpp"

namespace octet::kernels {
namespace {

class AmxConv1x1Kernel final : public ConvKernel {
public:
    explicit AmxConv1x1Kernel(std::unique_ptr<MatmulKernel> mm, const ConvDesc& d)
        : mm_(std::move(mm)), name_("conv_amx_1x1_" + to_string(d)) {}
    std::string exec_type() const override { return "jit_amx_1x1_I8"; }
    std::string name() const override { return name_; }
    int64_t work_units() const override { return mm_->work_units(); }
    void run(const ConvArgs& args, int64_t begin, int64_t end) const override {
        MatmulArgs m;
        m.a = args.src;
        m.residual = args.residual;
        m.dst = args.dst;
        mm_->run(m, begin, end);
    }

private:
    std::unique_ptr<MatmulKernel> mm_;
    std::string name_;
};

}  // namespace

std::unique_ptr<ConvKernel> make_conv_amx_1x1_kernel(const ConvProblem& p, jit::Isa isa, std::string& why) {
    const ConvDesc& d = p.desc;
    if (isa != jit::Isa::amx) {
        why = std::string("the ISA cap is ") + jit::isa_name(isa) + ", not amx";
        return nullptr;
    }
    if (d.kh != 1 || d.kw != 1 || d.sh != 1 || d.sw != 1 || d.ph != 0 || d.pw != 0 || d.ph_end != 0 ||
        d.pw_end != 0 || d.g != 1) {
        why = "not a 1x1 stride-1 unpadded ungrouped convolution";
        return nullptr;
    }
    if (int64_t(p.weights.size()) != d.wei_elems()) {
        why = "weights have " + std::to_string(p.weights.size()) + " values, the descriptor " +
              std::to_string(d.wei_elems());
        return nullptr;
    }
    MatmulProblem m;
    m.desc.m = d.mb * d.oh * d.ow;
    m.desc.k = d.ic;
    m.desc.n = d.oc;
    m.a_type = p.src_type;
    m.a_zero_point = p.src_zero_point;
    m.b.resize(size_t(d.ic * d.oc));
    for (int64_t oc = 0; oc < d.oc; ++oc)
        for (int64_t ic = 0; ic < d.ic; ++ic) m.b[size_t(ic * d.oc + oc)] = p.weights[size_t(oc * d.ic + ic)];
    m.epilogue = p.epilogue;
    auto mm = make_matmul_amx_kernel(m, isa, why);
    if (!mm) return nullptr;
    return std::make_unique<AmxConv1x1Kernel>(std::move(mm), d);
}

}  // namespace octet::kernels
