#pragma once
// The ordered candidate lists, best first; the reference closes each list.
// A new kernel joins its family here (and only here).
#include "kernels/registry.hpp"
#include "kernels/conv/amx_conv1x1_kernel.hpp"
#include "kernels/conv/amx_conv_kernel.hpp"
#include "kernels/conv/jit_conv1x1_s16_kernel.hpp"
#include "kernels/conv/jit_conv_kernel.hpp"
#include "kernels/conv/jit_dw_kernel.hpp"
#include "kernels/eltwise/jit_eltwise_kernel.hpp"
#include "kernels/matmul/amx_matmul_kernel.hpp"
#include "kernels/matmul/jit_matmul_kernel.hpp"
#include "kernels/matmul_as_conv1x1.hpp"
#include "kernels/pool/jit_pool_kernel.hpp"

namespace octet::kernels {

inline std::unique_ptr<ConvKernel> conv_ref(const ConvProblem& p, jit::Isa, std::string&) {
    return make_conv_ref_kernel(p);
}
inline std::unique_ptr<MatmulKernel> matmul_ref(const MatmulProblem& p, jit::Isa, std::string& why) {
    if (p.a_grid_w > 0) {
        why = "a gathered A (MatmulProblem::a_grid_w)";
        return nullptr;
    }
    return make_matmul_ref_kernel(p);
}
inline std::unique_ptr<PoolKernel> pool_ref(const PoolProblem& p, jit::Isa, std::string&) {
    return make_pool_ref_kernel(p);
}

inline const Candidate<ConvProblem, ConvKernel> conv_candidates[] = {
    {"jit_amx_1x1_I8", make_conv_amx_1x1_kernel},
    {"jit_amx_I8", make_conv_amx_kernel},
    {"jit_dw_I8", make_conv_dw_jit_kernel},
    {"jit_1x1_s16_I8", make_conv_1x1_s16_kernel_auto},
    {"jit_direct_I8", make_conv_jit_kernel},
    {"ref_I8", conv_ref},
};
inline const Candidate<MatmulProblem, MatmulKernel> matmul_candidates[] = {
    {"jit_amx_matmul_I8", make_matmul_amx_kernel},
    {"jit_pxfix_I8", make_matmul_pxfix_kernel},  // constant unsafe B at sse42 / avx2: the conv's pxfix path
    {"jit_matmul_I8", make_matmul_jit_kernel},
    {"ref_I8", matmul_ref},
};
inline const Candidate<PoolProblem, PoolKernel> pool_candidates[] = {
    {"jit_pool_I8", make_pool_jit_kernel},
    {"ref_I8", pool_ref},
};

inline std::unique_ptr<EltwiseKernel> quantize_ref(const QuantizeProblem& p, jit::Isa, std::string&) {
    return make_quantize_ref_kernel(p);
}
inline std::unique_ptr<EltwiseKernel> dequantize_ref(const DequantizeProblem& p, jit::Isa, std::string&) {
    return make_dequantize_ref_kernel(p);
}
inline std::unique_ptr<EltwiseKernel> requantize_ref(const RequantizeProblem& p, jit::Isa, std::string&) {
    return make_requantize_ref_kernel(p);
}
inline std::unique_ptr<EltwiseKernel> add_ref(const AddProblem& p, jit::Isa, std::string&) {
    return make_add_ref_kernel(p);
}
inline const Candidate<QuantizeProblem, EltwiseKernel> quantize_candidates[] = {
    {"jit_quantize_FP32", make_quantize_jit_kernel},
    {"ref_FP32", quantize_ref},
};
inline const Candidate<DequantizeProblem, EltwiseKernel> dequantize_candidates[] = {
    {"jit_dequantize_I8", make_dequantize_jit_kernel},
    {"ref_I8", dequantize_ref},
};
inline const Candidate<RequantizeProblem, EltwiseKernel> requantize_candidates[] = {
    {"jit_requantize_I8", make_requantize_jit_kernel},
    {"ref_I8", requantize_ref},
};
inline const Candidate<AddProblem, EltwiseKernel> add_candidates[] = {
    {"jit_add_I8", make_add_jit_kernel},
    {"ref_I8", add_ref},
};

}  // namespace octet::kernels
