#include "kernels/conv/jit_dw_generator.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "ir/error.hpp"
#include "jit/postops.hpp"

namespace octet::kernels::conv_dw {

using namespace Xbyak;
using jit::Isa;

namespace {
// The geometry tap quads need (no dilation in x, at least 3 taps per row) and their switch.
bool quad_taps(const ConvDesc& d) {
    const char* env = std::getenv("OCTET_DW_TAP_QUADS");
    if (env && std::strcmp(env, "0") == 0) return false;
    return d.dw == 0 && d.kw >= 3;
}
}  // namespace

bool byte_lanes(const Conf& c, Isa isa) {
    // A block of 64 costs the same for any number of its channels: fewer than
    // 64 channels, or (without tap quads) a last block of up to half, run faster
    // widened. Measured on Zen 4 with quads: 32 channels 0.087 ms widened vs
    // 0.118 as one quad block, but MobileNetV2's 144 channels (a last block of
    // 16) 0.115-0.124 ms as quads vs 0.121-0.126 widened, 0.028 vs 0.035 at stride 2.
    // 32 channels at stride 1 take tap quads two pixels per zmm (pixel_pairs).
    // OCTET_DW_BYTE_LANES=0 keeps the widening form (to compare the two).
    const char* env = std::getenv("OCTET_DW_BYTE_LANES");
    if (env && std::strcmp(env, "0") == 0) return false;
    const int64_t tail = c.d.ic % 64;
    return (isa == Isa::avx512_core_vnni || isa == Isa::amx) && c.src_type == ir::ElemType::u8 &&
           c.zero_point == 0 && c.epilogue.dst_type == ir::ElemType::u8 && !c.epilogue.sum_op() &&
           (c.d.ic >= 64 ? quad_taps(c.d) || tail == 0 || tail > 32 : c.d.ic == 32 && c.d.sw == 1 && quad_taps(c.d));
}

bool tap_quads(const Conf& c, Isa isa) { return byte_lanes(c, isa) && quad_taps(c.d); }

bool pixel_pairs(const Conf& c, Isa isa) { return tap_quads(c, isa) && c.d.ic == 32 && c.d.sw == 1; }

int64_t channel_step(const Conf& c, Isa isa) {
    return pixel_pairs(c, isa) ? 32 : byte_lanes(c, isa) ? 64 : jit::isa_simd_width(isa);
}

int64_t packed_channels(const Conf& c, Isa isa) {
    const int64_t w = channel_step(c, isa);
    return (c.d.ic + w - 1) / w * w;
}

bool column_pairs(const Conf& c, Isa isa) {
    return (isa == Isa::avx2 || isa == Isa::avx_vnni) && c.zero_point == 0 && !byte_lanes(c, isa);
}

namespace {
int64_t pair_count(const ConvDesc& d) { return d.ext_kw() / 2 + 1; }  // np: pairs j of a row at either alignment
}  // namespace

int64_t packed_row_units(const Conf& c, Isa isa) {
    const int64_t cp = packed_channels(c, isa);
    if (tap_quads(c, isa)) return (c.d.kw + 3) / 4 * cp;
    return c.d.kw * cp + (column_pairs(c, isa) ? (2 * pair_count(c.d) + c.d.kw) * cp : 0);
}

void pack_weights(const Conf& c, Isa isa, const int8_t* wei, int32_t* out) {
    const ConvDesc& d = c.d;
    const int64_t cp = packed_channels(c, isa), taps = d.kh * d.kw, row = packed_row_units(c, isa);
    if (!byte_lanes(c, isa)) {
        auto w16 = [&](int64_t ch, int64_t ky, int64_t kx) {
            return uint32_t(uint16_t(int16_t(wei[ch * taps + ky * d.kw + kx])));
        };
        for (int64_t ch = 0; ch < d.ic; ++ch)
            for (int64_t ky = 0; ky < d.kh; ++ky)
                for (int64_t kx = 0; kx < d.kw; ++kx) out[ky * row + kx * cp + ch] = int32_t(w16(ch, ky, kx));
        if (!column_pairs(c, isa)) return;
        // Pair j at alignment a holds the taps at row offsets 2j-a (low half) and 2j+1-a (high half).
        const int64_t np = pair_count(d), step = d.dw + 1;
        for (int64_t ch = 0; ch < d.ic; ++ch)
            for (int64_t ky = 0; ky < d.kh; ++ky)
                for (int64_t a = 0; a < 2; ++a)
                    for (int64_t j = 0; j < np; ++j) {
                        uint32_t v = 0;
                        for (int64_t h = 0; h < 2; ++h) {
                            const int64_t r = 2 * j + h - a;
                            if (r >= 0 && r % step == 0 && r / step < d.kw) v |= w16(ch, ky, r / step) << (16 * h);
                        }
                        out[ky * row + d.kw * cp + (a * np + j) * cp + ch] = int32_t(v);
                    }
        // Row pairs: kernel rows ky (low half) and ky+1 (high half) at column kx.
        for (int64_t ch = 0; ch < d.ic; ++ch)
            for (int64_t ky = 0; ky + 1 < d.kh; ++ky)
                for (int64_t kx = 0; kx < d.kw; ++kx)
                    out[ky * row + (d.kw + 2 * np + kx) * cp + ch] =
                        int32_t(w16(ch, ky, kx) | w16(ch, ky + 1, kx) << 16);
        return;
    }
    auto* bytes = reinterpret_cast<int8_t*>(out);
    if (tap_quads(c, isa)) {
        // Blocks of S = 64 channels (32: pixel pairs), ch = S·b + 16i + 4k + m, tap kx = 4g + t:
        // byte t of dword 4i+m of vector k (S bytes) of block b.
        const int64_t S = channel_step(c, isa);
        for (int64_t ch = 0; ch < d.ic; ++ch) {
            const int64_t b = ch / S, i = (ch % S) / 16, k = (ch % 16) / 4, m = ch % 4;
            for (int64_t ky = 0; ky < d.kh; ++ky)
                for (int64_t kx = 0; kx < d.kw; ++kx)
                    bytes[(ky * row + kx / 4 * cp) * 4 + b * 4 * S + k * S + (4 * i + m) * 4 + kx % 4] =
                        wei[ch * taps + ky * d.kw + kx];
        }
        return;
    }
    // Channel ch = 64b + 4j + k goes to byte k of lane j of vector k of block b.
    for (int64_t ch = 0; ch < d.ic; ++ch) {
        const int64_t b = ch / 64, j = (ch % 64) / 4, k = ch % 4;
        for (int64_t t = 0; t < taps; ++t) bytes[t * cp * 4 + b * 256 + k * 64 + j * 4 + k] = wei[ch * taps + t];
    }
}

std::vector<float> permute_channels(const Conf& c, Isa isa, const std::vector<float>& v) {
    if (!byte_lanes(c, isa) || v.size() <= 1) return v;
    std::vector<float> out(size_t(packed_channels(c, isa)), 0.f);
    if (pixel_pairs(c, isa)) {
        // Lane 8h + 4i + m of accumulator k (element 16k + 8h + 4i + m) is channel 16i + 4k + m
        // of pixel h of the pair.
        out.assign(64, 0.f);
        for (size_t ch = 0; ch < v.size(); ++ch)
            for (size_t h = 0; h < 2; ++h) out[(ch % 16) / 4 * 16 + 8 * h + ch / 16 * 4 + ch % 4] = v[ch];
        return out;
    }
    if (tap_quads(c, isa)) {
        // Lane 4i+m of accumulator k (element 16k + 4i + m of the block) is channel 16i + 4k + m.
        for (size_t ch = 0; ch < v.size(); ++ch)
            out[ch / 64 * 64 + (ch % 16) / 4 * 16 + (ch % 64) / 16 * 4 + ch % 4] = v[ch];
        return out;
    }
    for (size_t ch = 0; ch < v.size(); ++ch) out[ch / 64 * 64 + (ch % 4) * 16 + (ch % 64) / 4] = v[ch];
    return out;
}

namespace {

// Run of output columns sharing one code path: `count` blocks of `ur` pixels
// from column ox0; valid[u][kx] says which taps of pixel u read the input.
struct Segment {
    int64_t ox0 = 0, ur = 1, count = 1;
    std::vector<std::vector<bool>> valid;
};

template <Isa kIsa>
class JitDwConv : public jit::Generator {
public:
    using Traits = jit::IsaTraits<kIsa>;
    using Vmm = typename Traits::Vmm;
    static constexpr int simd_w = Traits::simd_w;
    static constexpr int n_vregs = Traits::has_mask ? 32 : 16;

