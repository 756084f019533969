#pragma once
// Generated f32 depthwise convolution (one input and one output channel per
// group) read and written in place in NCHW: no padded copy, no compaction.
//
// One call runs `channels` consecutive channel planes. Per plane, the output
// is computed in blocks of R rows × one chunk of the row (vectors of output
// pixels, all held in registers: R·vectors accumulators), every tap one FMA
// per vector: C[y][x..x+w) += W[i][j] · X[y·sh - pt + i·dh][x·sw - pl + j·dw ..].
// An input row vector is loaded once and used by every output row of the block
// that reads it (stride 1: up to KH rows). Columns outside [0, iw) are masked
// off in the load (zero), so no load leaves its row; rows outside [0, ih) are
// skipped: every block's set of (output row, kernel row) pairs is known at
// generation time, the blocks that share one (the interior) run as a loop.
// Stride 2 loads two vectors and keeps their even lanes (vpermt2ps on AVX-512,
// vshufps + vpermpd on AVX2).
//
// Epilogue as gemm_f32's: bias, then ReLU / clamp / sum (residual in dst's
// layout) in order, one f32 operation each. Every output pixel's taps are
// summed in one fixed order (kernel row, then column), independent of blocking
// and threads.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "jit/generator.hpp"
#include "jit/isa.hpp"
#include "kernels/f32/gemm_f32_generator.hpp"

namespace octet::kernels::f32 {

struct DwF32Config {
    jit::Isa isa = jit::Isa::avx2;  // avx2 or avx512_core
    int64_t ih = 1, iw = 1, oh = 1, ow = 1;
    int64_t kh = 1, kw = 1, sh = 1, sw = 1, dh = 1, dw = 1, pt = 0, pl = 0;  // sw 1 or 2
    bool bias = false;
    std::vector<GemmPostOp> post;
    std::string name;
};

struct DwF32Args {
    const float* src;       // the first channel's plane [ih][iw]; planes follow
    float* dst;             // [oh][ow] per channel
    const float* residual;  // sum post-op: dst's layout
    const float* weights;   // [channel][kh][kw]
    const float* bias;      // [channel]
    int64_t channels;       // >= 1
};

using DwF32Fn = void(const DwF32Args*);

// Whether the generator takes this geometry (stride along the width 1 or 2,
// sizes whose byte offsets fit 32-bit displacements).
bool dw_f32_supported(const DwF32Config& c);

// Generates (create() already called). Throws ArgumentError where
// dw_f32_supported() is false.
std::unique_ptr<jit::Generator> make_dw_f32_generator(const DwF32Config& c);

}  // namespace octet::kernels::f32
