#pragma once
// The generator of the JIT direct int8 convolution (every conv but depthwise),
// one template over Isa for xmm / ymm / zmm (sse42, avx2, avx_vnni,
// avx512_core, avx512_core_vnni).
//
// One call computes one output row segment of one output-channel block:
//   ur_w pixels × nb_oc vectors of s32 accumulators (register blocking), a K
//   loop over the row's valid ky (run time), kx (unrolled, per pixel only the
//   taps inside the input: left/right padding is resolved at generation) and
//   the input-channel quads (run-time loop unrolled by icq_unroll). A quad of 4
//   activation bytes is broadcast to every lane (vpbroadcastd) and multiplied
//   with the packed weights of kernels/conv/pack.hpp:
//     VNNI      vpdpbusd acc, a, w                              (exact)
//     fast      vpmaddubsw t, a, w; vpmaddwd t, t, ones; vpaddd (every pair safe)
//     exact     the same on both halves of the split weights  (any weights)
//     fixup     fast on w_safe, then per (kx, vector, group size) a run-time loop
//               over the sparse correction groups of the row's valid ky (exact)
//     corr      fast on w_safe, plus a tile of Σ a·d the caller computed with
//               pixels in the lanes (kernels/conv/pxfix.hpp), added per pixel
//     wide      the source is u16 words (the caller widened it) and the weights
//               s16: a 4-byte unit is a pair, vpmaddwd t, a, w; vpaddd (exact for
//               any weights: 2 vector ops per pair where the fast chain takes 3 per
//               quad, but one multiply per 2 MACs in both, and the multiplies bind
//               the chain: first layers and small-K 1x1 layers lose little)
//   s8 sources are shifted into u8 (xor 0x80); padded taps are skipped, and the
//   per-(ky range, kx range) compensation zp_eff·Σw of the taps actually used
//   is subtracted (zp_eff = src zero point, +128 for s8), so padding holds the
//   zero point exactly. Then PostOpEmitter<isa> per vector, tails of ocg by lanes.
//
// Modes: row (general: a whole output row of `ow` pixels, blocks laid out at
// generation, the interior ones in a loop) and flat (1×1, stride 1, no padding:
// the image is one long row, the pixel count comes at run time).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ir/epilogue.hpp"
#include "jit/generator.hpp"
#include "jit/isa.hpp"
#include "jit/postop_params.hpp"

