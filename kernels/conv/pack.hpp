#pragma once
// Weight packing, activation compensation and pmaddubsw overflow analysis for
// the JIT direct int8 convolution (kernels/conv/jit_conv_generator.hpp).
//
// Packed layout, per group g and output-channel block ob (oc_block channels):
//   [g][ob][kh][kw][icq][half][oc_block][4]   (s8, 64-byte aligned)
// icq = ceil(icg/4) quads of input channels; one vector load at (g,ob,ky,kx,q)
// gives simd_w output channels × 4 input channels, the operand vpdpbusd and
// vpmaddubsw take against a broadcast of 4 activation bytes. Missing input
// channels (icg % 4) and output channels (ocg % oc_block) are zero, so they
// contribute nothing. `half` is 1 on the fast/VNNI paths; the exact non-VNNI
// path (2 halves) splits every weight w into lo = floor(w/2) in [-64,63] and
// hi = w - lo in [-64,64]: any pair of either half has |w0|+|w1| <= 128 and so
// cannot saturate pmaddubsw's s16 sum (255·128 = 32640).
//
// pmaddubsw adds the products of byte pairs (c0,c1) and (c2,c3) of a quad with
// s16 saturation. A pair (w0,w1) is safe for every u8 input iff w0, w1 have
// opposite signs (or one is 0) or |w0|+|w1| <= 128.
//
// Sparse correction ("fixup", the default non-VNNI path when weights have
// unsafe pairs): w = w_safe + d. For an unsafe pair (same sign, |w0|+|w1| =
// S > 128) the larger-magnitude weight gives its excess e = S-128 to d
// (|w_safe| = 128-|w_small| >= 1, same sign, so the pair is exactly at the
// bound; |d| <= 126 with the partner's d = 0, so d's pairs are safe too).
// w_safe is packed as above and runs the fast chain; Σ a·d is added by a
// second, list-driven loop over the "entries": (ky, kx, quad, vector j) units
// of an oc block in which some lane has d != 0. Each entry = one d vector
// (simd_w×4 bytes) + the source offset of its quad; the same broadcast +
// vpmaddubsw chain, exact; up to 3 entries share one vpmaddwd/vpaddd (Fixup
// below: their s16 products add without overflow). Entries are sorted by ky and
// indexed per (block, j, kx, tail) so a row with a partial ky range walks only
// its valid ones; tail-quad entries read only the ic_tail bytes.
// Why not pairing permutations: the pairing is shared by the broadcast, i.e.
// by every lane of the block; measured on Kaiming-normal weights quantized per
// oc, even the best of the 3 pairings per quad still leaves 3-8% (8 lanes) to
// 20-77% (16 lanes) of units unsafe, at the cost of a shuffle per pixel-quad,
// so it was not taken. On the zoo weights (bench_conv --densities, AVX2, MAC-
// weighted): ResNet-50 0.29 of units are entries, MobileNetV2 0.55; permuting
// the oc within a block would give 0.26 / 0.46, across a group (a graph-level
// permutation of producer oc and consumer ic) 0.20 / 0.32, the best of 3
// pairings per (vector, quad) 0.09 / 0.32. The cost of the fixup grows with the density of entries
// (units with some d) over all units; a cost model (conv_jit_costs in
// jit_conv_kernel.hpp) chooses between it, the exact split path and, for 1×1
// layers, the s16 matmul route.
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <vector>

#include "kernels/common/aligned_buffer.hpp"
#include "kernels/common/pair_safety.hpp"
#include "kernels/conv/desc.hpp"