    explicit JitDwConv(const Conf& c)
        : Generator(kIsa, 1024 * 1024), c_(c), d_(c.d), cp_(packed_channels(c, kIsa)), bytes_(byte_lanes(c, kIsa)),
          quads_(tap_quads(c, kIsa)), px2_(pixel_pairs(c, kIsa)), pairs_(column_pairs(c, kIsa)),
          row_units_(packed_row_units(c, kIsa)) {
        // Weights of a kernel row stay in registers when they leave room for >= 4 pixels.
        w_in_regs_ = !bytes_ && d_.kw + 3 + 4 <= n_vregs;
        const int ur_max = Traits::has_mask ? 16 : 8;
        ur_w_ = std::min<int>(ur_max, n_vregs - 3 - (w_in_regs_ ? int(d_.kw) : 0));
        if (bytes_) {
            // 4 accumulators per pixel; a kernel row's 4*kw weight vectors stay in
            // registers when that leaves room for 2 pixels (the loads, not the
            // vpdpbusd, bound the loop when every tap reads its weights from memory).
            w_in_regs_ = 3 + 4 * int(d_.kw) + 4 * 2 <= n_vregs;
            ur_w_ = (n_vregs - 3 - (w_in_regs_ ? 4 * int(d_.kw) : 0)) / 4;
        }
        if (quads_) {
            // Scratch 0..2 (two columns, a quad), >= 3 B(q) pairs, 4 weights per tap group.
            groups_ = int((d_.kw + 3) / 4);
            w_in_regs_ = 3 + 6 + 4 * groups_ + 4 * 2 <= n_vregs;
            const int w = w_in_regs_ ? 4 * groups_ : 0;
            ur_w_ = (n_vregs - 3 - 6 - w) / 4;
            b_slots_ = (n_vregs - 3 - w - 4 * ur_w_) / 2;
            if (px2_) ur_w_ *= 2;  // pixels per block: each register unit holds two
        }
        // Low indices for the emitter's scratch (it stores bytes with VEX-only
        // moves on AVX-512, which reach xmm0..15 only), then accumulators, weights.
        x_idx_ = 0, t_idx_ = 1, zp_idx_ = 2;
        acc0_ = 3;
        w0_ = acc0_ + ur_w_;
        if (bytes_) w0_ = acc0_ + 4 * (px2_ ? ur_w_ / 2 : ur_w_);
        b0_ = w0_ + (w_in_regs_ ? 4 * groups_ : 0);
        post_ = std::make_unique<jit::PostOpEmitter<kIsa>>(*this, c_.epilogue, int(d_.oc),
                                                           jit::PostOpRegs{reg_params, rax, x_idx_, t_idx_, 1});
        channels_ = c_.channels > 0 ? c_.channels : d_.ic;
        if (channels_ > d_.ic)
            throw ArgumentError("depthwise JIT: " + std::to_string(channels_) + " channels per call of " +
                                std::to_string(d_.ic));
        plan_segments();
        name_ = std::string("conv_") + jit::isa_name(kIsa) + "_dw_" + ir::to_string(c_.src_type) + "s8" +
                ir::to_string(c_.epilogue.dst_type) + "_" + to_string(d_) +
                (channels_ < d_.ic ? "_c" + std::to_string(channels_) : "");
    }
    std::string name() const override { return name_; }

private:
    const Reg64 reg_args = rdi, reg_params = rsi;
    const Reg64 reg_src_row = r8, reg_dst_row = r9, reg_res_row = r10, reg_wei = r11, reg_khc = r12;
    const Reg64 reg_src_ox = r13, reg_dst_ox = r14, reg_res_ox = r15;
    const Reg64 reg_c = rbx, reg_ks = rcx, reg_kw = rdx, reg_cnt = rax;  // rax is also the emitter's scratch

