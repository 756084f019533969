#include <cstdint>

#include "kernels/conv/conv_kernel.hpp"
#include "kernels/conv/ref.hpp"

namespace octet::kernels {
namespace {

class ConvRefKernel final : public ConvKernel {
public:
    explicit ConvRefKernel(const ConvProblem& p) : p_(p), one_(p.desc) { one_.mb = 1; }
    std::string exec_type() const override { return "ref_I8"; }
    std::string name() const override { return "conv_ref_" + to_string(p_.desc); }
    int64_t work_units() const override { return p_.desc.mb; }

    void run(const ConvArgs& a, int64_t begin, int64_t end) const override {
        const size_t src_b = ir::elem_size(p_.src_type) * size_t(one_.src_elems());
        const size_t dst_b = ir::elem_size(p_.epilogue.dst_type) * size_t(one_.dst_elems());
        const ir::PostOp* sum = p_.epilogue.sum_op();
        const size_t res_b = sum ? ir::elem_size(sum->sum_type) * size_t(one_.dst_elems()) : 0;
        for (int64_t n = begin; n < end; ++n) {
            const auto* src = static_cast<const uint8_t*>(a.src) + size_t(n) * src_b;
            const auto* res = sum ? static_cast<const uint8_t*>(a.residual) + size_t(n) * res_b : nullptr;
            auto* dst = static_cast<uint8_t*>(a.dst) + size_t(n) * dst_b;
            ref::conv_int8(one_, p_.src_type, src, p_.weights.data(), p_.src_zero_point, p_.epilogue, res, dst);
        }
    }

private:
    ConvProblem p_;
    ConvDesc one_;  // the problem for one image
};

}  // namespace

std::unique_ptr<ConvKernel> make_conv_ref_kernel(const ConvProblem& p) { return std::make_unique<ConvRefKernel>(p); }

}  // namespace octet::kernels
