#include "kernels/f32/conv_f32_kernel.hpp"

#include <algorithm>
#include <cstring>

#include "ir/error.hpp"

namespace octet::kernels::f32 {

namespace {

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

}  // namespace

ConvF32Kernel::ConvF32Kernel(const ConvF32Desc& d, const float* weights, jit::Isa isa) : d_(d), isa_(isa) {
    if (isa != jit::Isa::avx2 && isa != jit::Isa::avx512_core)
        throw ArgumentError("conv_f32: generated for avx2 and avx512_core only");
    const bool sane = d.mb > 0 && d.ic > 0 && d.oc > 0 && d.ih > 0 && d.iw > 0 && d.oh > 0 && d.ow > 0 && d.kh > 0 &&
                      d.kw > 0 && d.sh > 0 && d.sw > 0 && d.dh > 0 && d.dw > 0 && d.pt >= 0 && d.pl >= 0 &&
                      d.group > 0 && d.ic % d.group == 0 && d.oc % d.group == 0;
    if (!sane) throw ArgumentError("conv_f32: inconsistent descriptor");
    if (!d.bias.empty() && int64_t(d.bias.size()) != d.oc) throw ArgumentError("conv_f32: bias is not [oc]");
    int sums = 0;
    for (const GemmPostOp& p : d.post) sums += p.kind == GemmPost::sum;
    if (sums > 1) throw ArgumentError("conv_f32: more than one sum post-op");
    cg_ = d.ic / d.group;
    ocg_ = d.oc / d.group;
    taps_ = d.kh * d.kw;
    // Depthwise: its own generator, reading and writing the planes in place.
    if (cg_ == 1 && ocg_ == 1) {
        DwF32Config c;
        c.isa = isa;
        c.ih = d.ih; c.iw = d.iw; c.oh = d.oh; c.ow = d.ow;
        c.kh = d.kh; c.kw = d.kw; c.sh = d.sh; c.sw = d.sw; c.dh = d.dh; c.dw = d.dw; c.pt = d.pt; c.pl = d.pl;
        c.bias = !d.bias.empty();
        c.post = d.post;
        c.name = "conv_f32_dw_" + std::string(jit::exec_isa_tag(isa)) + "_ih" + std::to_string(d.ih) + "iw" +
                 std::to_string(d.iw) + "_k" + std::to_string(d.kh) + "x" + std::to_string(d.kw) + "_s" +
                 std::to_string(d.sh) + "x" + std::to_string(d.sw);
        if (dw_f32_supported(c)) {
            dw_ = true;
            dw_chunk_ = ceil_div(d.group, 64);  // about 64 units per image
            dw_units_ = ceil_div(d.group, dw_chunk_);
            weights_ = AlignedBuffer(size_t(d.oc * taps_) * sizeof(float));
            std::memcpy(weights_.data(), weights, size_t(d.oc * taps_) * sizeof(float));
            dw_gen_ = make_dw_f32_generator(c);
            dw_fn_ = dw_gen_->function<DwF32Fn>();
            return;
        }
    }
    // A window over few channels per group: one unit per group, in cache.
    per_group_ = d.group > 1 && taps_ > 1;

    // Padded extent: the input plus its pads, and every position a window reads.
    const int64_t ihp = std::max(d.ih + d.pt, (d.oh - 1) * d.sh + (d.kh - 1) * d.dh + 1);
    const int64_t iwp = std::max(d.iw + d.pl, (d.ow - 1) * d.sw + (d.kw - 1) * d.dw + 1);
    ihq_ = ceil_div(ihp, d.sh);
    iwq_ = ceil_div(iwp, d.sw);
    pq_ = d.oh * iwq_;
    direct_ = iwq_ == d.ow;

    const int simd_w = gemm_f32_simd_w(isa);
    // One output channel per group (depthwise): single-row blocks, so wider in
    // pixels (8 accumulators keep both FMA ports busy; B streams from memory).
    vecs_ = int(std::min<int64_t>(ocg_ == 1 ? 8 : 2, ceil_div(pq_, simd_w)));
    // As few blocks as the registers allow, then rows spread evenly over them
    // (64 channels in 14-row blocks: 13,13,13,13,12 rather than 14,14,14,14,8).
    const int64_t max_rows = gemm_f32_max_rows(isa, vecs_);
    rows_ = int(ceil_div(ocg_, ceil_div(ocg_, max_rows)));
    width_ = int64_t(vecs_) * simd_w;
    pix_blocks_ = ceil_div(pq_, width_);
    pq_round_ = pix_blocks_ * width_;
    oc_blocks_ = ceil_div(ocg_, rows_);
    const int64_t max_tap = ((d.kh - 1) * d.dh / d.sh) * iwq_ + (d.kw - 1) * d.dw / d.sw;
    // Garbage pixels (past the row or the plane) read up to here; the slack is zeroed.
    plane_ = (std::max(ihq_ * iwq_, pq_round_ + max_tap) + 15) / 16 * 16;
    // Only the phases some tap reads are laid out (1x1 stride 2: one of four).
    std::vector<int64_t> slot_of(size_t(d.sh * d.sw), -1);
    for (int64_t i = 0; i < d.kh; ++i)
        for (int64_t j = 0; j < d.kw; ++j) {
            const int64_t py = (i * d.dh) % d.sh, px = (j * d.dw) % d.sw;
            if (slot_of[size_t(py * d.sw + px)] < 0) {
                slot_of[size_t(py * d.sw + px)] = int64_t(phases_.size());
                phases_.push_back({py, px});
            }
        }
    // 1x1: the one phase is laid out in pixel blocks, [block][ic][width], so a
    // block's reduction reads one contiguous run instead of one line per
    // channel plane (a DTLB entry per k step at 56x56).
    blocked_ = taps_ == 1;
    // 1x1, stride 1, no padding: the input planes are the grid, so whole pixel
    // blocks read them in place (no copy); only a partial last block, which
    // would read past the last plane, is copied out.
    src_direct_ = blocked_ && d.sh == 1 && d.sw == 1 && d.pt == 0 && d.pl == 0 && iwq_ == d.iw;
    pix_tail_ = pq_ - (pix_blocks_ - 1) * width_;
    // Per group: the group's cg planes in a per-thread buffer, unless a group's
    // working set is too large to stay in cache anyway.
    if (per_group_ && (int64_t(phases_.size()) * cg_ * plane_ + ocg_ * pq_round_) * 4 > (int64_t(4) << 20))
        per_group_ = false;
    const int64_t chan = per_group_ ? cg_ : d.ic;  // planes per phase in the laid-out input
    img_floats_ = per_group_ ? int64_t(phases_.size()) * cg_ * plane_
                  : !blocked_ ? int64_t(phases_.size()) * d.ic * plane_
                  : !src_direct_ ? pq_round_ * d.ic
                  : pix_tail_ < width_ ? d.ic * width_ : 0;
    oc_outer_ = ocg_ * taps_ > plane_ * int64_t(phases_.size());

    // [group][oc block][tap][ic][rows], or [..][ic][tap][rows] with the taps inner.
    taps_inner_ = taps_ > 1 && taps_ <= 16;
    wblock_floats_ = taps_ * cg_ * rows_;
    weights_ = AlignedBuffer(size_t(d.group * oc_blocks_ * wblock_floats_) * sizeof(float));
    float* wp = reinterpret_cast<float*>(weights_.data());
    for (int64_t g = 0; g < d.group; ++g)
        for (int64_t ob = 0; ob < oc_blocks_; ++ob)
            for (int64_t r = 0; r < rows_ && ob * rows_ + r < ocg_; ++r) {
                const float* w = weights + (g * ocg_ + ob * rows_ + r) * cg_ * taps_;  // [ic][kh][kw]
                float* blk = wp + (g * oc_blocks_ + ob) * wblock_floats_;
                for (int64_t c = 0; c < cg_; ++c)
                    for (int64_t t = 0; t < taps_; ++t)
                        blk[(taps_inner_ ? c * taps_ + t : t * cg_ + c) * rows_ + r] = w[c * taps_ + t];
            }

    std::vector<int64_t> a_tap, b_tap;
    for (int64_t i = 0; i < d.kh; ++i)
        for (int64_t j = 0; j < d.kw; ++j) {
            const int64_t phase = slot_of[size_t(((i * d.dh) % d.sh) * d.sw + (j * d.dw) % d.sw)];
            a_tap.push_back((i * d.kw + j) * (taps_inner_ ? 1 : cg_) * rows_ * 4);
            b_tap.push_back((phase * chan * plane_ + (i * d.dh / d.sh) * iwq_ + j * d.dw / d.sw) * 4);
        }
    // Writing dst directly, the generated block runs the whole epilogue;
    // otherwise the compaction runs the sum and what follows it.
    std::vector<GemmPostOp> block_post = d.post;
    if (!direct_)
        for (size_t i = 0; i < d.post.size(); ++i)
            if (d.post[i].kind == GemmPost::sum) {
                block_post.assign(d.post.begin(), d.post.begin() + int64_t(i));
                tail_.assign(d.post.begin() + int64_t(i), d.post.end());
                break;
            }
    const int64_t rows_tail = ocg_ % rows_, pix_tail = pix_tail_;
    for (int rt = 0; rt < 2; ++rt)
        for (int pt = 0; pt < 2; ++pt) {
            const int rows = rt ? int(rows_tail) : rows_;
            if (rows == 0 || (pt && pix_tail == width_)) continue;
            const int64_t pixels = pt ? pix_tail : width_;
            GemmF32Config c;
            c.isa = isa;
            c.rows = rows;
            c.vecs = int(ceil_div(pixels, simd_w));
            c.last_lanes = int(pixels - int64_t(c.vecs - 1) * simd_w);
            c.k = cg_;
            c.a_tap_off = a_tap;
            c.b_tap_off = b_tap;
            c.a_row_stride = 4;
            c.a_k_stride = (taps_inner_ ? taps_ : 1) * rows_ * 4;
            c.taps_inner = taps_inner_;
            c.b_k_stride = (src_direct_ && !pt ? d.ih * d.iw : blocked_ ? width_ : plane_) * 4;
            c.c_row_stride = (direct_ ? d.oh * d.ow : pq_round_) * 4;
            c.bias = d.bias.empty() ? GemmBias::none : GemmBias::per_row;
            c.post = block_post;
            // Weights larger than the input (oc blocks outer): stream the next
            // block's weights into L2 while this one computes its pixel blocks.
            c.prefetch_a = oc_outer_ && !per_group_ && rows > 1;
            // 1x1: B is one line per channel plane and k step, too many streams
            // for the hardware prefetchers; each step asks for the next pixel
            // block's lines (in place: the same planes, a block further).
            if (blocked_ && !pt && rows > 1)
                c.b_prefetch_off = (src_direct_ ? width_ : d.ic * width_) * 4;
            // Per group: one call runs the full-width pixel blocks of an oc block.
            c.block_loop = per_group_ && !pt;
            c.b_block_stride = c.c_block_stride = width_ * 4;
            c.name = "conv_f32_" + std::string(jit::exec_isa_tag(isa)) + "_" + std::to_string(rows) + "x" +
                     std::to_string(pixels) + "_ic" + std::to_string(cg_) + "_k" + std::to_string(d.kh) + "x" +
                     std::to_string(d.kw) + "_s" + std::to_string(d.sh) + "_iwq" + std::to_string(iwq_);
            gen_[size_t(rt)][size_t(pt)] = make_gemm_f32_generator(c);
            fn_[size_t(rt)][size_t(pt)] = gen_[size_t(rt)][size_t(pt)]->function<GemmF32Fn>();
        }
    for (int rt = 0; rt < 2; ++rt)
        if (!fn_[size_t(rt)][1]) fn_[size_t(rt)][1] = fn_[size_t(rt)][0];
}

std::string ConvF32Kernel::exec_type() const {
    return std::string("jit_") + jit::exec_isa_tag(isa_) + (dw_ ? "_dw" : d_.kh == 1 && d_.kw == 1 ? "_1x1" : "") +
           "_FP32";
}

std::string ConvF32Kernel::name() const {
    const ConvF32Desc& d = d_;
    return "conv_f32_" + std::string(jit::exec_isa_tag(isa_)) + "_mb" + std::to_string(d.mb) + "g" + std::to_string(d.group) +
           "ic" + std::to_string(d.ic) + "ih" + std::to_string(d.ih) + "iw" + std::to_string(d.iw) + "oc" +
           std::to_string(d.oc) + "oh" + std::to_string(d.oh) + "ow" + std::to_string(d.ow) + "kh" +
           std::to_string(d.kh) + "kw" + std::to_string(d.kw) + "sh" + std::to_string(d.sh) + "sw" +
           std::to_string(d.sw) + "ph" + std::to_string(d.pt) + "pw" + std::to_string(d.pl) + "dh" +
           std::to_string(d.dh) + "dw" + std::to_string(d.dw);
}

void ConvF32Kernel::prepare(const ConvF32Args& args, int64_t begin, int64_t end) const {
    const ConvF32Desc& d = d_;
    for (int64_t u = begin; u < end; ++u) {
        const int64_t n = u / d.ic, c = u % d.ic;
        const float* src = args.src + (n * d.ic + c) * d.ih * d.iw;
        if (src_direct_) {  // the partial last block only
            float* dst = args.src_scratch + n * img_floats_ + c * width_;
            std::memcpy(dst, src + (pix_blocks_ - 1) * width_, size_t(pix_tail_) * sizeof(float));
            std::fill(dst + pix_tail_, dst + width_, 0.f);
            continue;
        }
        if (blocked_) {
            prepare_blocked(src, args.src_scratch + n * img_floats_ + c * width_);
            continue;
        }
        prepare_plane(src, args.src_scratch + n * img_floats_ + c * plane_, d.ic * plane_);
    }
}

void ConvF32Kernel::prepare_plane(const float* src, float* dst, int64_t slot_stride) const {
    const ConvF32Desc& d = d_;
    for (size_t slot = 0; slot < phases_.size(); ++slot) {
        const int64_t py = phases_[slot].first, px = phases_[slot].second;
        float* plane = dst + int64_t(slot) * slot_stride;
        // Columns xq with source x = xq·sw + px - pl in [0, iw).
        const int64_t lo = std::min(iwq_, std::max<int64_t>(0, ceil_div(d.pl - px, d.sw)));
        const int64_t hi = std::max(lo, std::min(iwq_, ceil_div(d.iw + d.pl - px, d.sw)));
        for (int64_t yq = 0; yq < ihq_; ++yq) {
            float* row = plane + yq * iwq_;
            const int64_t y = yq * d.sh + py - d.pt;
            if (y < 0 || y >= d.ih) {
                std::fill(row, row + iwq_, 0.f);
                continue;
            }
            const float* in = src + y * d.iw;
            const int64_t off = px - d.pl;  // column xq reads in[xq·sw + off]
            std::fill(row, row + lo, 0.f);
            if (d.sw == 1) {
                std::memcpy(row + lo, in + lo + off, size_t(hi - lo) * sizeof(float));
            } else if (d.sw == 2) {
                for (int64_t xq = lo; xq < hi; ++xq) row[xq] = in[2 * xq + off];  // vectorizes (even lanes)
            } else {
                for (int64_t xq = lo; xq < hi; ++xq) row[xq] = in[xq * d.sw + off];
            }
            std::fill(row + hi, row + iwq_, 0.f);
        }
        std::fill(plane + ihq_ * iwq_, plane + plane_, 0.f);
    }
}

// One input plane of a 1x1 conv into its pixel blocks: pixel p of the phase
// grid goes to dst[(p / width)·ic·width + p % width]; zeros past the grid.
void ConvF32Kernel::prepare_blocked(const float* src, float* dst) const {
    const ConvF32Desc& d = d_;
    const int64_t block_stride = d.ic * width_;
    if (d.sh == 1 && d.sw == 1 && d.pt == 0 && d.pl == 0 && iwq_ == d.iw) {  // the plane is the grid
        for (int64_t pb = 0; pb < pix_blocks_; ++pb) {
            const int64_t n = std::max<int64_t>(0, std::min(width_, pq_ - pb * width_));
            std::memcpy(dst + pb * block_stride, src + pb * width_, size_t(n) * sizeof(float));
            std::fill(dst + pb * block_stride + n, dst + pb * block_stride + width_, 0.f);
        }
        return;
    }
    int64_t pb = 0, off = 0;
    auto put = [&](float v) {
        dst[pb * block_stride + off] = v;
        if (++off == width_) {
            off = 0;
            ++pb;
        }
    };
    for (int64_t yq = 0; yq < d.oh; ++yq) {
        const int64_t y = yq * d.sh - d.pt;
        const float* in = y >= 0 && y < d.ih ? src + y * d.iw : nullptr;
        for (int64_t xq = 0; xq < iwq_; ++xq) {
            const int64_t x = xq * d.sw - d.pl;
            put(in && x >= 0 && x < d.iw ? in[x] : 0.f);
        }
    }
    for (int64_t p = pq_; p < pq_round_; ++p) put(0.f);
}

void ConvF32Kernel::run(const ConvF32Args& args, int64_t begin, int64_t end) const {
    const ConvF32Desc& d = d_;
    if (dw_) {
        const float* wp = reinterpret_cast<const float*>(weights_.data());
        for (int64_t u = begin; u < end; ++u) {
            const int64_t n = u / dw_units_, c0 = u % dw_units_ * dw_chunk_, c1 = std::min(d.oc, c0 + dw_chunk_);
            DwF32Args a;
            a.src = args.src + (n * d.ic + c0) * d.ih * d.iw;
            a.dst = args.dst + (n * d.oc + c0) * d.oh * d.ow;
            a.residual = args.residual ? args.residual + (n * d.oc + c0) * d.oh * d.ow : nullptr;
            a.weights = wp + c0 * taps_;
            a.bias = d.bias.empty() ? nullptr : d.bias.data() + c0;
            a.channels = c1 - c0;
            dw_fn_(&a);
        }
        return;
    }
    if (per_group_) {
        for (int64_t u = begin; u < end; ++u) run_group(args, u / d.group, u % d.group);
        return;
    }
    const float* wp = reinterpret_cast<const float*>(weights_.data());
    const bool sum = direct_ && args.residual;
    for (int64_t u = begin; u < end; ++u) {
        int64_t ob, pb, rest;
        if (oc_outer_) {
            pb = u % pix_blocks_;
            ob = u / pix_blocks_ % oc_blocks_;
            rest = u / (pix_blocks_ * oc_blocks_);
        } else {
            ob = u % oc_blocks_;
            pb = u / oc_blocks_ % pix_blocks_;
            rest = u / (pix_blocks_ * oc_blocks_);
        }
        const int64_t g = rest % d.group, n = rest / d.group;
        const int64_t oc0 = g * ocg_ + ob * rows_;
        GemmF32Args a;
        a.a = wp + (g * oc_blocks_ + ob) * wblock_floats_;
        const bool in_place = src_direct_ && (pb < pix_blocks_ - 1 || pix_tail_ == width_);
        a.b = in_place   ? args.src + (n * d.ic + g * cg_) * d.ih * d.iw + pb * width_
              : src_direct_ ? args.src_scratch + n * img_floats_ + g * cg_ * width_
              : blocked_ ? args.src_scratch + n * img_floats_ + (pb * d.ic + g * cg_) * width_
                       : args.src_scratch + n * img_floats_ + g * cg_ * plane_ + pb * width_;
        a.bias = d.bias.empty() ? nullptr : d.bias.data() + oc0;
        const int64_t c_off = direct_ ? (n * d.oc + oc0) * d.oh * d.ow + pb * width_
                                      : (n * d.oc + oc0) * pq_round_ + pb * width_;
        a.residual = sum ? args.residual + c_off : nullptr;
        a.c = (direct_ ? args.dst : args.dst_scratch) + c_off;
        // The next oc block of the group (its last: itself).
        a.a_next = ob + 1 < oc_blocks_ ? a.a + wblock_floats_ : a.a;
        fn_[ob == oc_blocks_ - 1 && ocg_ % rows_ ? 1 : 0][pb == pix_blocks_ - 1 ? 1 : 0](&a);
    }
}

// Per-thread buffers of the per-group units, grown on demand and kept.
namespace {
float* group_buffer(int which, size_t floats) {
    thread_local std::vector<float> buf[2];
    std::vector<float>& b = buf[which];
    if (b.size() < floats) b.resize(floats);
    return b.data();
}
}  // namespace

void ConvF32Kernel::run_group(const ConvF32Args& args, int64_t n, int64_t g) const {
    const ConvF32Desc& d = d_;
    float* in = group_buffer(0, size_t(img_floats_));
    for (int64_t c = 0; c < cg_; ++c)
        prepare_plane(args.src + (n * d.ic + g * cg_ + c) * d.ih * d.iw, in + c * plane_, cg_ * plane_);
    const int64_t out_plane = d.oh * d.ow;
    float* out = direct_ ? args.dst + (n * d.oc + g * ocg_) * out_plane : group_buffer(1, size_t(ocg_ * pq_round_));
    const int64_t c_plane = direct_ ? out_plane : pq_round_;
    const int64_t full = pix_tail_ == width_ ? pix_blocks_ : pix_blocks_ - 1;
    const float* wp = reinterpret_cast<const float*>(weights_.data());
    for (int64_t ob = 0; ob < oc_blocks_; ++ob) {
        const int64_t oc0 = g * ocg_ + ob * rows_;
        const int rt = ob == oc_blocks_ - 1 && ocg_ % rows_ ? 1 : 0;
        GemmF32Args a;
        a.a = wp + (g * oc_blocks_ + ob) * wblock_floats_;
        a.b = in;
        a.bias = d.bias.empty() ? nullptr : d.bias.data() + oc0;
        a.residual = direct_ && args.residual ? args.residual + (n * d.oc + oc0) * out_plane : nullptr;
        a.c = out + ob * rows_ * c_plane;
        if (full > 0) {
            a.blocks = full;
            fn_[size_t(rt)][0](&a);
        }
        if (full < pix_blocks_) {
            a.b += full * width_;
            a.c += full * width_;
            if (a.residual) a.residual += full * width_;
            a.blocks = 1;
            fn_[size_t(rt)][1](&a);
        }
    }
    if (!direct_)
        for (int64_t o = 0; o < ocg_; ++o) {
            const int64_t plane = n * d.oc + g * ocg_ + o;
            finish_plane(out + o * pq_round_, args.residual ? args.residual + plane * out_plane : nullptr,
                         args.dst + plane * out_plane);
        }
}

void ConvF32Kernel::finish_plane(const float* s, const float* res, float* o) const {
    const ConvF32Desc& d = d_;
    const int64_t w = d.ow;
    for (int64_t y = 0; y < d.oh; ++y) {
        const float* sr = s + y * iwq_;
        float* orow = o + y * w;
        std::memcpy(orow, sr, size_t(w) * sizeof(float));
        if (!tail_.empty()) apply_tail(res + y * w, orow, w);
    }
}

void ConvF32Kernel::apply_tail(const float* res, float* o, int64_t count) const {
    // tail_[0] is the sum; the rest as the generated epilogue computes it.
    for (int64_t x = 0; x < count; ++x) o[x] = o[x] + res[x];
    for (size_t i = 1; i < tail_.size(); ++i) {
        const GemmPostOp& p = tail_[i];
        if (p.kind == GemmPost::relu) {
            for (int64_t x = 0; x < count; ++x) o[x] = o[x] > 0.f ? o[x] : 0.f;
        } else {  // clamp (one sum only)
            const float lo = p.lo, hi = p.hi;
            for (int64_t x = 0; x < count; ++x) {
                const float v = o[x] > lo ? o[x] : lo;
                o[x] = v < hi ? v : hi;
            }
        }
    }
}

void ConvF32Kernel::finish(const ConvF32Args& args, int64_t begin, int64_t end) const {
    const ConvF32Desc& d = d_;
    for (int64_t u = begin; u < end; ++u)
        finish_plane(args.dst_scratch + u * pq_round_, args.residual ? args.residual + u * d.oh * d.ow : nullptr,
                     args.dst + u * d.oh * d.ow);
}

}  // namespace octet::kernels::f32
