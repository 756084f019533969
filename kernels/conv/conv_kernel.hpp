#pragma once
// An int8 convolution prepared for one problem; see kernels/kernel.hpp.
// Layouts are those of the reference (kernels/conv/ref.hpp): NHWC source,
// destination and residual; weights given in the plain [G][OC/G][KH][KW][IC/G]
// layout and packed by each implementation at creation.
#include <memory>
#include <string>
#include <vector>

#include "ir/epilogue.hpp"
#include "ir/types.hpp"
#include "jit/isa.hpp"
#include "kernels/conv/desc.hpp"
#include "kernels/kernel.hpp"

namespace octet::kernels {

struct ConvProblem {
    ConvDesc desc;                       // mb is the batch the kernel runs on
    ir::ElemType src_type = ir::ElemType::u8;
    int32_t src_zero_point = 0;
    std::vector<int8_t> weights;         // plain layout, desc.wei_elems() values
    ir::Epilogue epilogue;               // dst type and post-ops
};

struct ConvArgs {
    const void* src = nullptr;
    const void* residual = nullptr;      // only with a sum post-op
    void* dst = nullptr;
    uint64_t job = 0;                    // MatmulArgs::job (the 1x1-as-matmul routes pass it on)
};

class ConvKernel : public Kernel {
public:
    virtual void run(const ConvArgs& args, int64_t begin, int64_t end) const = 0;
    void run(const ConvArgs& args) const { run(args, 0, work_units()); }
};

// The reference implementation as a kernel (exec type "ref_I8"): one work unit
// per image of the batch.
std::unique_ptr<ConvKernel> make_conv_ref_kernel(const ConvProblem& p);

}  // namespace octet::kernels
