// The references of kernels/eltwise as EltwiseKernels (the last registry candidates).
#include <algorithm>
#include <functional>

#include "ir/error.hpp"
#include "kernels/eltwise/eltwise_kernel.hpp"
#include "kernels/eltwise/ref.hpp"

namespace octet::kernels {
namespace {

class RefEltwiseKernel final : public EltwiseKernel {
public:
    using Body = std::function<void(const EltwiseArgs&, int64_t, int64_t)>;
    RefEltwiseKernel(std::string exec_type, std::string name, int64_t total, bool two_inputs, Body body)
        : exec_type_(std::move(exec_type)), name_(std::move(name)), total_(total), two_(two_inputs),
          body_(std::move(body)) {}
    std::string exec_type() const override { return exec_type_; }
    std::string name() const override { return name_; }
    int64_t work_units() const override { return eltwise_work_units(total_); }
    void run(const EltwiseArgs& a, int64_t begin, int64_t end) const override {
        if (!a.src0 || !a.dst || (two_ && !a.src1)) throw ArgumentError(name_ + ": null source or destination");
        const int64_t lo = std::max<int64_t>(0, begin) * kElementsPerUnit;
        const int64_t hi = std::min(total_, std::max<int64_t>(0, end) * kElementsPerUnit);
        if (lo < hi) body_(a, lo, hi);
    }

private:
    std::string exec_type_, name_;
    int64_t total_;
    bool two_;
    Body body_;
};

}  // namespace

std::unique_ptr<EltwiseKernel> make_quantize_ref_kernel(const QuantizeProblem& p) {
    const EltwiseChain c = chain_of(p);
    return std::make_unique<RefEltwiseKernel>("ref_FP32", "ref_" + to_string(p), c.numel(), false,
                                              [p](const EltwiseArgs& a, int64_t lo, int64_t hi) {
                                                  ref::quantize(p, static_cast<const float*>(a.src0), a.dst, lo, hi);
                                              });
}
std::unique_ptr<EltwiseKernel> make_dequantize_ref_kernel(const DequantizeProblem& p) {
    const EltwiseChain c = chain_of(p);
    return std::make_unique<RefEltwiseKernel>("ref_I8", "ref_" + to_string(p), c.numel(), false,
                                              [p](const EltwiseArgs& a, int64_t lo, int64_t hi) {
                                                  ref::dequantize(p, a.src0, static_cast<float*>(a.dst), lo, hi);
                                              });
}
std::unique_ptr<EltwiseKernel> make_requantize_ref_kernel(const RequantizeProblem& p) {
    const EltwiseChain c = chain_of(p);
    return std::make_unique<RefEltwiseKernel>("ref_I8", "ref_" + to_string(p), c.numel(), false,
                                              [c](const EltwiseArgs& a, int64_t lo, int64_t hi) {
                                                  ref::eltwise_chain(c, a.src0, nullptr, a.dst, lo, hi);
                                              });
}
std::unique_ptr<EltwiseKernel> make_add_ref_kernel(const AddProblem& p) {
    const EltwiseChain c = chain_of(p);
    return std::make_unique<RefEltwiseKernel>("ref_I8", "ref_" + to_string(p), c.numel(), true,
                                              [c](const EltwiseArgs& a, int64_t lo, int64_t hi) {
                                                  ref::eltwise_chain(c, a.src0, a.src1, a.dst, lo, hi);
                                              });
}

}  // namespace octet::kernels