    // The kernel-row loop of every body form: reg_khc valid rows from reg_src_ox / reg_wei;
    // each step moves one dilated input row and `wei_row` bytes of packed weights.
    template <typename Body>
    void ky_loop(int64_t wei_row, Body body) {
        Label loop, done;
        mov(reg_ks, reg_src_ox);
        mov(reg_kw, reg_wei);
        mov(reg_cnt, reg_khc);
        test(reg_cnt, reg_cnt);
        jz(done, T_NEAR);
        L(loop);
        body();
        add(reg_ks, int((d_.dh + 1) * d_.iw * d_.ic));
        add(reg_kw, int(wei_row));
        dec(reg_cnt);
        jnz(loop, T_NEAR);
        L(done);
    }

    bool valid_tap(int64_t ox, int64_t kx) const {
        const int64_t ix = ox * d_.sw - d_.pw + kx * (d_.dw + 1);
        return ix >= 0 && ix < d_.iw;
    }

    void plan_segments() {
        int64_t lo = d_.ow, hi = d_.ow;  // interior [lo, hi)
        for (int64_t ox = 0; ox < d_.ow; ++ox) {
            bool all = true;
            for (int64_t kx = 0; kx < d_.kw; ++kx) all = all && valid_tap(ox, kx);
            if (all) {
                if (lo == d_.ow) lo = ox;
                hi = ox + 1;
            }
        }
        if (lo == d_.ow) hi = lo = d_.ow;
        auto single = [&](int64_t ox) {
            Segment s;
            s.ox0 = ox;
            s.valid.assign(1, std::vector<bool>(size_t(d_.kw)));
            for (int64_t kx = 0; kx < d_.kw; ++kx) s.valid[0][size_t(kx)] = valid_tap(ox, kx);
            segs_.push_back(s);
        };
        const int64_t left_end = lo == d_.ow ? d_.ow : lo;
        for (int64_t ox = 0; ox < left_end; ++ox) single(ox);
        if (hi > lo) {
            const int64_t n = hi - lo, blocks = n / ur_w_, rem = n % ur_w_;
            auto interior = [&](int64_t ox0, int64_t ur, int64_t count) {
                Segment s;
                s.ox0 = ox0, s.ur = ur, s.count = count;
                s.valid.assign(size_t(ur), std::vector<bool>(size_t(d_.kw), true));
                segs_.push_back(s);
            };
            if (blocks > 0) interior(lo, ur_w_, blocks);
            if (rem > 0) interior(lo + blocks * ur_w_, rem, 1);
            for (int64_t ox = hi; ox < d_.ow; ++ox) single(ox);
        }
        int64_t borders = 0;
        for (const Segment& s : segs_) borders += s.ur == 1 && s.count == 1 ? 1 : 0;
        if (borders > 64) throw UnsupportedError("depthwise JIT: more than 64 border output columns");
    }

    Vmm acc(int u) const { return Vmm(acc0_ + u); }
    Vmm acc4(int u, int k) const { return Vmm(acc0_ + 4 * u + k); }
    Vmm wreg(int kx) const { return Vmm(w0_ + kx); }

    // ---- instruction helpers over the ISA's encoding ----
    void vzero(const Vmm& v) {
        if constexpr (Traits::has_mask) vpxord(v, v, v);
        else if constexpr (Traits::is_vex) vpxor(v, v, v);
        else pxor(v, v);
    }

    // n channels of one pixel, widened to s32 and centred on the zero point.
    void load_src(const Vmm& x, const RegExp& a, int n) {
        const bool sgn = c_.src_type == ir::ElemType::s8;
        const Xmm xx(x.getIdx());
        if (n == simd_w) {
            if constexpr (Traits::is_vex) {
                if (sgn) vpmovsxbd(x, ptr[a]); else vpmovzxbd(x, ptr[a]);
            } else {
                if (sgn) pmovsxbd(x, ptr[a]); else pmovzxbd(x, ptr[a]);
            }
        } else if constexpr (Traits::has_mask) {
            vmovdqu8(xx | k2 | T_z, ptr[a]);  // masked bytes never fault
            if (sgn) vpmovsxbd(x, xx); else vpmovzxbd(x, xx);
        } else if constexpr (Traits::is_vex) {
            vpxor(xx, xx, xx);
            for (int i = 0; i < n; ++i) vpinsrb(xx, xx, ptr[a + i], i);
            if (sgn) vpmovsxbd(x, xx); else vpmovzxbd(x, xx);
        } else {
            pxor(xx, xx);
            for (int i = 0; i < n; ++i) pinsrb(xx, ptr[a + i], i);
            if (sgn) pmovsxbd(xx, xx); else pmovzxbd(xx, xx);
        }
        if (c_.zero_point != 0) {
            if constexpr (Traits::is_vex) vpsubd(x, x, Vmm(zp_idx_)); else psubd(x, Vmm(zp_idx_));
        }
    }

    // acc += x * w (pmaddwd on (s16, 0) lanes: exact products).
    void madd(const Vmm& acc, const Vmm& x, const Operand& w) {
        const Vmm t(t_idx_);
        if constexpr (Traits::has_vnni) {
            vpdpwssd(acc, x, w, Traits::has_mask ? EvexEncoding : VexEncoding);
        } else if constexpr (Traits::is_vex) {
            vpmaddwd(t, x, w);
            vpaddd(acc, acc, t);
        } else {
            movdqa(t, x);
            pmaddwd(t, w);
            paddd(acc, t);
        }
    }