namespace octet::kernels::conv_jit {

constexpr int kFixMaxGroup = 3;  // = conv_pack::kFixupMaxGroup

// What the generated function reads (its only argument).
struct CallArgs {
    const uint8_t* src;     // input row of the first valid ky, column 0, group's first channel
    const int8_t* wei;      // packed weights of the block at the first valid ky
    void* dst;              // output pixel 0 of the row / chunk, block's first channel
    const void* residual;   // the same place in the residual (sum post-op)
    const int32_t* comp;    // compensation of the row's ky class, block's first channel (or null)
    int64_t kh;             // valid ky count of the row (row mode; flat: 1)
    int64_t oc;             // global output channel of the block's first lane
    int64_t npix;           // flat mode: pixels in this call
    // Sparse correction (Conf::fixup; kernels/conv/pack.hpp), per list of groups
    // of k+1 entries: the block's group index at ky = first valid ky, all groups'
    // source offsets and d vectors; ylo·src_ky_step (offsets count from ky = 0).
    const int64_t* fix_idx[kFixMaxGroup];
    const int64_t* fix_src[kFixMaxGroup];
    const int8_t* fix_dvec[kFixMaxGroup];
    int64_t ylo_off;
    jit::PostOpParams params;
    const int8_t* wei_flat;  // Conf::kwic_quads > 0: the block's (kx, ic)-flattened weights at the first valid ky
    const int32_t* corr;     // Conf::corr: the call's pixel-lane correction tile, [pixel][oc_block] s32
};

struct Conf {
    jit::Isa isa = jit::Isa::avx2;
    bool flat = false;      // 1×1 s1 p0 with a run-time pixel count
    bool s8_src = false;    // xor the activation bytes with 0x80
    bool split = false;     // exact non-VNNI path over 2 weight halves
    bool has_comp = false;  // subtract the compensation
    bool fixup = false;     // fast chain on w_safe + list-driven Σ a·d (not with split)
    bool corr = false;      // fast chain on w_safe + CallArgs::corr added before the epilogue (pxfix.hpp)
    bool wide = false;      // u16 source, s16 weight pairs (ic / icq / ic_tail count bytes of words)
    std::vector<uint8_t> fix_used[kFixMaxGroup];  // per group size: [j][kx][tail] lists that are ever non-empty
    int64_t kh = 1;                 // filter height (fixup index stride)
    int64_t ic = 0;         // source pixel stride (all groups)
    int64_t oc = 0;         // destination/residual pixel stride (all groups)
    int64_t icq = 0;        // input-channel quads per tap
    int ic_tail = 0;        // bytes of the last quad when icg % 4 != 0, else 0
    int64_t kw = 1, sw = 1, dw = 0;
    int64_t src_ky_step = 0;     // bytes between the input rows of consecutive ky
    int64_t wei_icq_stride = 0;  // bytes per quad (halves × oc_block × 4)
    int oc_block = 0;            // channels per packed block (the weights' lane stride)
    int nb_oc = 1;               // vectors this kernel computes (<= oc_block / simd_w)
    int last_lanes = 0;          // lanes of the last vector (1..simd_w)
    int ur_w = 1;                // pixels per register block
    // VNNI: the last w_mem weight vectors of a quad are vpdpbusd memory operands
    // (L1 loads fused into the multiply) instead of registers, which frees
    // registers for accumulators: zmm nb 4 gets 7 pixels instead of 6 (7 divides
    // every ResNet width: 7, 14, 28, 56, 112), ymm nb 2 gets 7 instead of 6.
    int w_mem = 0;
    int icq_unroll = 4;
    // Row mode: per output column the bit mask of valid kx and the tap class
    // (index into the compensation's x classes); comp_oc_pad = its row stride.
    std::vector<uint64_t> kx_mask;
    std::vector<int> xcls;
    int64_t pw = 0;
    // Row mode: input width (0: unknown). With it, an input-channel tail quad
    // (ic % 4 != 0, e.g. conv1's 3 channels) whose 4-byte read stays inside the
    // input row is one vpbroadcastd from memory instead of 3..5 GPR ops and 2
    // shuffle-port uops; the extra bytes meet zero weights.
    int64_t iw = 0;
    // Row mode, g = 1, no dilation, ic % 4 != 0 (conv1: 3 channels): the kw taps of
    // one kernel row are kw*ic contiguous input bytes, so a pixel whose taps are
    // all inside the image reads them as kwic_quads = ceil(kw*ic/4) quads
    // (conv1: 6 instead of 7 quads of which 1 byte in 4 is padding) against
    // weights packed as a 1-wide kernel of kw*ic channels (CallArgs::wei_flat).
    // 0: off. Not with split or fixup.
    int64_t kwic_quads = 0;
    int64_t comp_oc_pad = 0;
    // Largest |accumulator| any input can produce (after the compensation), or
    // < 0: lets the u8/s8 grouped store leave the dst clamp to its saturating
    // packs (jit::PostOpEmitter::convert).
    double acc_abs_max = -1.0;
    std::string name;
};

// Largest ur_w for nb_oc vectors (w_mem of them read from memory, Conf::w_mem)
// that fits the ISA's registers; 0 when w_mem is not possible (not VNNI, or
// no weight vector left in a register for the epilogue's scratch).
int max_ur_w(jit::Isa isa, int nb_oc, bool split, int w_mem = 0);

// Generates (create() done) the kernel; throws on what the emitter rejects.
std::unique_ptr<jit::Generator> make_generator(const Conf& c, const ir::Epilogue& e);

}  // namespace octet::kernels::conv_jit
