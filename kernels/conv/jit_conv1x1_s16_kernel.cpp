#include "kernels/conv/jit_conv1x1_s16_kernel.hpp"

#include <cstdio>

#include "kernels/conv/jit_conv_kernel.hpp"
#include "kernels/conv/pack.hpp"
#include "kernels/matmul/jit_matmul_kernel.hpp"

namespace octet::kernels {
namespace {

class Conv1x1S16Kernel final : public ConvKernel {
public:
    Conv1x1S16Kernel(std::unique_ptr<MatmulKernel> mm, const ConvDesc& d, jit::Isa isa)
        : mm_(std::move(mm)),
          exec_type_(std::string("jit_") + jit::exec_isa_tag(isa) + "_1x1_s16_I8"),
          name_(std::string("conv_") + jit::isa_name(isa) + "_1x1_s16_" + to_string(d)) {}
    std::string exec_type() const override { return exec_type_; }
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
    std::string exec_type_, name_;
};

}  // namespace

std::unique_ptr<ConvKernel> make_conv_1x1_s16_kernel(const ConvProblem& p, jit::Isa isa, std::string& why) {
    const ConvDesc& d = p.desc;
    if (isa == jit::Isa::amx || isa == jit::Isa::avx_vnni || isa == jit::Isa::avx512_core_vnni) {
        why = std::string(jit::isa_name(isa)) + " has VNNI: the direct kernel is exact at full speed";
        return nullptr;
    }
    if (d.kh != 1 || d.kw != 1 || d.g != 1 || d.ph != 0 || d.pw != 0 || d.ph_end > 0 || d.pw_end > 0) {
        why = "not a 1x1 unpadded ungrouped convolution";
        return nullptr;
    }
    if (int64_t(p.weights.size()) != d.wei_elems()) {
        why = "weights have " + std::to_string(p.weights.size()) + " values, the descriptor " +
              std::to_string(d.wei_elems());
        return nullptr;
    }
    if (conv_pack::analyze_pairs(d, p.weights.data()).unsafe == 0) {
        why = "every weight pair is safe: the direct kernel's fast path";
        return nullptr;
    }
    if (d.mb * d.oh * d.ow < 2) {
        why = "a single output pixel (the matmul's M = 1 path has no s16 A)";
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
    if (d.sh != 1 || d.sw != 1 || d.oh != d.ih || d.ow != d.iw) {
        m.a_grid_w = d.ow;
        m.a_grid_h = d.oh;
        m.a_x_stride = d.sw * d.ic;
        m.a_y_stride = d.sh * d.iw * d.ic;
        m.a_img_stride = d.ih * d.iw * d.ic;
    }
    auto mm = make_matmul_jit_kernel(m, isa, why);
    if (!mm) {
        why = "the s16 matmul declined: " + why;
        return nullptr;
    }
    return std::make_unique<Conv1x1S16Kernel>(std::move(mm), d, isa);
}

std::unique_ptr<ConvKernel> make_conv_1x1_s16_kernel_auto(const ConvProblem& p, jit::Isa isa, std::string& why) {
    const ConvJitCosts c = conv_jit_costs(p, isa);
    if (c.best != ConvJitPath::s16) {
        why = c.why;
        return nullptr;
    }
    return make_conv_1x1_s16_kernel(p, isa, why);
}

}  // namespace octet::kernels
