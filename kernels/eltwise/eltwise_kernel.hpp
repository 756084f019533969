#pragma once
// An element-wise int8 boundary op prepared for one problem (kernels/eltwise/desc.hpp);
// see kernels/kernel.hpp. Dense tensors in the problem's shape (the graph's NCHW, or
// any layout whose channel axis the problem names); work units are blocks of
// kElementsPerUnit consecutive elements (the last one shorter).
#include <cstdint>
#include <memory>

#include "kernels/eltwise/desc.hpp"
#include "kernels/kernel.hpp"

namespace octet::kernels {

struct EltwiseArgs {
    const void* src0 = nullptr;  // the input (Add: a)
    const void* src1 = nullptr;  // Add: b; otherwise unused
    void* dst = nullptr;
};

class EltwiseKernel : public Kernel {
public:
    static constexpr int64_t kElementsPerUnit = 8192;
    virtual void run(const EltwiseArgs& args, int64_t begin, int64_t end) const = 0;
    void run(const EltwiseArgs& args) const { run(args, 0, work_units()); }
};

// ceil(elements / kElementsPerUnit).
inline int64_t eltwise_work_units(int64_t elements) {
    return (elements + EltwiseKernel::kElementsPerUnit - 1) / EltwiseKernel::kElementsPerUnit;
}

// The references as kernels: quantize/dequantize run kernels::ref::quantize_range /
// dequantize_range (the LPT's ground truth) themselves; requantize/add run
// kernels/eltwise/ref.hpp. Exec types ref_FP32 (quantize: f32 input) and ref_I8.
std::unique_ptr<EltwiseKernel> make_quantize_ref_kernel(const QuantizeProblem& p);
std::unique_ptr<EltwiseKernel> make_dequantize_ref_kernel(const DequantizeProblem& p);
std::unique_ptr<EltwiseKernel> make_requantize_ref_kernel(const RequantizeProblem& p);
std::unique_ptr<EltwiseKernel> make_add_ref_kernel(const AddProblem& p);

}  // namespace octet::kernels
