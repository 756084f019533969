#pragma once
// A 1×1 ungrouped unpadded int8 convolution with unsafe weight pairs, without
// VNNI, on the JIT matmul's exact s16 path (kernels/matmul/jit_matmul_kernel.hpp):
// over NHWC tensors such a layer is a matmul A[pixels][ic] · B[ic][oc] with the
// conv's epilogue. The matmul splits A into s16 words (a0,a2)/(a1,a3) once per
// row block and multiplies them by s16 weights with pmaddwd: 4 vector µops per
// 32 MACs against 3 for the fast pmaddubsw chain and 6 for the conv's split
// weights, exact for any weights. A strided 1×1 reads its rows from the source
// grid (MatmulProblem::a_grid_*), so the split doubles as the subsampling.
//
// Exec type jit_<isa>_1x1_s16_I8 (isa sse42, avx2, avx512). Whether it runs or
// the direct kernel's fixup / exact path does is the cost model's choice
// (conv_jit_costs in kernels/conv/jit_conv_kernel.hpp); the registry candidate
// declines with the model's figures when another path is cheaper.
#include <memory>
#include <string>

#include "jit/isa.hpp"
#include "kernels/conv/conv_kernel.hpp"

namespace octet::kernels {

// The shapes the route takes (why says what else it is); the cost model asks too.
bool conv_1x1_s16_shape(const ConvDesc& d, std::string& why);

// The kernel whenever the shape allows it (nullptr + why otherwise): VNNI ISAs,
// kernels other than 1×1, groups, padding and all-safe weights decline.
std::unique_ptr<ConvKernel> make_conv_1x1_s16_kernel(const ConvProblem& p, jit::Isa isa, std::string& why);

// The registry candidate: the same, only when the cost model picks it.
std::unique_ptr<ConvKernel> make_conv_1x1_s16_kernel_auto(const ConvProblem& p, jit::Isa isa, std::string& why);

}  // namespace octet::kernels