namespace octet::kernels::conv_pack {

using kernels::AlignedBuffer;

inline bool pair_safe(int w0, int w1) { return u8s8_pair_safe(w0, w1); }

struct PairStats {
    int64_t pairs = 0;   // weight pairs as pmaddubsw sees them (padding pairs included: always safe)
    int64_t unsafe = 0;  // pairs that could saturate for some u8 input
};

// The pairs of the plain [G][OC/G][KH][KW][IC/G] weights in quad order.
PairStats analyze_pairs(const ConvDesc& d, const int8_t* wei);

// max over rows of Σ|w| for `rows` rows of `row_len` weights: times the largest
// |activation| it bounds every accumulator (Conf::acc_abs_max of the conv and dw
// generators: when the saturating packs may do the dst clamp).
int64_t max_abs_row_sum(const int8_t* wei, int64_t rows, int64_t row_len);

// Packed weights as above; `split` selects the 2-half exact layout.
AlignedBuffer pack_weights(const ConvDesc& d, const int8_t* wei, int oc_block, bool split);
int64_t packed_icq(const ConvDesc& d);

// The sparse correction of an oc_block-blocked layer (see the header comment).
// Entries are grouped: the pmaddubsw products of the k entries of a group are
// summed in s16 (vpaddw) before one vpmaddwd/vpaddd, which saves 2(k-1) of 4k
// uops per pixel. Exact because, per s16 lane (oc lane, pair), the |d| of the
// group's entries add up to <= 128 (255·128 = 32640 < 32767) and vpaddw wraps.
// A group's entries share vector j, kx and ky (the row's ky range selects whole
// groups); list k-1 holds the groups of k entries; tail-quad entries stay alone.
constexpr int kFixupMaxGroup = 3;  // source offsets in 3 GPRs (r12, rax, rdx)
struct FixupList {
    std::vector<int64_t> idx;      // [g*n_ocb+ob][j][kx][tail][ky 0..kh]: first group with ky' >= ky
    std::vector<int64_t> src_off;  // per group, per entry: ky*ky_step + kx*kx_step + q*4 (bytes)
    AlignedBuffer dvec;            // per group, per entry: simd_w*4 s8 (lane-major, like the packed weights)
    std::vector<uint8_t> used;     // [j][kx][tail]: some block has groups there
    int64_t groups = 0;
};
struct Fixup {
    int nb = 0;                      // vectors per block (index stride)
    int simd_w = 0;
    int64_t kh = 0, kw = 0;
    FixupList list[kFixupMaxGroup];  // list[k-1]: groups of k entries
    int64_t entries = 0;
    int64_t units = 0;               // all (g, ob, j, ky, kx, quad) units
    double density() const { return units ? double(entries) / double(units) : 0.0; }
    int64_t idx_block_stride() const { return int64_t(nb) * kw * 2 * (kh + 1); }
};

// Fixup::density() without building the lists (the cost model's question): a
// unit is an entry iff one of its lanes has an unsafe pair in its quad.
double fixup_density(const ConvDesc& d, const int8_t* wei, int oc_block, int simd_w);

// w_safe (plain layout, unsafe pairs split as above) and its correction lists
// (max_group: largest group, 1..kFixupMaxGroup).
std::vector<int8_t> safe_weights(const ConvDesc& d, const int8_t* wei, std::vector<int8_t>& delta);
Fixup make_fixup(const ConvDesc& d, const int8_t* delta, int oc_block, int simd_w, int64_t ky_step,
                 int64_t kx_step, int max_group = kFixupMaxGroup);

// Valid tap range [lo, hi) of the window along one axis for output position o
// (contiguous: the input index grows with the tap).
void valid_taps(int64_t o, int64_t stride, int64_t pad, int64_t dil, int64_t k, int64_t in, int64_t& lo,
                int64_t& hi);

// Classes of output positions that see the same valid tap range, and the range of each.
struct TapClasses {
    std::vector<int> cls;                 // per output position
    std::vector<int64_t> lo, hi;          // per class
};
TapClasses tap_classes(int64_t out, int64_t stride, int64_t pad, int64_t dil, int64_t k, int64_t in);

// Compensation table [ycls][xcls][oc_pad] s32: zp_eff·Σ w over the taps of that
// class, wrapped to s32 (the kernel's s32 sums are exact modulo 2^32, so the
// result is exact whenever the true accumulator fits, as the reference requires).
// Channel index: (g*n_ocb + ob)*oc_block + lane; padding channels are 0.
AlignedBuffer compensation(const ConvDesc& d, const int8_t* wei, int oc_block, int64_t zp_eff,
                           const TapClasses& ycls, const TapClasses& xcls);

}  // namespace octet::kernels::conv_pack
