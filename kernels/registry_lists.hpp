#pragma once
// The ordered candidate lists, best first; the reference closes each list.
// A new kernel joins its family here (and only here).
#include "kernels/registry.hpp"
#include "kernels/conv/jit_conv_kernel.hpp"
#include "kernels/conv/jit_dw_kernel.hpp"
#include "kernels/pool/jit_pool_kernel.hpp"

namespace octet::kernels {

inline std::unique_ptr<ConvKernel> conv_ref(const ConvProblem& p, jit::Isa, std::string&) {
    return make_conv_ref_kernel(p);
}
inline std::unique_ptr<MatmulKernel> matmul_ref(const MatmulProblem& p, jit::Isa, std::string&) {
    return make_matmul_ref_kernel(p);
}
inline std::unique_ptr<PoolKernel> pool_ref(const PoolProblem& p, jit::Isa, std::string&) {
    return make_pool_ref_kernel(p);
}

inline const Candidate<ConvProblem, ConvKernel> conv_candidates[] = {
    {"jit_dw_I8", make_conv_dw_jit_kernel},
    {"jit_direct_I8", make_conv_jit_kernel},
    {"ref_I8", conv_ref},
};
inline const Candidate<MatmulProblem, MatmulKernel> matmul_candidates[] = {
    {"ref_I8", matmul_ref},
};
inline const Candidate<PoolProblem, PoolKernel> pool_candidates[] = {
    {"jit_pool_I8", make_pool_jit_kernel},
    {"ref_I8", pool_ref},
};

}  // namespace octet::kernels
