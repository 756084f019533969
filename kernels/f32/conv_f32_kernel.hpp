#pragma once
// Generated f32 Convolution on NCHW activations, the graph's own layout, so no
// reorder runs at any boundary and the f32 eltwise ops around a conv read its
// output as it is.
//
// Layout choice. The vector dimension is output pixels, the broadcast one is
// output channels: C[oc][pixel] = Σ_(tap,ic) W[oc][tap,ic] · X[ic][pixel + tap offset]
// on the gemm_f32 microkernel (rows = output channels, vectors = pixels). For
// that, each pixel's taps must be a fixed offset away in memory; a prepare
// phase copies every input plane once into a zero-padded plane split into
// stride phases (phase (py, px) holds padded rows y ≡ py mod sh and columns
// x ≡ px mod sw), so every tap of a strided, padded or dilated window is a
// contiguous run of floats. Outputs are computed on the phase grid (OH rows of
// IWq = ceil(padded width / sw) columns): when IWq == OW (1x1 without padding,
// any stride) the kernel writes dst directly, otherwise into a scratch that a
// finish phase compacts (dropping the IWq - OW columns that are not outputs).
// A 1x1 conv (one tap) lays its input out in pixel blocks instead,
// [block][ic][block width], so each block's reduction is one contiguous stream;
// without stride or padding it reads the input planes in place (only a partial
// last block is copied, so no load passes the end of the tensor).
// The copy costs one pass over the input against KH·KW·OC FMAs per element;
// NHWC would need reorders around every eltwise op of the f32 graph instead.
//
// Weights are packed at construction into blocks of `rows` output channels,
// [group][oc block][ic][tap][rows] for windows up to 16 taps (the reduction
// runs channel by channel, all taps of a channel together), [..][tap][ic][rows]
// for larger ones (7x7: a loop over taps keeps the code small); zero rows past
// the group's channels. This is the broadcast stream of the microkernel. Blocks: 6 channels × 16 pixels (AVX2),
// 14 × 32 (AVX-512). Work units are (image, group, oc block, pixel block),
// ordered so that whichever of weights or input is larger stays put while the
// smaller one is re-read. One output channel per group (where the depthwise
// generator below does not apply) is the same body with single-row blocks up
// to 8 vectors wide (B streams from memory as the FMA operand).
//
// Depthwise proper (one input and one output channel per group, width stride
// 1 or 2) runs its own generator on the NCHW planes in place, no copies at
// all (kernels/f32/dw_f32_generator.hpp; exec type jit_<isa>_dw_FP32), work
// units of a few whole channels.
//
// Other grouped convolutions with a window run per (image, group) instead: one work unit copies the group's input planes into a
// per-thread padded buffer, computes every block of the group (one call per
// output-channel block, looping over the pixel blocks inside the generated
// code) into a per-thread output buffer and compacts that into dst. Each plane
// then passes through memory once in and once out, and the copies stay in
// L1/L2 (run as three phases over the whole tensor, a 112x112 depthwise layer
// spent most of its time moving the padded copies through memory).
//
// Epilogue: bias, then the post-ops in order (ReLU, clamp, and at most one sum
// with a residual of dst's shape, ConvF32Args::residual), each one f32
// operation as the graph's Add / Relu / Clamp compute it. Where the kernel
// writes dst directly, all of it runs in the generated block; otherwise the
// sum and what follows it run in the compaction (the residual is compact,
// the computed grid is not).
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "jit/isa.hpp"
#include "kernels/common/aligned_buffer.hpp"
#include "kernels/f32/dw_f32_generator.hpp"
#include "kernels/f32/gemm_f32_generator.hpp"
#include "kernels/kernel.hpp"

namespace octet::kernels::f32 {

struct ConvF32Desc {
    int64_t mb = 1, ic = 1, ih = 1, iw = 1, oc = 1, oh = 1, ow = 1;
    int64_t kh = 1, kw = 1, sh = 1, sw = 1, dh = 1, dw = 1, pt = 0, pl = 0;  // pads at the end follow from oh/ow
    int64_t group = 1;
    std::vector<float> bias;        // [oc] or empty
    std::vector<GemmPostOp> post;   // after the bias, in order; at most one sum
};

struct ConvF32Args {
    const float* src = nullptr;       // NCHW
    float* dst = nullptr;             // NCHW
    const float* residual = nullptr;  // NCHW, dst's shape: the sum post-op's input
    float* src_scratch = nullptr;     // src_scratch_floats()
    float* dst_scratch = nullptr;     // dst_scratch_floats()
};

class ConvF32Kernel : public Kernel {
public:
    // weights: [OC, IC/group, KH, KW]; isa: avx2 or avx512_core. Throws
    // ArgumentError for inconsistent descriptors.
    ConvF32Kernel(const ConvF32Desc& d, const float* weights, jit::Isa isa);

