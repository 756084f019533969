#pragma once
// The JIT direct int8 convolution as a ConvKernel (every conv but depthwise):
// weights packed and compensation computed at creation (kernels/conv/pack.hpp),
// one or two generated functions (the full output-channel block and the
// group's last, narrower one; kernels/conv/jit_conv_generator.hpp).
//
// Exec types: jit_<isa>[_1x1][_exact]_I8 with isa sse42, avx2, avx_vnni,
// avx512, avx512_vnni. Without VNNI the fast pmaddubsw path runs only when every
// weight pair of the layer is safe (pack.hpp); otherwise "_exact" (split
// weights, about half the speed). VNNI kernels are always exact.
//
// Work units: mb × groups × oc blocks × output rows (row mode), or
// mb × groups × oc blocks × 240-pixel chunks (1×1 stride 1 unpadded: flat).
#include <memory>
#include <string>

#include "jit/isa.hpp"
#include "kernels/conv/conv_kernel.hpp"

namespace octet::kernels {

// nullptr with the reason in `why` when the problem is not for this kernel
// (depthwise, non-int8 source, epilogue the JIT cannot do, ...). `isa` is the
// cap: the kernel uses it (amx → avx512_core_vnni). The code is generated for
// any ISA; run() throws UnsupportedError when this CPU cannot execute it.
std::unique_ptr<ConvKernel> make_conv_jit_kernel(const ConvProblem& p, jit::Isa isa, std::string& why);

}  // namespace octet::kernels
