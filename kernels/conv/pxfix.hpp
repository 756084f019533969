#pragma once
// Pixel-lane sparse correction ("pxfix") of the non-VNNI convolution (one group):
// the main kernel runs the fast pmaddubsw chain on w_safe (pack.hpp:
// safe_weights) and adds a tile of Σ a·d, delta = w - w_safe, computed here.
//
// Why pixels in the lanes: the fixup of pack.hpp corrects in the main kernel's
// layout (output channels in the lanes), so a nonzero d costs a whole (quad,
// vector) unit for every pixel; the zoo's 0.4-1.7 % corrected weights touch
// 16-43 % of those units. With pixels in the lanes the cost follows the
// nonzeros: the input of a pixel chunk is transposed once into pair words
//   At[pixel block][k pair][lane] = (u16 a[p][2kp], u16 a[p][2kp+1])
// (s8 sources shifted by 0x80 like the main kernel's), and each nonzero pair
// (d0, d1) of output channel n is one vpmaddwd of broadcast (d0, d1) with
// At[pb][kp] plus one vpaddd into column n's accumulator: exact (the products
// fit s16·s16 -> s32, the sums wrap in s32 like the main kernel's). The
// generator (jit_pxfix_generator.hpp) computes lanes columns at a time and
// transposes them (8×8 / 4×4 dwords) into the tile [pixel][oc_block] s32 that
// the main kernel adds before its epilogue (conv_jit::Conf::corr).
// Cost per lanes pixels: ~2 µops per nonzero pair, the input transpose (~4
// µops per k, shared by every output channel) and the tile transpose (~3 µops
// per output channel); sse42 / avx2 only (4 / 8 dword lanes).
// A k×k layer is a 1×1 over taps·ic channels: each tap of an output row has
// its own pairs (kp_tap of them, zero where the tap reads padding), the input
// rows are transposed once per tap. With stride 1 in x the image layout
// (make_pxfix_image) transposes each input row once instead: [kp][x] words,
// so the 8 pixels of an output block at tap (ky, kx) are 8 consecutive words
// kx·(dw+1) further along the row (an unaligned load), and the kh·kw taps of
// all the output rows share one transpose per input row.
#include <cstdint>
#include <vector>

namespace octet::kernels::conv_pack {

struct PxFix {
    int lanes = 0;        // pixels per block: the ISA's dword lanes (4 or 8)
    int oc_block = 0;     // the main kernel's output-channel block
    int64_t k = 0;        // input channels per tap
    int64_t taps = 1;     // kh·kw
    int64_t kp_tap = 0;   // pairs per tap, a multiple of 8 (the transpose's step)
    int64_t kp_pad = 0;   // pairs per pixel block: taps·kp_tap
    // Column c (global output channel, blocks padded to oc_block) has the entries
    // [col[c], col[c+1]); an entry is two int32: the pair's byte offset in a
    // pixel block (kp·lanes·4) and (u16 d0 | d1 << 16).
    std::vector<int64_t> col;
    std::vector<int32_t> ent;
    // Image layout (make_pxfix_image): a transposed input row is kp_tap rows of
    // `width` words, x = ix + kImageXPad; 0 in the chunk layout.
    int64_t width = 0;
    int64_t entries() const { return int64_t(ent.size() / 2); }
    // Bytes from one pixel block to the next.
    int64_t pb_bytes() const { return width ? lanes * 4 : kp_pad * lanes * 4; }
    int64_t row_bytes() const { return kp_tap * width * 4; }  // image layout: one input row
};

// Words of zeros left of an image row's first pixel (the x padding read, <= 8).
constexpr int64_t kImageXPad = 8;

// Lists of delta [oc][taps][ic] (one group), columns padded to n_ocb·oc_block.
PxFix make_pxfix(const int8_t* delta, int64_t oc, int64_t taps, int64_t ic, int oc_block, int lanes);

// The image layout for delta [oc][kh][kw][ic] (one group, stride 1 in x, pw <=
// kImageXPad): rows of `width` words (a multiple of 8, >= every x read); the
// entry of tap (ky, kx), pair kp reads ky·(dh+1)·row_bytes + kp·width·4 +
// kx·(dw+1)·4 bytes from the call's `at` = the output row's first input row +
// (kImageXPad - pw) words.
PxFix make_pxfix_image(const int8_t* delta, int64_t oc, int64_t kh, int64_t kw, int64_t ic, int oc_block, int lanes,
                       int64_t dh, int64_t dw, int64_t width);
// One input row (iw pixels of f.k bytes, pixel stride f.k) into the image layout
// at `row` (16-byte aligned): x in [kImageXPad, kImageXPad + iw) from the
// source, every other word of the row zero.
void transpose_row(const PxFix& f, const uint8_t* src, int64_t iw, bool xor80, uint32_t* row);

// The pairs of tap `tap` for npix pixels (pixel i at src + i·pix_stride, f.k
// bytes each) into ceil(npix / lanes) pixel blocks of f.pb_bytes() at `at`
// (64-byte aligned); pixels past npix and channels past k are zero. xor80: s8
// source. The rows form: pixel i at rows[i], zero where rows[i] is null; each
// non-null row readable for `readable` bytes (k when less), so that a tail of
// channels past the last 16 is one masked load instead of a copy.
void transpose_pairs(const PxFix& f, const uint8_t* src, int64_t pix_stride, int64_t npix, bool xor80,
                     uint32_t* at, int64_t tap = 0, int64_t readable = 0);
void transpose_pairs(const PxFix& f, const uint8_t* const* rows, int64_t npix, bool xor80, uint32_t* at,
                     int64_t tap, int64_t readable = 0);

// The reference of the generated correction: tile[p][c] = Σ over column
// ob·oc_block + c's entries of d0·a0 + d1·a1, (a0, a1) the pair word the entry
// points at for pixel p (lane l of block pb: at + pb·pb_bytes + offset + 4l), for the npb
// pixel blocks at `at`; tile rows are oc_block s32.
void pxfix_ref(const PxFix& f, const uint32_t* at, int64_t npb, int64_t ob, int32_t* tile);

}  // namespace octet::kernels::conv_pack