    // One block of s.ur pixels (pointers reg_*_ox at its first pixel) for n
    // channels from reg_c.
    void emit_channels(const Segment& s, int n) {
        const int ur = int(s.ur);
        const int64_t ic = d_.ic, wrow = row_units_ * 4;
        bool interior = true;
        for (const auto& v : s.valid)
            for (bool b : v) interior = interior && b;
        if (pairs_ && n == simd_w) return emit_channels_pairs(s, n, interior);
        for (int u = 0; u < ur; ++u) vzero(acc(u));
        if constexpr (Traits::has_mask) {
            if (n < simd_w) {
                mov(reg_cnt.cvt32(), (1u << n) - 1);
                kmovw(k2, reg_cnt.cvt32());
            }
        }
        // Distinct input columns of the block, each read once per kernel row.
        std::map<int64_t, std::vector<std::pair<int, int>>> reads;  // column offset -> (u, kx)
        std::vector<bool> kx_used(size_t(d_.kw), false);
        for (int u = 0; u < ur; ++u)
            for (int64_t kx = 0; kx < d_.kw; ++kx)
                if (s.valid[size_t(u)][size_t(kx)]) {
                    reads[u * d_.sw + kx * (d_.dw + 1)].push_back({u, int(kx)});
                    kx_used[size_t(kx)] = true;
                }
        if (!reads.empty()) ky_loop(wrow, [&] {
            auto wei_at = [&](int kx) { return ptr[reg_kw + reg_c * 4 + int(kx * cp_ * 4)]; };
            if (w_in_regs_)
                for (int64_t kx = 0; kx < d_.kw; ++kx)
                    if (kx_used[size_t(kx)]) {
                        if constexpr (Traits::has_mask) vmovdqu32(wreg(int(kx)), wei_at(int(kx)));
                        else if constexpr (Traits::is_vex) vmovdqu(wreg(int(kx)), wei_at(int(kx)));
                        else movdqa(wreg(int(kx)), wei_at(int(kx)));
                    }
            const Vmm x(x_idx_);
            for (const auto& r : reads) {
                load_src(x, reg_ks + reg_c + int(r.first * ic), n);
                for (const auto& ukx : r.second) {
                    if (w_in_regs_) madd(acc(ukx.first), x, wreg(ukx.second));
                    else madd(acc(ukx.first), x, wei_at(ukx.second));
                }
            }
        });
        store_block(ur, n);
    }

    // Epilogue and stores of the block's ur accumulators (n channels from reg_c).
    void store_block(int ur, int n) {
        const size_t dsz = post_->dst_elem_size(), rsz = post_->residual_elem_size();
        auto res_at = [&](int u) {
            return rsz ? reg_res_ox + reg_c * int(rsz) + int(u * d_.oc * int64_t(rsz)) : RegExp(reg_res_ox);
        };
        // The block's pixels share their channels: their scale, bias, ... are loaded
        // once into registers the taps left free (PostOpEmitter::cache_channel).
        if (ur > 1) post_->cache_channel(jit::Channel::at(reg_c), n, free_after_taps());
        int u = 0;
        if (group_narrow(n))
            for (; u < ur; u += 4) store_group(u, std::min(4, ur - u), n, res_at);
        for (; u < ur; ++u) {
            const RegExp dst = reg_dst_ox + reg_c * int(dsz) + int(u * d_.oc * int64_t(dsz));
            post_->apply(acc(u), jit::Channel::at(reg_c), n, res_at(u), dst);
        }
        post_->uncache();
    }

    // Vector registers free once a block's taps are done: the weights and
    // column pairs past the accumulators (reloaded per block and kernel row);
    // not the emitter's scratch nor the zero point (loaded once per call).
    std::vector<int> free_after_taps() const {
        std::vector<int> r;
        for (int i = w0_; i < n_vregs; ++i) r.push_back(i);
        return r;
    }

    // AVX2 / AVX-VNNI, full vectors to u8/s8: the emitter narrows one vector
    // per store (vextracti128 + 2 packs, three shuffle-port uops for 8 bytes).
    // Up to 4 pixels of the block (same channels) share the packs instead:
    // 2-4 packs + vpermd + vextracti128 for 16-32 bytes, then 8-byte stores.
    bool group_narrow(int n) const {
        const ir::ElemType t = c_.epilogue.dst_type;
        return Traits::is_vex && !Traits::has_mask && n == simd_w && (t == ir::ElemType::u8 || t == ir::ElemType::s8);
    }

    template <typename ResAt>
    void store_group(int u0, int g, int n, const ResAt& res_at) {
        if constexpr (Traits::is_vex && !Traits::has_mask) {
            for (int i = 0; i < g; ++i) post_->convert(acc(u0 + i), jit::Channel::at(reg_c), n, res_at(u0 + i), c_.acc_abs_max);
            auto dst = [&](int u) { return ptr[reg_dst_ox + reg_c + int(u * d_.oc)]; };
            if (g == 1) {
                // One pixel: the emitter's narrowing, after the saturating convert.
                const Xmm a(acc(u0).getIdx()), hi(t_idx_);
                vextracti128(hi, acc(u0), 1);
                vpackssdw(a, a, hi);
                if (c_.epilogue.dst_type == ir::ElemType::s8) vpacksswb(a, a, a);
                else vpackuswb(a, a, a);
                vmovq(dst(u0), a);
                return;
            }
            // s32 lanes within the dst type's bounds: the s16 and byte packs are exact.
            const Vmm a = acc(u0), b = acc(u0 + 1), c = g > 2 ? acc(u0 + 2) : a, d = g > 3 ? acc(u0 + 3) : c;
            vpackssdw(a, a, b);              // per 128-bit half h: a[4h..4h+3], b[4h..4h+3] as s16
            if (g > 2) vpackssdw(c, c, d);   // same for c, d
            if (c_.epilogue.dst_type == ir::ElemType::s8) vpacksswb(a, a, g > 2 ? c : a);
            else vpackuswb(a, a, g > 2 ? c : a);
            // dwords now a.lo b.lo c.lo d.lo | a.hi b.hi c.hi d.hi -> qwords a b c d.
            const Vmm idx(t_idx_);
            vmovdqu(idx, ptr[rip + perm_]);
            vpermd(a, idx, a);
            use_perm_ = true;
            vmovq(dst(u0), Xmm(a.getIdx()));
            vmovhps(dst(u0 + 1), Xmm(a.getIdx()));
            if (g > 2) {
                const Xmm hi(x_idx_);
                vextracti128(hi, a, 1);
                vmovq(dst(u0 + 2), hi);
                if (g > 3) vmovhps(dst(u0 + 3), hi);
            }
        }
    }

