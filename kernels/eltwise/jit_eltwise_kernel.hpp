#pragma once
// The JIT element-wise int8 boundary ops as EltwiseKernels
// (kernels/eltwise/jit_eltwise_generator.hpp), bit-exact with their references:
// Quantize (exec type jit_<isa>_FP32: the input is f32), Dequantize, Requantize
// and Add (jit_<isa>_I8), <isa> = sse42, avx2, avx512 (the VNNI ISAs run the
// code of the ISA below them). Per-tensor or per-channel vectors along any axis:
// channel runs (inner > 1, e.g. NCHW with axis 1) call the code once per run with
// the run's values broadcast; the channel-last case (inner == 1, e.g. NHWC or
// [N, C]) reads the vectors per lane.
#include <memory>
#include <string>

#include "jit/isa.hpp"
#include "kernels/eltwise/eltwise_kernel.hpp"

namespace octet::kernels {

// nullptr with the reason in `why` when the problem is not for this kernel. The
// code is generated for any ISA; run() throws UnsupportedError when this CPU
// cannot execute it.
std::unique_ptr<EltwiseKernel> make_quantize_jit_kernel(const QuantizeProblem& p, jit::Isa isa, std::string& why);
// Quantize of gelu(x) in one pass (engine/f32/fuse_f32.hpp's Gelu -> Quantize):
// each loaded f32 vector goes through the f32 Gelu kernel's code
// (kernels/f32/math_injector.hpp; erf, or tanh when `tanh`), then the quantize
// chain. The bits of kernels::f32's Gelu kernel followed by the quantize kernel
// (there is no C++ reference of the JIT Gelu). AVX2 and up (exec type
// jit_<avx2|avx512>_FP32); null with `why` at SSE4.2.
std::unique_ptr<EltwiseKernel> make_gelu_quantize_jit_kernel(const QuantizeProblem& p, bool tanh, jit::Isa isa,
                                                             std::string& why);
std::unique_ptr<EltwiseKernel> make_dequantize_jit_kernel(const DequantizeProblem& p, jit::Isa isa, std::string& why);
std::unique_ptr<EltwiseKernel> make_requantize_jit_kernel(const RequantizeProblem& p, jit::Isa isa, std::string& why);
std::unique_ptr<EltwiseKernel> make_add_jit_kernel(const AddProblem& p, jit::Isa isa, std::string& why);

}  // namespace octet::kernels
