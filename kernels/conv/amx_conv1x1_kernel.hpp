#pragma once
// A 1×1, stride-1, unpadded, ungrouped int8 convolution on AMX. Over NHWC tensors such a
// layer is exactly a matmul: A = src as [mb·ih·iw][ic], B[ic][oc] = the weights transposed,
// dst and residual [mb·oh·ow][oc] with the channel as the column. So it is the AMX matmul
// kernel (kernels/matmul/amx_matmul_kernel.hpp) with the conv's epilogue, and stays
// bit-exact with the conv reference for the same reason.
//
// Exec type jit_amx_1x1_I8. Other shapes (3×3, strided or padded 1×1, groups) decline
// and go to the VNNI direct kernel.
#include <memory>
#include <string>

#include "jit/isa.hpp"
#include "kernels/conv/conv_kernel.hpp"

namespace octet::kernels {

std::unique_ptr<ConvKernel> make_conv_amx_1x1_kernel(const ConvProblem& p, jit::Isa isa, std::string& why);

}  // namespace octet::kernels
