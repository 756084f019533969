#pragma once
// The generated element-wise chain (kernels/eltwise/desc.hpp's EltwiseChain) over
// one contiguous run of n elements per call, templated over the ISA (xmm / ymm /
// zmm share one body):
//
//   per input: load n lanes (pmovzxbd/pmovsxbd + cvtdq2ps for u8/s8, cvtdq2ps for
//   s32, f32 as is); subps zero_point; mulps scale; addps bias;
//   addps the second input; maxps 0 (relu); mulps out_scale; addps out_shift;
//   store: f32 as is, or maxps lo / minps hi / cvtps2dq (half to even under the
//   default MXCSR) / exact packs to s32, u8, s8.
//
// A chain's pre-op (the Gelu before a Quantize, AVX2 and up) runs the f32 Gelu
// kernel's code (kernels/f32/math_injector.hpp) on input 0 right after its load;
// the main loop then does its 4 (AVX2: 2) Gelus before their quantize tails.
//
// Each step is "v = v op p" with v first, as the reference's C++; no FMA. Every
// operation the chain leaves out is not emitted. Tails (n % lanes) never touch
// memory past element n-1: element-wise loads/stores on SSE4.2/AVX2 (one path per
// tail length), opmask loads/stores on AVX-512.
//
// Parameters: each vector of the chain is, per generated kernel, either absent,
// broadcast (one value per call: the caller points at the run's channel, or at
// the single value) or per lane (the caller points at the channel of the run's
// first element and lane j reads element j: the channel-last case, inner == 1).
#include <cstdint>
#include <memory>

#include "jit/generator.hpp"
#include "jit/isa.hpp"
#include "kernels/eltwise/desc.hpp"

namespace octet::kernels::eltwise_jit {

enum class ParamMode : uint8_t { none, broadcast, lanes };

// Parameter slots: input k's zero_point / scale / bias at 3k + 0/1/2, then
// out_scale (6) and out_shift (7).
constexpr int kParams = 8;
constexpr int kOutScale = 6, kOutShift = 7;

struct CallArgs {
    const void* src[2];      // first element of the run, per input
    void* dst;
    int64_t n;               // elements in the run (>= 0)
    const float* param[kParams];
};

// per_lane: the channel-last layout (size-C vectors read per lane); otherwise
// every vector is broadcast.
std::unique_ptr<jit::Generator> make_generator(jit::Isa isa, const EltwiseChain& c, bool per_lane);

// The slot's vector in the chain (empty when the chain has none).
const std::vector<float>& param_vector(const EltwiseChain& c, int slot);

}  // namespace octet::kernels::eltwise_jit
