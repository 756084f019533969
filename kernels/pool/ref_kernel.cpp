#include "kernels/pool/pool_kernel.hpp"
#include "kernels/pool/ref.hpp"

namespace octet::kernels {
namespace {

class PoolRefKernel final : public PoolKernel {
public:
    explicit PoolRefKernel(const PoolProblem& p) : p_(p), one_(p.desc) { one_.mb = 1; }
    std::string exec_type() const override { return "ref_I8"; }
    std::string name() const override { return std::string("pool_ref_") + to_string(p_.desc.alg) + "_" + to_string(p_.desc); }
    int64_t work_units() const override { return p_.desc.mb; }

    void run(const PoolArgs& a, int64_t begin, int64_t end) const override {
        const size_t es = ir::elem_size(p_.type);
        for (int64_t n = begin; n < end; ++n) {
            const auto* src = static_cast<const uint8_t*>(a.src) + size_t(n) * es * size_t(one_.src_elems());
            auto* dst = static_cast<uint8_t*>(a.dst) + size_t(n) * es * size_t(one_.dst_elems());
            ref::pool_int8(one_, p_.type, src, dst);
        }
    }

private:
    PoolProblem p_;
    PoolDesc one_;
};

}  // namespace

std::unique_ptr<PoolKernel> make_pool_ref_kernel(const PoolProblem& p) { return std::make_unique<PoolRefKernel>(p); }

}  // namespace octet::kernels
