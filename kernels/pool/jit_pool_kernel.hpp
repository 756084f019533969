#pragma once
// The JIT int8 pooling as a PoolKernel (kernels/pool/jit_pool_generator.hpp):
// max, avg_np, avg_p, any kernel / stride / padding incl. ceil-mode end
// padding, global average. Exec type jit_<isa>_I8 (sse42, avx2, avx512; the
// VNNI ISAs run the code of the ISA below them). Work units: mb × output rows.
#include <memory>
#include <string>

#include "jit/isa.hpp"
#include "kernels/pool/pool_kernel.hpp"

namespace octet::kernels {

// nullptr with the reason in `why` when the problem is not for this kernel.
// The code is generated for any ISA; run() throws UnsupportedError when this
// CPU cannot execute it.
std::unique_ptr<PoolKernel> make_pool_jit_kernel(const PoolProblem& p, jit::Isa isa, std::string& why);

}  // namespace octet::kernels
