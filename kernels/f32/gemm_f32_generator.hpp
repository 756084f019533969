#pragma once
// The one f32 microkernel behind octet's generated Convolution and MatMul.
//
// One call computes a rows × (vecs · simd_w) block of C over the whole reduction,
// held in registers, then the epilogue (bias first, then ReLU / clamp / +residual
// in the order given, each one f32 operation: no FMA contraction, so a fused
// epilogue gives the bits of the same operations run as separate graph nodes)
// and the store:
//   C[r][col] = Σ_tap Σ_k A[r, tap, k] · B[tap, k, col]
// A is the broadcast operand, B the vector operand. Both are addressed by byte
// strides and per-tap offsets, so the same body serves
//   MatMul  A = activation rows [M, K] (row stride K·4), B = columns packed as
//           [K][vecs·simd_w] (constant B at compile time, activation B per run);
//   Conv    A = weights packed [tap][ic][rows] per block of output channels,
//           B = input planes (NCHW, padded, split into stride phases) read at
//           the tap's offset: consecutive output pixels are consecutive floats.
// Per k: `vecs` vector loads of B, then per row one broadcast of A and `vecs`
// FMAs (with one vector, AVX-512 broadcasts A inside the FMA, {1to16}): loads
// stay near half the FMAs, under the two load ports. rows == 1 (GEMV, M = 1)
// keeps B as the FMA's memory operand instead, since no row reuses it.
// The summation order over (tap, k) is fixed by the config, independent of
// the caller's thread split. With `block_loop`, one call computes `blocks`
// such blocks side by side along the columns (B, C and the residual advance by
// their block strides), saving a call per block where blocks are small
// (depthwise convolution: one row, few taps).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "jit/generator.hpp"
#include "jit/isa.hpp"

namespace octet::kernels::f32 {

enum class GemmBias { none, per_row, per_col };
enum class GemmPost { relu, clamp, sum };

// One post-op: relu  v = v > 0 ? v : 0 (maxps: NaN -> 0);
// clamp v = v > lo ? v : lo, then v < hi ? v : hi (NaN -> lo); sum v = v + residual.
// The semantics of ir/epilogue.hpp's post-ops and of the Relu / Clamp / Add ops.
struct GemmPostOp {
    GemmPost kind = GemmPost::relu;
    float lo = 0.f, hi = 0.f;  // clamp bounds
    GemmPostOp(GemmPost k = GemmPost::relu, float l = 0.f, float h = 0.f) : kind(k), lo(l), hi(h) {}
    static GemmPostOp clamp(float lo, float hi) { return {GemmPost::clamp, lo, hi}; }
    bool operator==(const GemmPostOp& o) const { return kind == o.kind && lo == o.lo && hi == o.hi; }
};

struct GemmF32Config {
    jit::Isa isa = jit::Isa::avx2;  // avx2 (ymm) or avx512_core (zmm)
    int rows = 1;                   // rows of C in this block
    int vecs = 1;                   // vectors of columns in this block
    int last_lanes = 0;             // valid lanes of the last vector (1..simd_w): masked store
    int64_t k = 1;                  // reduction steps per tap
    std::vector<int64_t> a_tap_off{0}, b_tap_off{0};  // bytes; one entry per tap
    // Loop order of the reduction. false: tap after tap, each over all k (A packed
    // [tap][k][..]); true: k after k, each over every tap, unrolled (A packed
    // [k][tap][..]): a conv's taps of one channel touch one plane's few lines
    // and pages together, instead of sweeping every channel plane once per tap.
    bool taps_inner = false;
    int64_t a_row_stride = 4, a_k_stride = 4;         // bytes
    int64_t b_k_stride = 0;                           // bytes between k steps of B
    int64_t c_row_stride = 0;                         // bytes between rows of C and of the residual
    // per_col: bias holds whole vectors (padded): it is loaded without a mask.
    GemmBias bias = GemmBias::none;
    std::vector<GemmPostOp> post;
    // Several blocks per call (GemmF32Args::blocks): bytes between consecutive
    // blocks of B and of C / the residual.
    bool block_loop = false;
    int64_t b_block_stride = 0, c_block_stride = 0;
    // Prefetch GemmF32Args::a_next into L2 alongside A (a conv's next weight
    // block, streamed from memory while this one computes; rows > 1 only).
    bool prefetch_a = false;
    // Non-zero: with each step's B, prefetch B that many bytes further on (the
    // next call's block, where the caller knows it: a 1x1 conv's next pixels).
    int64_t b_prefetch_off = 0;
    // Prefetch the block's residual lines before the reduction (sum post-op).
    bool prefetch_residual = true;
    std::string name;
};

// Pointers at the block's first row / column.
struct GemmF32Args {
    const float* a;
    const float* b;
    const float* bias;      // per_row: bias[r]; per_col: bias[col]
    const float* residual;  // sum post-op: same geometry as C
    float* c;
    int64_t blocks = 1;     // block_loop only: blocks to compute (>= 1)
    const float* a_next = nullptr;  // prefetch_a only: the A of the next call (or a itself)
};

using GemmF32Fn = void(const GemmF32Args*);

// The largest rows for `vecs` vectors that fit the ISA's registers (1 where
// only a single row fits, which holds no B registers; 0 where none does).
int gemm_f32_max_rows(jit::Isa isa, int vecs);
// Lanes of f32 per vector: 8 (avx2) or 16 (avx512_core).
int gemm_f32_simd_w(jit::Isa isa);

// Generates (create() already called). Throws ArgumentError on a geometry the
// registers or 32-bit displacements cannot hold.
std::unique_ptr<jit::Generator> make_gemm_f32_generator(const GemmF32Config& c);

}  // namespace octet::kernels::f32
