#include "kernels/matmul/matmul_kernel.hpp"
#include "kernels/matmul/ref.hpp"

#include <vector>

#include "ir/error.hpp"

namespace octet::kernels {
namespace {

class MatmulRefKernel final : public MatmulKernel {
public:
    explicit MatmulRefKernel(const MatmulProblem& p) : p_(p), one_(p.desc) { one_.batch_dims.clear(); }
    std::string exec_type() const override { return "ref_I8"; }
    std::string name() const override { return "matmul_ref_" + to_string(p_.desc); }
    int64_t work_units() const override { return p_.desc.batch(); }

    void run(const MatmulArgs& a, int64_t begin, int64_t end) const override {
        if (p_.b_runtime && !a.b) throw ArgumentError(name() + ": the run-time B is null");
        const size_t a_b = ir::elem_size(p_.a_type) * size_t(one_.a_elems());
        const size_t dst_b = ir::elem_size(p_.epilogue.dst_type) * size_t(one_.dst_elems());
        const ir::PostOp* sum = p_.epilogue.sum_op();
        const size_t res_b = sum ? ir::elem_size(sum->sum_type) * size_t(one_.dst_elems()) : 0;
        const int64_t kk = one_.k, nn = one_.n;
        std::vector<int8_t> plain(p_.b_runtime ? size_t(kk * nn) : 0);
        for (int64_t i = begin; i < end; ++i) {
            const auto* src = static_cast<const uint8_t*>(a.a) + size_t(i) * a_b;
            // With a run-time B, p_.b is empty (null data): no offset into it (UBSan).
            const int8_t* b = p_.b_runtime ? nullptr : p_.b.data() + size_t(i) * size_t(one_.b_elems());
            if (p_.b_runtime) {  // this batch element's B, made plain [K][N]
                const int8_t* rb = a.b + i * kk * nn;
                for (int64_t r = 0; r < kk; ++r)
                    for (int64_t c = 0; c < nn; ++c)
                        plain[size_t(r * nn + c)] = p_.b_transposed ? rb[c * kk + r] : rb[r * nn + c];
                b = plain.data();
            }
            const auto* res = sum ? static_cast<const uint8_t*>(a.residual) + size_t(i) * res_b : nullptr;
            auto* dst = static_cast<uint8_t*>(a.dst) + size_t(i) * dst_b;
            ref::matmul_int8(one_, p_.a_type, src, p_.a_zero_point, b, p_.epilogue, res, dst);
        }
    }

private:
    MatmulProblem p_;
    MatmulDesc one_;
};

}  // namespace

std::unique_ptr<MatmulKernel> make_matmul_ref_kernel(const MatmulProblem& p) {
    return std::make_unique<MatmulRefKernel>(p);
}

}  // namespace octet::kernels