    // The column-pair form of emit_channels (jit_dw_generator.hpp): every tap of
    // the block valid, n == simd_w channels from reg_c. Kernel rows go two at a
    // time as row pairs (input rows iy, iy+1 interleaved at one column, one
    // vpmaddwd per kernel column: 3 instead of 4 for two rows of a 3-wide
    // kernel), an odd last row as column pairs.
    void emit_channels_pairs(const Segment& s, int n, bool interior) {
        const int ur = int(s.ur);
        const int64_t ic = d_.ic, sw = d_.sw, step = d_.dw + 1, np = pair_count(d_);
        const int64_t max_off = (ur - 1) * sw + (d_.kw - 1) * step;  // last input column of the block
        const int64_t in_row = (d_.dh + 1) * d_.iw * ic, wrow = row_units_ * 4;
        // Weight vectors of a step (index into the row's packed units / cp) in
        // registers while they last: the ones past the accumulators and the
        // zero-point register (no zero point here).
        auto assign = [&](std::map<int, int>& wreg_of) {
            std::vector<int> free_regs{zp_idx_};
            for (int r = w0_; r < n_vregs; ++r) free_regs.push_back(r);
            size_t i = 0;
            for (auto& wr : wreg_of) wr.second = i < free_regs.size() ? free_regs[i++] : -1;
        };
        auto wei_at = [&](int unit) { return ptr[reg_kw + reg_c * 4 + int(unit * cp_ * 4)]; };
        auto load_weights = [&](const std::map<int, int>& wreg_of) {
            for (const auto& wr : wreg_of)
                if (wr.second >= 0) vmovdqu(Vmm(wr.second), wei_at(wr.first));
        };
        // acc(u) += x * weights, or = when seen[u] is still false.
        auto madd_w = [&](int u, const Vmm& x, const std::map<int, int>& wreg_of, int unit, std::vector<bool>& seen) {
            auto emit = [&](const Operand& w) {
                if (seen[size_t(u)]) madd(acc(u), x, w);
                else if constexpr (Traits::is_vex) vpmaddwd(acc(u), x, w);
            };
            const int r = wreg_of.at(unit);
            if (r >= 0) emit(Vmm(r)); else emit(wei_at(unit));
            seen[size_t(u)] = true;
        };
        const Vmm x(x_idx_);
        const Xmm xx(x_idx_);
        const bool sgn = c_.src_type == ir::ElemType::s8;
        // x = 8 channels at a and at b interleaved as s16 pairs (a low, b high).
        // b's 8 bytes come as the high half of a 16-byte operand at b - 8, one op
        // fewer than a separate load: b is always a row or a column past a
        // (in_row, ic >= 8 bytes), so b - 8 reads bytes of the image too.
        auto interleave = [&](int64_t a, int64_t b) {
            vpbroadcastq(xx, ptr[reg_ks + reg_c + int(a)]);
            vpunpckhbw(xx, xx, ptr[reg_ks + reg_c + int(b - 8)]);
            if (sgn) vpmovsxbw(x, xx); else vpmovzxbw(x, xx);
        };

        // Row pairs: input column c -> (pixel u, kernel column kx); weights (d_.kw + 2np + kx).
        std::map<int64_t, std::vector<std::pair<int, int>>> cols;
        std::map<int, int> vreg_of;
        for (int u = 0; u < ur; ++u)
            for (int64_t kx = 0; kx < d_.kw; ++kx) {
                if (!s.valid[size_t(u)][size_t(kx)]) continue;
                const int w = int(d_.kw + 2 * np + kx);
                cols[u * sw + kx * step].push_back({u, w});
                vreg_of.emplace(w, -1);
            }
        assign(vreg_of);
        // Column pairs: pair m (block columns 2m, 2m+1) -> (pixel u, weights d_.kw + a*np + j).
        // A border pixel's odd row goes tap by tap: pair -(col+1) holds the
        // widened column col -> (pixel, plain weights kx).
        std::map<int64_t, std::vector<std::pair<int, int>>> uses;
        std::map<int, int> hreg_of;
        for (int u = 0; u < ur && !interior; ++u)
            for (int64_t kx = 0; kx < d_.kw; ++kx)
                if (s.valid[size_t(u)][size_t(kx)]) {
                    uses[-1 - (u * sw + kx * step)].push_back({u, int(kx)});
                    hreg_of.emplace(int(kx), -1);
                }
        for (int u = 0; u < ur && interior; ++u) {
            const int64_t a = (u * sw) % 2, base = u * sw - a;
            int64_t last_m = -1;
            for (int64_t kx = 0; kx < d_.kw; ++kx) {
                const int64_t m = (u * sw + kx * step) / 2;
                if (m == last_m) continue;
                last_m = m;
                const int w = int(d_.kw + a * np + (m - base / 2));
                uses[m].push_back({u, w});
                hreg_of.emplace(w, -1);
            }
        }
        assign(hreg_of);

        // first: the step that starts the sums; a pixel's first product goes
        // straight into its accumulator (no zeroing, one vpaddd fewer).
        auto row_pairs = [&](bool first) {
            std::vector<bool> seen(size_t(ur), !first);
            load_weights(vreg_of);
            for (const auto& cu : cols) {
                interleave(cu.first * ic, in_row + cu.first * ic);
                for (const auto& uw : cu.second) madd_w(uw.first, x, vreg_of, uw.second, seen);
            }
            for (int u = 0; u < ur; ++u)
                if (!seen[size_t(u)]) vzero(acc(u));  // a pixel without a valid tap
            add(reg_ks, int(2 * in_row));
            add(reg_kw, int(2 * wrow));
            sub(reg_cnt, 2);
        };
        auto column_pairs_row = [&](bool first) {
            std::vector<bool> seen(size_t(ur), !first);
            load_weights(hreg_of);
            for (const auto& mu : uses) {
                const int64_t col = 2 * mu.first;
                if (mu.first < 0) {
                    load_src(x, reg_ks + reg_c + int((-1 - mu.first) * ic), n);
                } else if (col + 1 <= max_off) {
                    // Both columns lie inside the block's span, so inside the image: 8 bytes of each.
                    interleave(col * ic, (col + 1) * ic);
                } else {
                    // Column 2m+1 is past the block (and maybe the image); no tap weighs it.
                    load_src(x, reg_ks + reg_c + int(col * ic), n);
                }
                for (const auto& uw : mu.second) madd_w(uw.first, x, hreg_of, uw.second, seen);
            }
            for (int u = 0; u < ur; ++u)
                if (!seen[size_t(u)]) vzero(acc(u));
        };
        Label one_row, zero, done;
        mov(reg_ks, reg_src_ox);
        mov(reg_kw, reg_wei);
        mov(reg_cnt, reg_khc);
        if (d_.kh >= 2) {
            cmp(reg_cnt, 2);
            jl(one_row, T_NEAR);
            row_pairs(true);
            if (d_.kh >= 4) {
                Label vloop, vdone;
                L(vloop);
                cmp(reg_cnt, 2);
                jl(vdone, T_NEAR);
                row_pairs(false);
                jmp(vloop, T_NEAR);
                L(vdone);
            }
            test(reg_cnt, reg_cnt);
            jz(done, T_NEAR);
            column_pairs_row(false);
            jmp(done, T_NEAR);
        }
        L(one_row);
        test(reg_cnt, reg_cnt);
        jz(zero, T_NEAR);
        column_pairs_row(true);
        jmp(done, T_NEAR);
        L(zero);
        for (int u = 0; u < ur; ++u) vzero(acc(u));
        L(done);
        store_block(ur, n);
    }

