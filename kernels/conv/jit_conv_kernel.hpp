#pragma once
// The JIT direct int8 convolution as a ConvKernel (every conv but depthwise):
// weights packed and compensation computed at creation (kernels/conv/pack.hpp),
// one or two generated functions (the full output-channel block and the
// group's last, narrower one; kernels/conv/jit_conv_generator.hpp).
//
// Exec types: jit_<isa>[_1x1][_fixup|_exact]_I8 with isa sse42, avx2, avx_vnni,
// avx512, avx512_vnni. Without VNNI: no suffix = the fast pmaddubsw path, every
// weight pair of the layer is safe (pack.hpp); "_fixup" = fast path on the
// made-safe weights plus the sparse correction of the unsafe pairs (pack.hpp),
// chosen when the correction's density (units with a correction / all units)
// is at most kFixupMaxDensity; "_exact" otherwise (split weights, about half the
// speed). All three are bit-exact. VNNI kernels are always exact (no suffix).
// OCTET_CONV_FIXUP=0 in the environment disables the fixup path (fast/exact only).
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

// Non-VNNI path selection (tests and measurements force one; VNNI ignores it).
enum class ConvJitPath { automatic, fixup, exact };
constexpr double kFixupMaxDensity = 0.5;
std::unique_ptr<ConvKernel> make_conv_jit_kernel(const ConvProblem& p, jit::Isa isa, std::string& why,
                                                 ConvJitPath path);

}  // namespace octet::kernels
