#pragma once
// The JIT int8 depthwise convolution (g == ic == oc) as a ConvKernel:
// weights packed at creation as [kh][kw][cp] s32 (s16 weight, 0) lanes, one
// generated function per problem (kernels/conv/jit_dw_generator.hpp).
//
// Exec type: jit_<isa>_dw_I8 with isa sse42, avx2, avx_vnni, avx512,
// avx512_vnni. Every ISA is exact (s16 x s16 products into s32): there is no
// saturating fast path to fall back from.
//
// Work units: mb × output rows × channel blocks (one block unless there are
// fewer than 16 rows: jit_dw_kernel.cpp).
#include <memory>
#include <string>

#include "jit/isa.hpp"
#include "kernels/conv/conv_kernel.hpp"

namespace octet::kernels {

// nullptr with the reason in `why` when the problem is not depthwise or not
// for this kernel (zero point beyond ±32512, a reduction that could leave s32,
// an epilogue the JIT cannot do, ...). `isa` is the cap (amx →
// avx512_core_vnni). The code is generated for any ISA; run() throws
// UnsupportedError when this CPU cannot execute it.
std::unique_ptr<ConvKernel> make_conv_dw_jit_kernel(const ConvProblem& p, jit::Isa isa, std::string& why);

}  // namespace octet::kernels