    // The byte-lane form of emit_channels: n <= 64 channels from reg_c.
    void emit_channels_bytes(const Segment& s, int n) {
        if constexpr (kIsa == Isa::avx512_core_vnni) {
            const int ur = int(s.ur);
            const int64_t ic = d_.ic, wrow = d_.kw * cp_ * 4;
            for (int u = 0; u < ur; ++u)
                for (int k = 0; k < 4; ++k) vzero(acc4(u, k));
            if (n < 64) {
                mov(reg_cnt, (uint64_t(1) << n) - 1);
                kmovq(k2, reg_cnt);
            }
            std::map<int64_t, std::vector<std::pair<int, int>>> reads;  // column offset -> (u, kx)
            for (int u = 0; u < ur; ++u)
                for (int64_t kx = 0; kx < d_.kw; ++kx)
                    if (s.valid[size_t(u)][size_t(kx)]) reads[u * d_.sw + kx * (d_.dw + 1)].push_back({u, int(kx)});
            if (!reads.empty()) ky_loop(wrow, [&] {
                auto wei_at = [&](int kx, int k) { return ptr[reg_kw + reg_c * 4 + int(kx * cp_ * 4 + k * 64)]; };
                if (w_in_regs_)
                    for (int kx = 0; kx < int(d_.kw); ++kx)
                        for (int k = 0; k < 4; ++k) vmovdqu32(Vmm(w0_ + 4 * kx + k), wei_at(kx, k));
                const Vmm x(x_idx_);
                for (const auto& r : reads) {
                    const Address src = ptr[reg_ks + reg_c + int(r.first * ic)];
                    if (n == 64) vmovdqu8(x, src); else vmovdqu8(x | k2 | T_z, src);  // masked bytes never fault
                    for (const auto& ukx : r.second)
                        for (int k = 0; k < 4; ++k) {
                            if (w_in_regs_) vpdpbusd(acc4(ukx.first, k), x, Vmm(w0_ + 4 * ukx.second + k), EvexEncoding);
                            else vpdpbusd(acc4(ukx.first, k), x, wei_at(ukx.second, k), EvexEncoding);
                        }
                }
            });
            // Accumulator k holds channels 4j+k: ceil((n-k)/4) lanes of them are real. Per k,
            // every pixel's with k's channel vectors held in free registers.
            for (int k = 0; k < 4; ++k) {
                const int lanes = (n - k + 3) / 4;
                if (lanes <= 0) continue;
                if (ur > 1) post_->cache_channel(jit::Channel::at(reg_c, 16 * k), lanes, free_after_taps());
                for (int u = 0; u < ur; ++u)
                    post_->convert(acc4(u, k), jit::Channel::at(reg_c, 16 * k), lanes, RegExp(reg_res_ox),
                                   c_.acc_abs_max);
                post_->uncache();
            }
            for (int u = 0; u < ur; ++u) {
                // s32 results, saturated to u8 by the packs (which also do the dst clamp and a
                // last relu the emitter left to them). In each 128-bit lane i the packs leave
                // byte 4k+m = acc k's dword 4i+m = channel 16i+4m+k; the shuffle transposes
                // that 4x4 back to natural order.
                vpackssdw(acc4(u, 0), acc4(u, 0), acc4(u, 1));
                vpackssdw(acc4(u, 2), acc4(u, 2), acc4(u, 3));
                vpackuswb(acc4(u, 0), acc4(u, 0), acc4(u, 2));
                vpshufb(acc4(u, 0), acc4(u, 0), ptr[rip + byte_order_]);
                use_byte_order_ = true;
                const Address dst = ptr[reg_dst_ox + reg_c + int(u * d_.oc)];
                if (n == 64) vmovdqu8(dst, acc4(u, 0)); else vmovdqu8(dst | k2, acc4(u, 0));
            }
        }
    }

