#pragma once
// The JIT direct int8 convolution as a ConvKernel (every conv but depthwise):
// weights packed and compensation computed at creation (kernels/conv/pack.hpp),
// one or two generated functions (the full output-channel block and the
// group's last, narrower one; kernels/conv/jit_conv_generator.hpp).
//
// Exec types: jit_<isa>[_1x1][_fixup|_pxfix|_exact]_I8 with isa sse42, avx2, avx_vnni,
// avx512, avx512_vnni. Without VNNI: no suffix = the fast pmaddubsw path, every
// weight pair of the layer is safe (pack.hpp); "_fixup" = fast path on the
// made-safe weights plus the sparse correction of the unsafe pairs (pack.hpp);
// "_pxfix" = the same correction computed with pixels in the lanes (1x1,
// sse42 / avx2; kernels/conv/pxfix.hpp); "_exact" = split weights. Between
// fixup, pxfix, exact and, for 1x1 layers, the s16
// matmul route (jit_<isa>_1x1_s16_I8, kernels/conv/jit_conv1x1_s16_kernel.hpp)
// a cost model chooses (conv_jit_costs below). All are bit-exact. VNNI kernels
// are always exact (no suffix).
// OCTET_CONV_FIXUP=0 in the environment disables the fixup path (fast/exact only).
//
// Work units: mb × groups × oc blocks × output rows (row mode), or
// mb × groups × oc blocks × 240-pixel chunks (1×1 stride 1 unpadded: flat).
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "jit/isa.hpp"
#include "kernels/conv/conv_kernel.hpp"

namespace octet::kernels {

// nullptr with the reason in `why` when the problem is not for this kernel
// (depthwise, non-int8 source, epilogue the JIT cannot do, ...). `isa` is the
// cap: the kernel uses it (amx → avx512_core_vnni). The code is generated for
// any ISA; run() throws UnsupportedError when this CPU cannot execute it.
std::unique_ptr<ConvKernel> make_conv_jit_kernel(const ConvProblem& p, jit::Isa isa, std::string& why);

// Non-VNNI path selection (tests and measurements force one; VNNI ignores
// fixup / exact / pxfix / wide). s16 builds the 1x1 s16 matmul kernel
// (make_conv_1x1_s16_kernel) or declines; automatic picks the cheapest direct
// path here (fixup, pxfix, wide or exact), the registry's s16 candidate (before
// this one) takes the layers where the cost model prefers s16. A forced path the
// shape cannot take falls back (pxfix -> fixup, wide -> exact).
enum class ConvJitPath { automatic, fixup, exact, s16, pxfix, wide };
std::unique_ptr<ConvKernel> make_conv_jit_kernel(const ConvProblem& p, jit::Isa isa, std::string& why,
                                                 ConvJitPath path);

// The cost model of the non-VNNI exact paths: estimated time of each as a
// multiple of the fast path's on the same layer (which would be wrong here).
// Fitted on the ResNet-50 / MobileNetV2 zoo convs at the AVX2 cap
// (`bench_conv --zoo <model> --paths`, see the constants in the .cpp):
//   fixup: the fast chain plus the correction loop, linear in the density of
//          corrected units (entries / units, pack.hpp); the loop's per-entry
//          cost is higher where the fast chain is cheap per unit (1x1);
//   pxfix: 1x1 at sse42 / avx2: per pixel block, the input transpose (per k),
//          the lists and tile transpose (per output channel), the nonzero pairs;
//   exact: the split weights, 2x the chain and fewer pixels per register block;
//   wide:  first layers (the kernel-row form) and flat 1x1 layers at sse42 /
//          avx2: u16 source, s16 weights; first layers by ops per pair against
//          the fast chain's per quad, flat layers 1.18 + 0.03·log2(K/16);
//   s16:   1x1 only (no padding, no groups): the matmul's s16 path plus A's split;
//          offered at sse42 / avx2 only (not measured at avx512_core yet).
struct ConvJitCosts {
    bool unsafe = false;       // some weight pair is unsafe and the ISA has no VNNI
    double density = 0.0;      // the fixup's corrected units / all units
    double fixup = 0.0, exact = 0.0, s16 = 0.0;  // 0: path not available
    double pxfix = 0.0, wide = 0.0;
    ConvJitPath best = ConvJitPath::automatic;   // the cheapest (automatic when !unsafe)
    ConvJitPath best_direct = ConvJitPath::automatic;  // the cheapest but s16 (the direct kernel's choice)
    std::string why;           // one line: the figures and the choice (OCTET_VERBOSE logs it)
};
ConvJitCosts conv_jit_costs(const ConvProblem& p, jit::Isa isa);

// While one is alive on this thread, conv_jit_costs(p, isa) is computed once per ISA for
// that problem object: create_conv_kernel holds one over its candidates (the s16 route and
// the direct kernel both ask, and each answer scans every weight twice: ~10 % of
// ResNet-50's compile at the AVX2 cap). The problem must not change while it lives.
class ConvJitCostsScope {
public:
    explicit ConvJitCostsScope(const ConvProblem& p);
    ~ConvJitCostsScope();
    ConvJitCostsScope(const ConvJitCostsScope&) = delete;
    ConvJitCostsScope& operator=(const ConvJitCostsScope&) = delete;

private:
    friend ConvJitCosts conv_jit_costs(const ConvProblem& p, jit::Isa isa);
    const ConvProblem* p_;
    ConvJitCostsScope* outer_;
    std::vector<std::pair<jit::Isa, ConvJitCosts>> memo_;
};

}  // namespace octet::kernels
