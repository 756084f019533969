#pragma once
// A matmul with a constant B is a 1×1 convolution over batch·M pixels
// (ic = K, oc = N, weights [N][K] = Bᵀ): the mirror of
// kernels/conv/conv1x1_as_matmul.hpp. At sse42 / avx2 with unsafe B pairs the
// conv's pixel-lane correction path (jit_<isa>_1x1_pxfix_I8,
// kernels/conv/pxfix.hpp) runs real (normal, per-channel quantized) weights at
// ~1.05-1.2x the fast chain, the matmul's s16 exact path at ~1.3x; this
// candidate takes the matmul there. It lives beside the registry, not in
// kernels/matmul/: kernels/conv already uses kernels/matmul (the s16 route), and
// the families should not include each other both ways.
//
// Exec type jit_<isa>_pxfix_I8; work units are the conv's (MatmulArgs::job is
// passed on as ConvArgs::job).
#include <memory>
#include <string>

#include "jit/isa.hpp"
#include "kernels/conv/conv_kernel.hpp"
#include "kernels/matmul/matmul_kernel.hpp"

namespace octet::kernels {

// The matmul's time on its s16 exact path (jit_avx2_exact_I8) as a multiple of
// its fast chain's: bench/README.md, AVX2 cap, M = 128, 8-bit weights 0.82-0.86x
// oneDNN, 7-bit (fast chain) 1.06-1.10x: ~1.3.
constexpr double kMatmulExactCost = 1.30;

// The 1×1 ConvProblem of a matmul with a constant B (its first batch slice):
// mb 1, ih = oh = batch·M, iw = ow = 1, the same source type, zero point and epilogue.
ConvProblem matmul_conv1x1_problem(const MatmulProblem& p);

// nullptr with the reason in `why` unless: isa (the cap) is sse42 or avx2, B is
// constant, the same in every batch slice and has an unsafe pair, A is plain rows,
// and (by_cost) batch·M >= 8 and the conv cost model picks pxfix below
// kMatmulExactCost. by_cost = false (tests) skips those two policy checks.
std::unique_ptr<MatmulKernel> make_matmul_pxfix_kernel(const MatmulProblem& p, jit::Isa isa, std::string& why,
                                                       bool by_cost);
// The registry's candidate: by_cost = true.
std::unique_ptr<MatmulKernel> make_matmul_pxfix_kernel(const MatmulProblem& p, jit::Isa isa, std::string& why);

}  // namespace octet::kernels