    // The tap-quad form of emit_channels_bytes (jit_dw_generator.hpp).
    // With pixel pairs (32 channels, stride 1) a unit u is output pixels 2u, 2u+1 of the block:
    // a 64-byte load at column c holds columns c and c+1, so B(c) holds the pairs (c, c+1) in
    // its low half and (c+1, c+2) in its high half, and the word unpacks give pixel 2u's quads
    // below and pixel 2u+1's above; the two pixels' 64 output bytes are adjacent in NHWC.
    void emit_channels_quads(const Segment& s, int n) {
        if constexpr (kIsa == Isa::avx512_core_vnni) {
            const int ur = int(s.ur), units = px2_ ? (ur + 1) / 2 : ur, unit_cols = px2_ ? 2 : int(d_.sw);
            const int64_t ic = d_.ic, cp4 = cp_ * 4, S = px2_ ? 32 : 64;
            for (int u = 0; u < units; ++u)
                for (int k = 0; k < 4; ++k) vzero(acc4(u, k));
            if (px2_) {
                // k2: the low 32 bytes (one pixel), k3: the high 32.
                mov(reg_cnt, uint64_t(0xFFFFFFFF));
                kmovq(k2, reg_cnt);
                shl(reg_cnt, 32);
                kmovq(k3, reg_cnt);
            } else if (n < 64) {
                mov(reg_cnt, (uint64_t(1) << n) - 1);
                kmovq(k2, reg_cnt);
            }
            // Columns (from the block's first input column) a valid tap reads; steps (u, g)
            // with a valid tap, each reading the pairs B(c) and B(c + 2), c = u*unit_cols + 4g.
            std::set<int64_t> live;
            std::vector<std::pair<int, int>> steps;
            for (int u = 0; u < units; ++u)
                for (int g = 0; g < groups_; ++g) {
                    bool any = false;
                    for (int px = px2_ ? 2 * u : u; px < (px2_ ? std::min(2 * u + 2, ur) : u + 1); ++px)
                        for (int64_t kx = 4 * g; kx < std::min<int64_t>(d_.kw, 4 * g + 4); ++kx)
                            if (s.valid[size_t(px)][size_t(kx)]) {
                                live.insert(px * d_.sw + kx);
                                any = true;
                            }
                    if (any) steps.push_back({u, g});
                }
            if (!steps.empty()) ky_loop(int64_t(groups_) * cp4, [&] {
                auto wei = [&](int g, int k) { return ptr[reg_kw + reg_c * 4 + int(g * cp4 + k * S)]; };
                if (w_in_regs_)
                    for (int g = 0; g < groups_; ++g)
                        for (int k = 0; k < 4; ++k) {
                            if (px2_) vbroadcasti64x4(Vmm(w0_ + 4 * g + k), wei(g, k));  // both pixels' lanes
                            else vmovdqu32(Vmm(w0_ + 4 * g + k), wei(g, k));
                        }
                auto column = [&](const Vmm& x, int64_t c) {
                    const Address a = ptr[reg_ks + reg_c + int(c * ic)];
                    if (px2_) {
                        // Columns c and c+1; a half no valid tap reads is zero, never loaded.
                        const bool lo = live.count(c) > 0, hi = live.count(c + 1) > 0;
                        if (lo && hi) vmovdqu8(x, a);
                        else if (lo) vmovdqu8(x | k2 | T_z, a);
                        else if (hi) vmovdqu8(x | k3 | T_z, a);
                        else vpxord(x, x, x);
                    } else if (!live.count(c)) vpxord(x, x, x);
                    else if (n == 64) vmovdqu8(x, a);
                    else vmovdqu8(x | k2 | T_z, a);  // masked bytes never fault
                };
                // B(c) in slot j: Vmm(b0_ + 2j) = bytes (x[c], x[c+1]) of the low 8 channels of
                // each 128-bit lane, Vmm(b0_ + 2j + 1) of the high 8.
                std::vector<int64_t> slot(size_t(b_slots_), INT64_MIN);
                auto next_use = [&](int64_t c, size_t from) {
                    for (size_t i = from; i < steps.size(); ++i) {
                        const int64_t c1 = steps[i].first * unit_cols + 4 * steps[i].second;
                        if (c == c1 || c == c1 + 2) return i;
                    }
                    return steps.size();
                };
                auto pair_of = [&](int64_t c, size_t at, int64_t keep) {
                    for (int j = 0; j < b_slots_; ++j)
                        if (slot[size_t(j)] == c) return j;
                    int victim = -1;
                    size_t far = 0;
                    for (int j = 0; j < b_slots_; ++j) {
                        if (keep >= 0 && slot[size_t(j)] == keep) continue;  // the step's other pair
                        const size_t nu = slot[size_t(j)] == INT64_MIN ? SIZE_MAX : next_use(slot[size_t(j)], at);
                        if (victim < 0 || nu > far) victim = j, far = nu;
                    }
                    slot[size_t(victim)] = c;
                    const Vmm xa(x_idx_), xb(zp_idx_), lo(b0_ + 2 * victim), hi(b0_ + 2 * victim + 1);
                    column(xa, c);
                    column(xb, c + 1);
                    vpunpcklbw(lo, xa, xb);
                    vpunpckhbw(hi, xa, xb);
                    return victim;
                };
                const Vmm q(t_idx_);
                for (size_t i = 0; i < steps.size(); ++i) {
                    const int u = steps[i].first, g = steps[i].second;
                    const int64_t c1 = u * unit_cols + 4 * g;
                    const int j1 = pair_of(c1, i, -1), j2 = pair_of(c1 + 2, i, c1);
                    for (int k = 0; k < 4; ++k) {
                        const Vmm a(b0_ + 2 * j1 + k / 2), b(b0_ + 2 * j2 + k / 2);
                        if (k % 2 == 0) vpunpcklwd(q, a, b); else vpunpckhwd(q, a, b);
                        if (w_in_regs_) vpdpbusd(acc4(u, k), q, Vmm(w0_ + 4 * g + k), EvexEncoding);
                        else vpdpbusd(acc4(u, k), q, wei(g, k), EvexEncoding);
                    }
                }
            });
            // Accumulator k holds channels 16i+4k+m: none is real when 4k >= n. Per k,
            // every unit's with k's channel vectors held in free registers.
            for (int k = 0; k < 4 && 4 * k < n; ++k) {
                if (units > 1) post_->cache_channel(jit::Channel::at(reg_c, 16 * k), simd_w, free_after_taps());
                for (int u = 0; u < units; ++u)
                    post_->convert(acc4(u, k), jit::Channel::at(reg_c, 16 * k), simd_w, RegExp(reg_res_ox),
                                   c_.acc_abs_max);
                post_->uncache();
            }
            for (int u = 0; u < units; ++u) {
                // The packs' lane order is the channel order (pixel pairs: pixel 2u's 32
                // channels, then 2u+1's); their saturation the dst clamp.
                vpackssdw(acc4(u, 0), acc4(u, 0), acc4(u, 1));
                vpackssdw(acc4(u, 2), acc4(u, 2), acc4(u, 3));
                vpackuswb(acc4(u, 0), acc4(u, 0), acc4(u, 2));
                const Address dst = ptr[reg_dst_ox + reg_c + int((px2_ ? 2 * u : u) * d_.oc)];
                const bool full = px2_ ? 2 * u + 1 < ur : n == 64;
                if (full) vmovdqu8(dst, acc4(u, 0)); else vmovdqu8(dst | k2, acc4(u, 0));
            }
        }
    }