    std::string exec_type() const override;
    std::string name() const override;

    // Depthwise and per group (see above): no scratch, one phase.
    size_t src_scratch_floats() const { return per_group_ || dw_ ? 0 : size_t(d_.mb * img_floats_); }
    size_t dst_scratch_floats() const {
        return direct_ || per_group_ || dw_ ? 0 : size_t(d_.mb * d_.oc * pq_round_);
    }

    // Phase 1: padded, phase-split copy of the input, one unit per input plane.
    int64_t prepare_units() const { return img_floats_ && !per_group_ && !dw_ ? d_.mb * d_.ic : 0; }
    void prepare(const ConvF32Args& args, int64_t begin, int64_t end) const;
    // Phase 2: the generated blocks; per group, everything, one unit per (image,
    // group); depthwise, one unit per (image, run of dw_chunk_ channels).
    int64_t work_units() const override {
        return dw_ ? d_.mb * dw_units_ : per_group_ ? d_.mb * d_.group : d_.mb * d_.group * oc_blocks_ * pix_blocks_;
    }
    void run(const ConvF32Args& args, int64_t begin, int64_t end) const;
    // Phase 3 (when not direct): scratch -> dst, one unit per output plane.
    int64_t finish_units() const { return direct_ || per_group_ || dw_ ? 0 : d_.mb * d_.oc; }
    void finish(const ConvF32Args& args, int64_t begin, int64_t end) const;

    jit::Isa isa() const { return isa_; }
    const ConvF32Desc& desc() const { return d_; }
    bool per_group() const { return per_group_; }
    bool depthwise() const { return dw_; }

private:
    void prepare_blocked(const float* src, float* dst) const;
    // One input plane into its laid-out phases at dst + slot·slot_stride.
    void prepare_plane(const float* src, float* dst, int64_t slot_stride) const;
    // One output plane from the computed grid (rows of iwq) to dst (rows of
    // ow), with the post-ops from the sum on.
    void finish_plane(const float* s, const float* res, float* o) const;
    void run_group(const ConvF32Args& args, int64_t n, int64_t g) const;
    // The sum (tail_[0]) and what follows it over `count` outputs in place.
    void apply_tail(const float* res, float* o, int64_t count) const;

    ConvF32Desc d_;
    jit::Isa isa_;
    int64_t cg_ = 1, ocg_ = 1, taps_ = 1;
    int64_t ihq_ = 1, iwq_ = 1, plane_ = 1, img_floats_ = 1;  // phase planes
    std::vector<std::pair<int64_t, int64_t>> phases_;         // (py, px) of each laid-out phase
    int64_t pq_ = 1, pq_round_ = 1;                            // computed pixels per output channel
    bool direct_ = false, oc_outer_ = false, blocked_ = false, taps_inner_ = false, src_direct_ = false;
    bool per_group_ = false;
    bool dw_ = false;                      // the depthwise generator
    int64_t dw_chunk_ = 1, dw_units_ = 1;  // channels per unit, units per image
    std::unique_ptr<jit::Generator> dw_gen_;
    DwF32Fn* dw_fn_ = nullptr;
    std::vector<GemmPostOp> tail_;  // run by the compaction (not direct): the sum and what follows
    int64_t pix_tail_ = 0;  // pixels of the last block
    int rows_ = 1, vecs_ = 1;
    int64_t width_ = 8, oc_blocks_ = 1, pix_blocks_ = 1, wblock_floats_ = 0;
    AlignedBuffer weights_;
    std::array<std::array<std::unique_ptr<jit::Generator>, 2>, 2> gen_;  // [oc tail][pixel tail]
    std::array<std::array<GemmF32Fn*, 2>, 2> fn_{};
};

}  // namespace octet::kernels::f32
