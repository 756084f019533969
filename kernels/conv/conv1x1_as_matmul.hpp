#pragma once
// A 1×1 ungrouped convolution over NHWC tensors is a matmul
// A[pixels][ic] · B[ic][oc] with the conv's epilogue: the AMX route and the
// non-VNNI s16 route run it on a matmul kernel. This is the part they share:
// the MatmulProblem of such a conv and the ConvKernel that forwards to it.
#include <memory>
#include <string>

#include "kernels/conv/conv_kernel.hpp"
#include "kernels/matmul/matmul_kernel.hpp"

namespace octet::kernels {

// M = mb·oh·ow, K = ic, N = oc; B is the conv's [oc][ic] weights transposed.
// A strided conv also gets its source grid (MatmulProblem::a_grid_*), which only
// kernels that read rows through it accept.
MatmulProblem conv1x1_matmul_problem(const ConvProblem& p);

// The conv as its matmul kernel: src is A, dst and residual are the matmul's.
std::unique_ptr<ConvKernel> conv_on_matmul_kernel(std::unique_ptr<MatmulKernel> mm, std::string exec_type,
                                                  std::string name);

}  // namespace octet::kernels
