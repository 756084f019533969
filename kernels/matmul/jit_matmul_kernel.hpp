#pragma once
// The JIT int8 matmul / fully-connected as a MatmulKernel: a constant B is
// packed and its compensation computed at creation (kernels/matmul/pack.hpp); a
// run-time B (MatmulProblem::b_runtime, attention) is packed block by block
// inside run(), into the same layout, with its compensation. Up to four
// generated tile functions (full and tail rows × full and tail columns;
// kernels/matmul/jit_matmul_generator.hpp) serve both.
//
// Tiles: M == 1 (FC at batch 1, a GEMV) uses 1 row × 8 vectors with B streamed
// as memory operands; M > 1 a register-blocked microkernel (avx512: 6×4 zmm,
// avx_vnni: 6×2 ymm, avx2/sse42: 4×2).
//
// Exec types: jit_<isa>[_exact|_fixup]_I8 with isa sse42, avx2, avx_vnni, avx512,
// avx512_vnni. Without VNNI the fast pmaddubsw path runs only when every K pair
// of a constant B is safe (pack.hpp); otherwise, and always for a run-time B
// (its pairs are unknown until it is packed), "_exact" (s16 B and pmaddwd; at
// M = 1 pmaddubsw on every other byte). "_fixup" (M = 1, batch 1, constant B
// whose unsafe pairs touch at most 15 % of the (K pair, column vector) units,
// as real FC weights do): the fast path on B made safe pair by pair
// (kernels/common/pair_safety.hpp) plus, per column vector, a list of the K
// pairs where B - safe B is non-zero, added as (a0, a1)·(d0, d1) words before
// the epilogue: exact, at the fast path's bytes of B (the GEMV streams B; the
// exact_bytes form issues two chains per group). VNNI is always exact. Kernel
// names of the run-time form start "matmul_rt_".
//
// Work units: batch × column blocks × row blocks (rows innermost, so a thread's
// range reuses one B panel; at M = 1 the threads split N).
#include <memory>
#include <string>

#include "jit/isa.hpp"
#include "kernels/matmul/matmul_kernel.hpp"

namespace octet::kernels {

// nullptr with the reason in `why` when the problem is not for this kernel
// (A not u8/s8, accumulators that may leave s32, an epilogue the JIT cannot do).
// `isa` is the cap (amx → avx512_core_vnni). The code is generated for any ISA;
// run() throws UnsupportedError when this CPU cannot execute it.
std::unique_ptr<MatmulKernel> make_matmul_jit_kernel(const MatmulProblem& p, jit::Isa isa, std::string& why);

}  // namespace octet::kernels
