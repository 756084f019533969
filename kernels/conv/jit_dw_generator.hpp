#pragma once
// The generated int8 depthwise convolution (g == ic == oc), NHWC, one output
// row per call. Channels live in the vector lanes as s32: each tap is
// (v)pmovzxbd/pmovsxbd of simd_w channels of one pixel (minus the zero point),
// multiplied by the tap's weights with (v)pmaddwd against weights packed as s32
// lanes holding (s16 w, 0): lo16(x - zp) * w + hi16 * 0 is exact for any
// |x - zp| < 2^15, and the s32 sums are exact whenever the reference's are
// (wrap-around arithmetic, final value in s32). VNNI ISAs fuse the add with
// vpdpwssd. Padded taps are never loaded: the caller passes the valid kernel
// rows, the generator unrolls each output column's valid kernel columns
// (border pixels one by one, the interior in blocks of ur_w pixels that share
// every loaded source vector between the taps that read it).
//
// Byte lanes (AVX-512 VNNI, u8 source without zero point, u8 output, no sum):
// the widening loads above cost a shuffle-port uop per tap-column and the u8
// store narrowing two more per vector, about a third of the kernel. Instead 64
// channels of a pixel are loaded as raw bytes and each tap is 4 vpdpbusd
// against weight vectors that keep one byte per s32 lane (vector k holds the
// weight of channel 4j+k in byte k of lane j, zero elsewhere): accumulator k
// sums channels 4j+k exactly (u8 x s8 products, one non-zero per lane). The
// epilogue runs per accumulator on per-channel vectors permuted the same way
// (permute_channels), and the four s32 results are narrowed by two vpackssdw
// and a vpackuswb (whose saturation is the dst clamp) and put back in natural
// channel order by one vpshufb: one 64-byte store. OCTET_DW_BYTE_LANES=0
// disables it (A/B timing).
//
// Tap quads (byte lanes, no dilation, kw >= 3): one byte per lane leaves 3/4
// of each vpdpbusd idle, and the kernel is bound by them (36 per pixel and 64
// channels of a 3x3). Instead the four bytes of lane (channel c) hold four
// neighbouring input columns x[q..q+3] of c, against weights (w[kx..kx+3])
// of c (zero past kw): a 3-tap kernel row is 4 vpdpbusd per 64 channels, not
// 12. The quads come from the raw rows by two byte unpacks B(q) = (x[q],
// x[q+1]) and two word unpacks of B(q), B(q+2): within a 128-bit lane i,
// accumulator k then holds channels 16i+4k+m (m = 0..3) in dword 4i+m, so the
// packs alone give natural order. A B(q) serves every pixel and tap group that
// reads column q (kept in a few registers, evicted by next use); columns no
// valid tap reads are zeros, never loads (the zero-weight fourth tap may lie
// past the row). OCTET_DW_TAP_QUADS=0 keeps one byte per lane.
// Pixel pairs: with 32 channels a 64-byte load at column q holds columns q and
// q+1, so the same unpacks give pixel p's quads in the low half and p+1's in
// the high half (stride 1), and the packs give the two pixels' 64 output bytes
// in NHWC order: one 32-channel block costs what a 64-channel block of one
// pixel does (32 channels as ymm quads per pixel measured no faster than the
// widening form: the unpacks and the epilogue stay per pixel). Weights are
// [group][4][32] bytes, broadcast to both halves; a half of a load no valid
// tap reads is masked off.
#include <cstdint>
#include <memory>
#include <vector>

#include "ir/epilogue.hpp"
#include "ir/types.hpp"
#include "jit/generator.hpp"
#include "jit/isa.hpp"
#include "jit/postop_params.hpp"
#include "kernels/conv/desc.hpp"

