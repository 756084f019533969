#pragma once
// The AMX int8 matmul as a MatmulKernel (Sapphire Rapids and later: AMX-TILE + AMX-INT8).
// A constant B is zero-padded to K' = K rounded up to 64, packed in 32-column blocks
// (pack_u8s8, nb = 32: two 16-column B tiles per block), and its compensation computed
// for an A zero point; generated block functions (amx_matmul_generator.hpp) compute
// 32 × 32 output blocks with tile multiplies and run the shared PostOpEmitter on them.
// Bit-exact with the reference like every other kernel: tile products accumulate
// exactly in s32 and the epilogue is the contract's one.
//
// Exec type jit_amx_I8. It declines (and the VNNI kernel takes the problem) for a
// run-time B and for M < kAmxMinRows: at batch-1 FC sizes B streams through once and
// the VNNI GEMV is as fast without the tile setup.
//
// Work units: batch × column blocks × 32-row blocks (rows innermost); a range of
// consecutive full row blocks of one column block runs as one call (one ldtilecfg).
#include <memory>
#include <string>

#include "jit/isa.hpp"
#include "kernels/matmul/matmul_kernel.hpp"

namespace octet::kernels {

constexpr int64_t kAmxMinRows = 16;

// nullptr with the reason in `why` unless `isa` is amx and the problem fits.
// run() throws UnsupportedError on a CPU without AMX.
std::unique_ptr<MatmulKernel> make_matmul_amx_kernel(const MatmulProblem& p, jit::Isa isa, std::string& why);

}  // namespace octet::kernels
