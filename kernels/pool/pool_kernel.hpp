#pragma once
// An int8 pooling prepared for one problem; see kernels/kernel.hpp. NHWC u8/s8
// in and out (kernels/pool/ref.hpp).
#include <memory>

#include "ir/types.hpp"
#include "kernels/kernel.hpp"
#include "kernels/pool/desc.hpp"

namespace octet::kernels {

struct PoolProblem {
    PoolDesc desc;
    ir::ElemType type = ir::ElemType::u8;
};

struct PoolArgs {
    const void* src = nullptr;
    void* dst = nullptr;
};

class PoolKernel : public Kernel {
public:
    virtual void run(const PoolArgs& args, int64_t begin, int64_t end) const = 0;
    void run(const PoolArgs& args) const { run(args, 0, work_units()); }
};

// The reference as a kernel ("ref_I8"): one work unit per image.
std::unique_ptr<PoolKernel> make_pool_ref_kernel(const PoolProblem& p);

}  // namespace octet::kernels
