#include "kernels/conv/conv1x1_as_matmul.hpp"

namespace octet::kernels {
namespace {

class ConvOnMatmulKernel final : public ConvKernel {
public:
    ConvOnMatmulKernel(std::unique_ptr<MatmulKernel> mm, std::string exec_type, std::string name)
        : mm_(std::move(mm)), exec_type_(std::move(exec_type)), name_(std::move(name)) {}
    std::string exec_type() const override { return exec_type_; }
    std::string name() const override { return name_; }
    int64_t work_units() const override { return mm_->work_units(); }
    void run(const ConvArgs& args, int64_t begin, int64_t end) const override {
        MatmulArgs m;
        m.a = args.src;
        m.residual = args.residual;
        m.dst = args.dst;
        m.job = args.job;
        mm_->run(m, begin, end);
    }

private:
    std::unique_ptr<MatmulKernel> mm_;
    std::string exec_type_, name_;
};

}  // namespace

MatmulProblem conv1x1_matmul_problem(const ConvProblem& p) {
    const ConvDesc& d = p.desc;
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
    return m;
}

std::unique_ptr<ConvKernel> conv_on_matmul_kernel(std::unique_ptr<MatmulKernel> mm, std::string exec_type,
                                                  std::string name) {
    return std::make_unique<ConvOnMatmulKernel>(std::move(mm), std::move(exec_type), std::move(name));
}

}  // namespace octet::kernels