namespace octet::kernels::conv_dw {

// What one call computes: output row oy of one image, Conf::channels channels
// (the pointers and the per-channel vectors of params start at the first).
struct CallArgs {
    const uint8_t* src;      // image row of the first valid kernel row (column 0, first channel)
    const int32_t* wei;      // packed weights at the first valid kernel row (first channel)
    const void* residual;    // residual row (sum post-op), else unused
    void* dst;               // output row (first channel)
    int64_t kh_count;        // valid kernel rows (0: the epilogue of a zero accumulator)
    jit::PostOpParams params;
};

struct Conf {
    ConvDesc d;              // one image (mb ignored)
    ir::ElemType src_type = ir::ElemType::u8;
    int32_t zero_point = 0;  // |x - zp| < 2^15 for every x of src_type
    ir::Epilogue epilogue;
    // Channels per call, 0 = all (d.ic). Fewer split a row into channel blocks
    // (work units) when an image has too few rows to share between threads. A
    // call may start at any multiple of channel_step (byte lanes: the packed
    // weights and permuted vectors go by blocks of 64).
    int64_t channels = 0;
    // Largest |accumulator| any input can produce, or < 0: lets the grouped
    // u8/s8 store (AVX2) leave the dst clamp and a last relu to its saturating
    // packs (jit::PostOpEmitter::convert).
    double acc_abs_max = -1.0;
};

// Channels a vector step of the generated code covers: 64 with byte lanes, else simd_w.
int64_t channel_step(const Conf& c, jit::Isa isa);

// The byte-lane form (see above) applies to this problem at this ISA.
bool byte_lanes(const Conf& c, jit::Isa isa);
// The tap-quad variant of it (see above).
bool tap_quads(const Conf& c, jit::Isa isa);
// Tap quads for 32 channels at stride 1, two output pixels per zmm (see above).
bool pixel_pairs(const Conf& c, jit::Isa isa);

// Column pairs (AVX2 / AVX-VNNI, no zero point, full vectors of interior
// pixels): the widening form spends a (v)pmaddwd + vpaddd on each tap whose
// high s16 half multiplies a zero. Instead two neighbouring input columns p,
// p+1 are interleaved into (x_p, x_p+1) s16 pairs (vmovq, vmovq, vpunpcklbw,
// vpmovzxbw) and one vpmaddwd against (w_a, w_b) pairs applies two taps: a
// 3-tap kernel row costs 2 multiply-adds per pixel instead of 3, and a pair
// at an even column serves two neighbouring pixels (at alignments 0 and 1).
// Both products are exact in s32 (|x| <= 255, |w| <= 128). Kernel rows go
// two at a time as row pairs where they can: input rows iy, iy+1 interleaved
// at one column, one vpmaddwd per kernel column (a 3x3 kernel: 3 + 2
// multiply-adds per pixel instead of 3 x 2); an odd last row as column pairs
// (border pixels: row pairs of their valid taps, an odd last row tap by tap).
//
// Packed weights, row by row (packed_row_units 4-byte units per kernel row):
// [kw][cp] s32 lanes holding the s16 weight in the low half, then in column-pair
// form [2 alignments][np pairs][cp] lanes (w of column 2j-a, w of column 2j+1-a)
// and [kw][cp] row pairs (w of row ky, w of row ky+1 at column kx);
// in byte-lane form [kw][cp/64][4][64] s8; as tap quads [ceil(kw/4)][cp/64][4][16][4] s8
// (group, block, accumulator k, dword 4i+m = channel 16i+4k+m, tap 4g+t), as pixel
// pairs the same with blocks of 32 channels: [ceil(kw/4)][4][8][4].
int64_t packed_channels(const Conf& c, jit::Isa isa);  // cp: channels rounded up to simd_w (64 for byte lanes)
bool column_pairs(const Conf& c, jit::Isa isa);        // the pair forms apply (full vectors)
int64_t packed_row_units(const Conf& c, jit::Isa isa);
// wei: plain [ic][kh][kw]; out: kh*packed_row_units zero-filled 4-byte units.
void pack_weights(const Conf& c, jit::Isa isa, const int8_t* wei, int32_t* out);
// A per-channel epilogue vector in the order the kernel's lanes hold channels
// (unchanged unless byte lanes; sizes 0 and 1 are returned as they are).
std::vector<float> permute_channels(const Conf& c, jit::Isa isa, const std::vector<float>& v);

// Generator for conf at isa (generated for any ISA; created by the caller).
std::unique_ptr<jit::Generator> make_generator(jit::Isa isa, const Conf& conf);

}  // namespace octet::kernels::conv_dw