    void emit_block(const Segment& s) {
        const int step = px2_ ? 32 : bytes_ ? 64 : simd_w;
        const int64_t full = channels_ / step * step;
        const int tail = int(channels_ - full);
        auto channels = [&](int n) {
            if (quads_) emit_channels_quads(s, n);
            else if (bytes_) emit_channels_bytes(s, n);
            else emit_channels(s, n);
        };
        xor_(reg_c, reg_c);
        if (full > 0) {
            Label c_loop;
            L(c_loop);
            channels(step);
            add(reg_c, step);
            cmp(reg_c, int(full));
            jl(c_loop, T_NEAR);
        }
        if (tail > 0) channels(tail);
    }

    void generate() override {
        const size_t dsz = post_->dst_elem_size(), rsz = post_->residual_elem_size();
        const int64_t ic = d_.ic;
        preamble(16);
        mov(reg_src_row, ptr[reg_args + offsetof(CallArgs, src)]);
        mov(reg_wei, ptr[reg_args + offsetof(CallArgs, wei)]);
        mov(reg_res_row, ptr[reg_args + offsetof(CallArgs, residual)]);
        mov(reg_dst_row, ptr[reg_args + offsetof(CallArgs, dst)]);
        mov(reg_khc, ptr[reg_args + offsetof(CallArgs, kh_count)]);
        lea(reg_params, ptr[reg_args + offsetof(CallArgs, params)]);
        if (c_.zero_point != 0) {
            const Vmm z(zp_idx_);
            mov(eax, uint32_t(c_.zero_point));
            if constexpr (Traits::is_vex) {
                vmovd(Xmm(zp_idx_), eax);
                vpbroadcastd(z, Xmm(zp_idx_));
            } else {
                movd(z, eax);
                pshufd(z, z, 0);
            }
        }
        for (const Segment& s : segs_) {
            const int64_t col = s.ox0 * d_.sw - d_.pw;  // input column of the block's first pixel
            lea(reg_src_ox, ptr[reg_src_row + int(col * ic)]);
            lea(reg_dst_ox, ptr[reg_dst_row + int(s.ox0 * d_.oc * int64_t(dsz))]);
            if (rsz) lea(reg_res_ox, ptr[reg_res_row + int(s.ox0 * d_.oc * int64_t(rsz))]);
            if (s.count == 1) {
                emit_block(s);
                continue;
            }
            // The block counter lives in the frame: every GPR is taken inside.
            Label blk;
            mov(qword[frame(0)], int(s.count));
            L(blk);
            emit_block(s);
            add(reg_src_ox, int(s.ur * d_.sw * ic));
            add(reg_dst_ox, int(s.ur * d_.oc * int64_t(dsz)));
            if (rsz) add(reg_res_ox, int(s.ur * d_.oc * int64_t(rsz)));
            dec(qword[frame(0)]);
            jnz(blk, T_NEAR);
        }
        postamble();
        post_->emit_data();
        if (use_perm_) {
            align(32);
            L(perm_);
            for (uint32_t i : {0u, 4u, 1u, 5u, 2u, 6u, 3u, 7u}) dd(i);
        }
        if (use_byte_order_) {
            align(64);
            L(byte_order_);
            for (int lane = 0; lane < 4; ++lane)
                for (int q = 0; q < 16; ++q) db(4 * (q % 4) + q / 4);
        }
    }

    Conf c_;
    ConvDesc d_;
    int64_t cp_;
    bool bytes_ = false;
    bool quads_ = false;
    bool px2_ = false;       // tap quads, two pixels of 32 channels per vector
    int groups_ = 1, b_slots_ = 0, b0_ = 0;  // tap quads: groups of 4 taps, B(q) register pairs from b0_
    bool pairs_ = false;
    int64_t row_units_ = 0;
    int64_t channels_ = 0;   // per call (Conf::channels); d_.ic is the pixel stride
    bool w_in_regs_ = true;
    int ur_w_ = 1, x_idx_ = 0, t_idx_ = 0, zp_idx_ = 0, acc0_ = 3, w0_ = 3;
    std::unique_ptr<jit::PostOpEmitter<kIsa>> post_;
    Label perm_;             // vpermd order of store_group
    bool use_perm_ = false;
    Label byte_order_;       // vpshufb order of the byte-lane store
    bool use_byte_order_ = false;
    std::vector<Segment> segs_;
    std::string name_;
};

}  // namespace

std::unique_ptr<jit::Generator> make_generator(Isa isa, const Conf& conf) {
    switch (isa) {
    case Isa::sse42: return std::make_unique<JitDwConv<Isa::sse42>>(conf);
    case Isa::avx2: return std::make_unique<JitDwConv<Isa::avx2>>(conf);
    case Isa::avx_vnni: return std::make_unique<JitDwConv<Isa::avx_vnni>>(conf);
    case Isa::avx512_core: return std::make_unique<JitDwConv<Isa::avx512_core>>(conf);
    case Isa::avx512_core_vnni:
    case Isa::amx: return std::make_unique<JitDwConv<Isa::avx512_core_vnni>>(conf);
    }
    throw ArgumentError("depthwise JIT: unknown ISA");
}

}  // namespace octet::kernels::conv_dw
