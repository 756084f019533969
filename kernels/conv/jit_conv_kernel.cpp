#include "kernels/conv/jit_conv_kernel.hpp"

#include <algorithm>
#include <climits>
#include <cstdio>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "ir/error.hpp"
#include "jit/cpu.hpp"
#include "jit/generator.hpp"
#include "kernels/common/job_state.hpp"
#include "kernels/conv/jit_conv1x1_s16_kernel.hpp"
#include "kernels/conv/jit_conv_generator.hpp"
#include "kernels/conv/jit_pxfix_generator.hpp"
#include "kernels/conv/pack.hpp"
#include "kernels/conv/pxfix.hpp"

namespace octet::kernels {
namespace {

using jit::Isa;
namespace cp = conv_pack;
namespace cj = conv_jit;
static_assert(cj::kFixMaxGroup == cp::kFixupMaxGroup, "one group size limit");

// A flat (1x1, stride 1) conv cuts its pixels into chunks of at most
// kFlatChunk, as equal as whole register blocks allow (they differ by one
// block at most: a short last chunk would leave one thread idle at the end;
// a chunk ending in a partial block runs a latency-bound tail). When that leaves fewer than
// kMinUnits units (batch 1 on 14x14 or 7x7: a handful of channel blocks), the
// chunks get smaller, down to kMinFlatChunk pixels, so that 2..16 threads
// still get balanced shares. 32 rather than 16: units differ in cost (cold
// weights, a narrower last block), and smaller last claims let the thread done
// first take over more evenly (MobileNetV2's 1x1 imbalance at 2 threads in the
// parallel profile: 0.016 -> 0.009 ms).
constexpr int64_t kFlatChunk = 240;
constexpr int64_t kMinFlatChunk = 8;
constexpr int64_t kMinUnits = 32;
// Unit order. Pixels outermost whenever all the weights fit kRowsOuterMaxWeights
// (they stay in L2): a thread's share is whole pixel chunks of every channel
// block, so on several threads it reads the input rows that the previous step
// wrote on the same core and writes the rows the next step reads there, and a
// narrower last block (oc 96 = 64 + 32) is spread over all shares. Output-
// channel blocks outermost otherwise, so that a thread keeps its weight blocks
// in its cache. Measured with blocks outermost everywhere but for a narrower
// last block: ResNet-50 int8 on 2 threads 7.24-7.45 -> 7.00-7.16 ms, MobileNetV2
// 1.5 % faster, one thread unchanged (avx512_core_vnni dev box).
constexpr size_t kRowsOuterMaxWeights = size_t(1) << 20;

// Output channels per packed block: up to 4 vectors (AVX-512) or 2, fewer for a narrow group.
int conv_oc_block(const ConvDesc& d, Isa isa) {
    const int simd_w = jit::isa_simd_width(isa);
    const int nb_max = simd_w == 16 ? 4 : 2;
    return int(std::min<int64_t>(nb_max, (d.ocg() + simd_w - 1) / simd_w)) * simd_w;
}

bool fixup_allowed() {
    const char* env = std::getenv("OCTET_CONV_FIXUP");
    return !(env && std::strcmp(env, "0") == 0);
}

// The cost model (jit_conv_kernel.hpp: ConvJitCosts), time / fast path time,
// fitted on the ResNet-50 (53) and MobileNetV2 (35) zoo convs at the AVX2 cap,
// 1 thread, thread CPU time (bench_conv --zoo <model> --paths):
//   fixup k×k: 1 + 1.1·density (ResNet-50's 16 3×3 convs, min of 3 runs: median slope 1.07 with entries
//     grouped 3 to a vpmaddwd, pack.hpp: Fixup; 1.19 before in the same runs, 1.35 fitted earlier); first layers (icg < 4: 3 channels in 4-byte quads, tail entries
//     stay single) 1 + 1.8·density (ResNet 1.58 at 0.29, MobileNetV2 2.33 at 0.75);
//   fixup 1×1: 1.2 + 0.5·density (1.2-1.3 at 0.2-0.3, 1.5-1.65 at 0.8-0.94: the
//     correction entries of dense layers cost less each than the linear k×k fit);
//   exact: 1.97 (median, 1.6-2.3);
//   s16: 1.45 with ic and oc >= 64 (median 1.43; 1.26-1.76, the 56×56 layers are
//     the slow end: their split A leaves L2), 1.7 below (MobileNetV2's 16-32
//     channel layers: 1.5-2.0).
constexpr double kFixupPerDensity = 1.1;
constexpr double kFixupPerDensityFirst = 1.8;
constexpr double kFixup1x1Base = 1.2;
constexpr double kFixup1x1PerDensity = 0.5;
constexpr double kExactCost = 2.0;
constexpr double kS16Cost = 1.45;
constexpr double kS16CostNarrow = 1.7;

double fixup_cost(const ConvDesc& d, double density) {
    if (d.kh * d.kw == 1) return kFixup1x1Base + kFixup1x1PerDensity * density;
    return 1.0 + (d.icg() < 4 ? kFixupPerDensityFirst : kFixupPerDensity) * density;
}
// pxfix (sse42 / avx2; pxfix.hpp): 1 + a/N + 4/K + 6·entries/(K·N), K = taps·ic,
// fitted on the ResNet-50 and MobileNetV2 layers at the AVX2 cap (bench_conv
// --zoo <model> --paths --rounds 2): per pixel block, the input transpose is
// shared by the N outputs (a = 8 on 1x1 layers; 12 on k×k ones, whose rows are
// gathered per tap), the lists and the tile transpose are per output channel
// (against its K MACs), each nonzero pair costs ~1.5 cycles against 4 MACs of
// the chain. Within ~0.05 of the measured ratio on most layers (ResNet-50 1x1
// 1.05-1.30, 3x3 1.04-1.26; MobileNetV2 1.08-1.7).
constexpr double kPxfixPerK = 8.0, kPxfixPerKTaps = 12.0, kPxfixPerColumn = 4.0, kPxfixPerEntry = 6.0;
// The image layout transposes an input row once for its kh·kw taps: a = 4
// (ResNet-50's stride-1 3×3 layers measured 1.09-1.16 at N = 64, 1.03-1.15 at
// 128, 1.05-1.08 at 256, where a = 12 predicted 1.27 / 1.14 / 1.08).
constexpr double kPxfixPerKImage = 4.0;

// A first layer (a few input channels, kw > 1 taps, no x dilation): a kernel
// row's kw·ic bytes are one contiguous run in NHWC, so the layer can be read as
// a kw = 1 layer over kw·ic channels (Conf::kwic_quads for the interior pixels).
bool kwic_shape(const ConvDesc& d) {
    return d.g == 1 && d.dw == 0 && d.ic % 4 != 0 && d.kw > 1 && d.kw * d.ic <= 64;
}
ConvDesc kwic_desc(const ConvDesc& d) {
    ConvDesc dv = d;
    dv.ic = d.kw * d.ic;  // [oc][ky][kx][ic] is [oc][ky][1][kw*ic]
    dv.kw = 1;
    return dv;
}
// pxfix over kernel rows: its taps are the kh rows of kw·ic bytes (a per-tap
// transpose of 3 channels would be 16-channel steps of mostly padding).
bool pxfix_rows(const ConvDesc& d) { return d.kh * d.kw > 1 && d.ic < 16 && kwic_shape(d); }

// pxfix's image layout (pxfix.hpp: make_pxfix_image): a k×k layer with stride 1
// in x transposes each input row once for all its taps.
bool pxfix_image(const ConvDesc& d) {
    return d.kh * d.kw > 1 && d.sw == 1 && d.pw <= cp::kImageXPad && !pxfix_rows(d);
}

// One group; a k×k layer needs 16 input channels, or the kernel-row form.
bool pxfix_shape(const ConvDesc& d, Isa isa) {
    return d.g == 1 && (d.kh * d.kw == 1 || d.ic >= 16 || pxfix_rows(d)) && (isa == Isa::sse42 || isa == Isa::avx2);
}

// Weights safe for both pairings the kernel-row form meets: per tap (border
// pixels) and over the kw·ic run (interior ones). safe_weights only moves the
// larger weight of an unsafe pair towards zero, which keeps safe pairs safe, so
// the second pass keeps the first's. delta = w - w_safe (fits int8: same sign,
// |w_safe| <= |w|).
std::vector<int8_t> rows_safe_weights(const ConvDesc& d, const int8_t* w, std::vector<int8_t>& delta) {
    std::vector<int8_t> d1, d2;
    const std::vector<int8_t> ws = cp::safe_weights(d, w, d1);
    std::vector<int8_t> ws2 = cp::safe_weights(kwic_desc(d), ws.data(), d2);
    delta.resize(ws2.size());
    for (size_t i = 0; i < ws2.size(); ++i) delta[i] = int8_t(int(w[i]) - int(ws2[i]));
    return ws2;
}
// pxfix's entries in the kernel-row form: nonzero delta pairs over each kw·ic run.
int64_t rows_pxfix_entries(const ConvDesc& d, const int8_t* w) {
    std::vector<int8_t> delta;
    rows_safe_weights(d, w, delta);
    const int64_t run = d.kw * d.ic, runs = int64_t(delta.size()) / run;
    int64_t e = 0;
    for (int64_t r = 0; r < runs; ++r)
        for (int64_t c = 0; c < run; c += 2)
            e += delta[size_t(r * run + c)] != 0 || (c + 1 < run && delta[size_t(r * run + c + 1)] != 0);
    return e;
}
// The kernel-row form transposes kh·2·kp_tap channels per pixel (each run of
// kw·ic rounded up to 16) where K are used: a scales with that padding
// (measured 1.26 on ResNet-50's conv1 for 1.47 predicted, 2.27 on MobileNetV2's
// for 2.16, where the exact path's 1.76 wins).
double pxfix_cost(const ConvDesc& d, int64_t entries) {
    const double k = double(d.ic * d.kh * d.kw), n = double(d.oc);
    double a = d.kh * d.kw == 1 ? kPxfixPerK : pxfix_image(d) ? kPxfixPerKImage : kPxfixPerKTaps;
    if (pxfix_rows(d)) a *= double(d.kh * ((d.kw * d.ic + 15) / 16 * 16)) / k;
    return 1.0 + a / n + kPxfixPerColumn / k + kPxfixPerEntry * double(entries) / (k * n);
}
// The wide path (Conf::wide): the source widened to u16 words and the weights
// to s16, a pair per 4-byte unit: exact for any weights, no correction lists.
// Two shapes, measured against the fast chain on made-safe weights (EPYC, AVX2
// cap, bench_conv --zoo <model> --paths --rounds 3, the widening included):
// - first layers in the kernel-row form: per kernel row the fast chain issues
//   3·ceil(kw·ic / 4) ops (two of them multiplies) and wide 2·ceil(kw·ic / 2)
//   (one). Op counts say 1.11x for MobileNetV2's 3x3x3 (9 bytes: 3 quads, 5
//   pairs) and 1.22x for ResNet-50's 7x7x3 (21 bytes: 6 quads, 11 pairs);
//   measured 1.10x and 1.04x, where the split weights take 1.8-1.9x and pxfix
//   1.4-2.6x (its transposes are mostly padding here): kWidePerOps = 0.92.
// - flat 1x1 layers: 1.18x at K = 16 (MobileNetV2's block_1_expand; pxfix 1.54,
//   fixup 1.70), 1.20-1.25x at K = 24-32, 1.24-1.31x at K = 64 (ResNet-50's
//   res2 layers; pxfix 1.28-1.37), 1.28-1.35x at K = 128-512, where pxfix's
//   1.13-1.30x wins: 1.18 + 0.03·log2(K / 16).
// Not for k×k layers from 16 channels up: there the loads (2x the weight bytes and
// broadcasts per MAC) and the front end bind it (1.2-1.4x oneDNN's time on
// ResNet-50's 3x3 layers, pxfix 1.0-1.15x).
// 1x1, stride 1, no padding: the image is one long row (Conf::flat).
bool flat_shape(const ConvDesc& d) {
    return d.kh == 1 && d.kw == 1 && d.sh == 1 && d.sw == 1 && d.ph == 0 && d.pw == 0 && d.oh == d.ih && d.ow == d.iw;
}
bool wide_shape(const ConvDesc& d, Isa isa) {
    return (kwic_shape(d) || (d.g == 1 && flat_shape(d))) && (isa == Isa::sse42 || isa == Isa::avx2);
}
constexpr double kWidePerOps = 0.92;
constexpr double kWideFlatBase = 1.18, kWideFlatPerLog2K = 0.03;
double wide_cost(const ConvDesc& d) {
    if (!kwic_shape(d))
        return kWideFlatBase + kWideFlatPerLog2K * std::log2(double(std::max<int64_t>(d.ic, 16)) / 16.0);
    const double run = double(d.kw * d.ic);
    return kWidePerOps * (2.0 * std::ceil(run / 2)) / (3.0 * std::ceil(run / 4));
}
// [oc][taps][ic] s8 -> the same with every weight as its two s16 bytes (little
// endian): packed as a layer of 2·ic channels it is the s16 pair layout.
std::vector<int8_t> widen_weights(const std::vector<int8_t>& w) {
    std::vector<int8_t> out(w.size() * 2);
    for (size_t i = 0; i < w.size(); ++i) {
        out[2 * i] = w[i];
        out[2 * i + 1] = int8_t(w[i] < 0 ? -1 : 0);
    }
    return out;
}
ConvDesc widened_desc(const ConvDesc& d) {
    ConvDesc w = d;
    w.ic = 2 * d.ic;
    return w;
}

double s16_cost(const ConvDesc& d) { return d.ic >= 64 && d.oc >= 64 ? kS16Cost : kS16CostNarrow; }
double exact_cost(const ConvDesc&) { return kExactCost; }

std::string shape_tag(const ConvDesc& d) {
    auto s = [](int64_t v) { return std::to_string(v); };
    return "g" + s(d.g) + "ic" + s(d.ic) + "ih" + s(d.ih) + "iw" + s(d.iw) + "oc" + s(d.oc) + "oh" + s(d.oh) + "ow" +
           s(d.ow) + "kh" + s(d.kh) + "kw" + s(d.kw) + "sh" + s(d.sh) + "sw" + s(d.sw) + "ph" + s(d.ph) + "pw" +
           s(d.pw) + "dh" + s(d.dh) + "dw" + s(d.dw);
}

// u8 -> u16 (s8 sources xor 0x80 first, like the kernel's shift); vectorized by the compiler.
void widen_row(const uint8_t* s, int64_t n, uint8_t flip, uint16_t* d) {
    for (int64_t i = 0; i < n; ++i) d[i] = uint16_t(s[i] ^ flip);
}

const float* data_or_null(const std::vector<float>& v) { return v.empty() ? nullptr : v.data(); }

class JitConvKernel final : public ConvKernel {
public:
    JitConvKernel(const ConvProblem& p, Isa isa, ConvJitPath path)
        : d_(p.desc), src_t_(p.src_type), e_(p.epilogue), isa_(isa) {
        const int simd_w = jit::isa_simd_width(isa);
        const bool vnni = jit::isa_has_vnni(isa);
        const int64_t icg = d_.icg(), ocg = d_.ocg();
        flat_ = flat_shape(d_);
        one_by_one_ = d_.kh == 1 && d_.kw == 1;

        stats_ = cp::analyze_pairs(d_, p.weights.data());
        split_ = !vnni && stats_.unsafe > 0;
        if (split_ && wide_shape(d_, isa) &&
            (path == ConvJitPath::wide ||
             (path == ConvJitPath::automatic && conv_jit_costs(p, isa).best_direct == ConvJitPath::wide))) {
            wide_ = true;
            split_ = false;
        }
        // The widened source and weights are a layer of 2·ic byte channels to the
        // packing and the generator's strides.
        const ConvDesc dk = wide_ ? widened_desc(d_) : d_;
        const std::vector<int8_t> wbytes = wide_ ? widen_weights(p.weights) : std::vector<int8_t>();

        oc_block_ = conv_oc_block(d_, isa);
        const int nb = oc_block_ / simd_w;
        n_ocb_ = (ocg + oc_block_ - 1) / oc_block_;
        icq_ = cp::packed_icq(dk);
        const int64_t ky_step = (dk.dh + 1) * dk.iw * dk.ic, kx_step = (dk.dw + 1) * dk.ic;
        std::vector<int8_t> wsafe;
        if (split_ && path != ConvJitPath::exact && path != ConvJitPath::wide) {
            const bool allowed = path == ConvJitPath::fixup || path == ConvJitPath::pxfix || fixup_allowed();
            if (allowed) {
                std::vector<int8_t> delta;
                wsafe = cp::safe_weights(d_, p.weights.data(), delta);
                ConvJitPath pick = path;
                if (path == ConvJitPath::automatic) pick = conv_jit_costs(p, isa).best_direct;
                if (pick == ConvJitPath::pxfix && !pxfix_shape(d_, isa)) pick = ConvJitPath::fixup;
                if (pick == ConvJitPath::pxfix && pxfix_rows(d_)) {
                    wsafe = rows_safe_weights(d_, p.weights.data(), delta);
                    px_ = cp::make_pxfix(delta.data(), d_.oc, d_.kh, d_.kw * d_.ic, oc_block_, simd_w);
                    pxfix_ = px_rows_ = true;
                    split_ = false;
                } else if (pick == ConvJitPath::pxfix && pxfix_image(d_)) {
                    // Rows of words wide enough for every x an output block reads.
                    const int64_t ow_pad = (d_.ow + simd_w - 1) / simd_w * simd_w;
                    const int64_t x_end = std::max(cp::kImageXPad + d_.iw,
                                                   ow_pad + (d_.kw - 1) * (d_.dw + 1) - d_.pw + cp::kImageXPad);
                    px_ = cp::make_pxfix_image(delta.data(), d_.oc, d_.kh, d_.kw, d_.ic, oc_block_, simd_w, d_.dh,
                                               d_.dw, (x_end + 7) / 8 * 8);
                    px_rows_tot_ = (d_.oh - 1) * d_.sh + (d_.kh - 1) * (d_.dh + 1) + 1;
                    pxfix_ = px_image_ = true;
                    split_ = false;
                } else if (pick == ConvJitPath::pxfix) {
                    px_ = cp::make_pxfix(delta.data(), d_.oc, d_.kh * d_.kw, d_.ic, oc_block_, simd_w);
                    pxfix_ = true;
                    split_ = false;
                } else if (pick == ConvJitPath::fixup) {
                    fix_ = cp::make_fixup(d_, delta.data(), oc_block_, simd_w, ky_step, kx_step);
                    fixup_ = true;
                    split_ = false;
                } else {
                    wsafe.clear();
                }
            }
        }
        wq_ = int64_t(split_ ? 2 : 1) * oc_block_ * 4;
        packed_ = wide_ ? cp::pack_weights(dk, wbytes.data(), oc_block_, false)
                        : cp::pack_weights(d_, fixup_ || pxfix_ ? wsafe.data() : p.weights.data(), oc_block_, split_);

        if (flat_) {
            ycls_.cls.assign(size_t(d_.oh), 0);
            ycls_.lo = {0};
            ycls_.hi = {1};
            xcls_.cls.assign(size_t(d_.ow), 0);
            xcls_.lo = {0};
            xcls_.hi = {1};
        } else {
            ycls_ = cp::tap_classes(d_.oh, d_.sh, d_.ph, d_.dh, d_.kh, d_.ih);
            xcls_ = cp::tap_classes(d_.ow, d_.sw, d_.pw, d_.dw, d_.kw, d_.iw);
        }
        const int64_t zp_eff = int64_t(p.src_zero_point) + (src_t_ == ir::ElemType::s8 ? 128 : 0);
        oc_pad_ = d_.g * n_ocb_ * oc_block_;
        if (zp_eff != 0) comp_ = cp::compensation(d_, p.weights.data(), oc_block_, zp_eff, ycls_, xcls_);

        exec_type_ = std::string("jit_") + jit::exec_isa_tag(isa) + (one_by_one_ ? "_1x1" : "") + (split_ ? "_exact" : "") +
                     (fixup_ ? "_fixup" : "") + (pxfix_ ? "_pxfix" : "") + (wide_ ? "_wide" : "") + "_I8";
        const ir::PostOp* sum = e_.sum_op();
        rsz_ = sum ? ir::elem_size(sum->sum_type) : 0;
        dsz_ = ir::elem_size(e_.dst_type);
        name_ = std::string("conv_") + jit::isa_name(isa) + "_" + (one_by_one_ ? "1x1" : "direct") +
                (split_ ? "_exact" : "") + (fixup_ ? "_fixup" : "") + (pxfix_ ? "_pxfix" : "") + (wide_ ? "_wide" : "") + "_" +
                ir::to_string(src_t_) + "s8" + ir::to_string(e_.dst_type) + "_" +
                shape_tag(d_);

        cj::Conf c;
        c.isa = isa;
        c.flat = flat_;
        c.s8_src = !wide_ && src_t_ == ir::ElemType::s8;  // wide: the widening shifts
        c.wide = wide_;
        c.split = split_;
        c.has_comp = zp_eff != 0;
        c.fixup = fixup_;
        c.corr = pxfix_;
        for (int k = 0; k < cj::kFixMaxGroup; ++k) c.fix_used[k] = fix_.list[k].used;
        c.kh = d_.kh;
        c.ic = dk.ic;
        c.oc = d_.oc;
        c.icq = icq_;
        c.ic_tail = int(dk.icg() % 4);
        c.kw = d_.kw;
        c.sw = d_.sw;
        c.dw = d_.dw;
        c.src_ky_step = ky_step;
        c.wei_icq_stride = wq_;
        c.oc_block = oc_block_;
        c.pw = d_.pw;
        c.iw = d_.iw;
        // Interior pixels of a first layer read a kernel row's (kx, ic) bytes as
        // one run of quads (jit_conv_generator.hpp, Conf::kwic_quads).
        // The taps are the interior ones, so the compensation (s8, zero points) is the interior class's.
        // Without VNNI (sse42/avx2; the AVX-512 chain is left as tuned) the fast
        // chain needs every pmaddubsw pair of the flattened layout safe too (its
        // pairs straddle the kx taps): conv1 then runs 6 quads a row instead of 7.
        // pxfix in the kernel-row form corrects the weights made safe for both layouts.
        const ConvDesc dv = kwic_desc(dk);  // the packing sees a 1-wide kernel
        const int8_t* wk = wide_ ? wbytes.data() : px_rows_ ? wsafe.data() : p.weights.data();
        if (!split_ && !fixup_ && (!pxfix_ || px_rows_) && kwic_shape(d_) &&
            (vnni || wide_ || (simd_w <= 8 && cp::analyze_pairs(dv, wk).unsafe == 0))) {
            kwic_quads_ = cp::packed_icq(dv);
            kwic_packed_ = cp::pack_weights(dv, wk, oc_block_, false);
            c.kwic_quads = kwic_quads_;
        }
        c.comp_oc_pad = oc_pad_;
        {
            // acc = Σ (a - zp_eff)·w over the taps used, a in [0, 255] (s8 sources shifted).
            const double amax = double(std::max<int64_t>(std::abs(zp_eff), std::abs(255 - zp_eff)));
            c.acc_abs_max = double(cp::max_abs_row_sum(p.weights.data(), d_.oc, d_.kh * d_.kw * icg)) * amax;
        }
        if (!flat_) {
            for (int64_t ox = 0; ox < d_.ow; ++ox) {
                const int k = xcls_.cls[size_t(ox)];
                uint64_t m = 0;
                for (int64_t kx = xcls_.lo[size_t(k)]; kx < xcls_.hi[size_t(k)]; ++kx) m |= 1ull << kx;
                c.kx_mask.push_back(m);
                c.xcls.push_back(k);
            }
        }
        auto gen = [&](int nbv, int lanes, const std::string& suffix) {
            cj::Conf k = c;
            k.nb_oc = nbv;
            k.last_lanes = lanes;
            k.w_mem = pick_w_mem(isa, nbv);
            k.ur_w = cj::max_ur_w(isa, nbv, split_, k.w_mem);
            k.name = name_ + suffix;
            if (flat_ur_ == 0) flat_ur_ = k.ur_w;
            return cj::make_generator(k, e_);
        };
        const int64_t rem = ocg - (n_ocb_ - 1) * oc_block_;  // channels of each group's last block
        if (n_ocb_ > 1 || rem == oc_block_) main_ = gen(nb, simd_w, "_ocb" + std::to_string(oc_block_));
        if (rem != oc_block_) {
            const int nbt = int((rem + simd_w - 1) / simd_w);
            tail_ = gen(nbt, int(rem - (nbt - 1) * simd_w), "_ocb" + std::to_string(rem));
        }
        if (main_) main_fn_ = main_->function<void(const cj::CallArgs*)>();
        if (tail_) tail_fn_ = tail_->function<void(const cj::CallArgs*)>();
        params_ = jit::PostOpParams{data_or_null(e_.scale), data_or_null(e_.bias), data_or_null(e_.out_scale),
                                    data_or_null(e_.out_shift)};
        if (flat_) {
            const int64_t pix = d_.oh * d_.ow, blocks = d_.mb * d_.g * n_ocb_;
            rows_ = (pix + kFlatChunk - 1) / kFlatChunk;
            if (blocks * rows_ < kMinUnits)
                rows_ = std::max<int64_t>(1, std::min((kMinUnits + blocks - 1) / blocks, pix / kMinFlatChunk));
            rows_ = std::max<int64_t>(1, std::min(rows_, pix));
            // Chunks hold whole register blocks (flat_ur_ pixels) but the last,
            // so that no chunk ends in a short, latency-bound block.
            rows_ = std::min(rows_, (pix + flat_ur_ - 1) / flat_ur_);
        } else {
            rows_ = d_.oh;
        }
        rows_outer_ = n_ocb_ > 1 && packed_.size() <= kRowsOuterMaxWeights;
        // pxfix relies on it: a chunk's transposed input is made, used by every
        // block and dropped while in L2 (with oc blocks outermost, the whole
        // image's would be re-read per block).
        supported_ = jit::isa_supported(isa);
        if (pxfix_) {
            pxfix_jit::Conf pc;
            pc.isa = isa;
            pc.oc_block = oc_block_;
            pc.pb_bytes = px_.pb_bytes();
            pc.name = "pxfix_" + std::string(jit::isa_name(isa)) + "_ocb" + std::to_string(oc_block_) + "_k" +
                      std::to_string(d_.ic) + "_" + shape_tag(d_);
            px_gen_ = pxfix_jit::make_pxfix_generator(pc);
            px_fn_ = px_gen_->function<void(const pxfix_jit::CallArgs*)>();
            // The most pixels one unit holds: a flat chunk (whole register blocks but the last) or a row.
            int64_t most = d_.ow;
            if (flat_) {
                const int64_t pix = d_.oh * d_.ow, nblk = (pix + flat_ur_ - 1) / flat_ur_;
                most = std::min(pix, (nblk + rows_ - 1) / rows_ * flat_ur_);
            }
            px_npb_ = (most + simd_w - 1) / simd_w;
        }
    }

    std::string exec_type() const override { return exec_type_; }

    // Conf::w_mem: on zmm one weight vector read from memory buys a 7th pixel
    // (17 loads per 28 vpdpbusd, which the load ports sustain; rows of 7, 14,
    // 28, 56 and 112 pixels tile without a short, latency-bound block). On ymm
    // (15 loads per 14) it measured no better, so ymm keeps its weights in registers.
    int pick_w_mem(Isa isa, int nbv) const {
        return jit::isa_simd_width(isa) == 16 && cj::max_ur_w(isa, nbv, split_, 1) > 0 ? 1 : 0;
    }
    std::string name() const override { return name_; }
    int64_t work_units() const override { return d_.mb * d_.g * n_ocb_ * rows_; }

    void run(const ConvArgs& a, int64_t begin, int64_t end) const override {
        if (!supported_) throw UnsupportedError(name_ + ": this CPU cannot run " + jit::isa_name(isa_) + " code");
        if (begin >= end) return;
        if (!a.src || !a.dst || (rsz_ && !a.residual)) throw ArgumentError(name_ + ": null source/destination/residual");
        const auto* src = static_cast<const uint8_t*>(a.src);
        auto* dst = static_cast<uint8_t*>(a.dst);
        const auto* res = static_cast<const uint8_t*>(a.residual);
        const auto* wei = reinterpret_cast<const int8_t*>(packed_.data());
        const auto* comp = reinterpret_cast<const int32_t*>(comp_.data());
        const int64_t gb_count = d_.g * n_ocb_, ocg = d_.ocg(), icg = d_.icg();
        const int64_t nx = int64_t(xcls_.lo.size());
        cj::CallArgs c{};
        c.params = params_;
        for (int k = 0; k < cj::kFixMaxGroup; ++k) {
            c.fix_src[k] = fix_.list[k].src_off.data();
            c.fix_dvec[k] = reinterpret_cast<const int8_t*>(fix_.list[k].dvec.data());
        }
        // pxfix: the transposed input of the (image, row) units a thread meets,
        // kept for the parallel loop (ConvArgs::job; one run() when 0): the last
        // one when pixels are outermost, else every one; and the tile.
        struct PxState {
            JobKey key;
            std::vector<int64_t> held;  // per slot: the (image, row) it holds, or -1
            AlignedBuffer at, tile;
        };
        thread_local PxState px;
        // wide: the input rows a thread's units read, widened to u16 words (s8 shifted)
        // into an image of the source's geometry, each row once per job.
        struct WideState {
            JobKey key;
            std::vector<uint8_t> held;  // per (image, input row), flat: per (image, pixel chunk)
            AlignedBuffer img;
        };
        thread_local WideState wd;
        if (wide_) {
            if (wd.key.renew(this, a.job, a.src)) wd.held.assign(size_t(d_.mb * (flat_ ? rows_ : d_.ih)), 0);
            // 64 bytes past the image: a tail unit may read 4 bytes where 2 are used.
            const size_t bytes = size_t(d_.mb * d_.ih * d_.iw * d_.ic * 2 + 64);
            if (wd.img.size() < bytes) wd.img = AlignedBuffer(bytes);
        }
        // The image layout keeps one slot per input row of the image (padding rows included).
        const int64_t px_slot_bytes = px_image_ ? px_.row_bytes() : px_npb_ * px_.pb_bytes();
        const int64_t px_slots = px_image_ ? px_rows_tot_ : rows_outer_ ? 1 : d_.mb * rows_;
        if (pxfix_) {
            if (px.key.renew(this, a.job, a.src)) px.held.assign(size_t(px_slots), -1);
            const size_t at_bytes = size_t(px_slots * px_slot_bytes);
            if (px.at.size() < at_bytes) px.at = AlignedBuffer(at_bytes);
            const size_t tile_bytes = size_t(px_npb_ * simd_w_ * oc_block_ * 4);
            if (px.tile.size() < tile_bytes) px.tile = AlignedBuffer(tile_bytes);
        }
        for (int64_t u = begin; u < end; ++u) {
            const int64_t row = rows_outer_ ? (u / gb_count) % rows_ : u % rows_;
            const int64_t gb = rows_outer_ ? u % gb_count : (u / rows_) % gb_count, n = u / rows_ / gb_count;
            const int64_t g = gb / n_ocb_, ob = gb % n_ocb_;
            const int64_t ch = g * ocg + ob * oc_block_;
            int64_t src_off, dst_off, ylo = 0, ycl = 0;
            if (flat_) {
                const int64_t pix = d_.oh * d_.ow, nblk = (pix + flat_ur_ - 1) / flat_ur_;
                const int64_t base = nblk / rows_, extra = nblk % rows_;
                const int64_t pix0 = (row * base + std::min(row, extra)) * flat_ur_;
                c.npix = std::min(pix, pix0 + (base + (row < extra ? 1 : 0)) * flat_ur_) - pix0;
                c.kh = 1;
                src_off = (n * d_.ih * d_.iw + pix0) * d_.ic + g * icg;
                dst_off = (n * d_.oh * d_.ow + pix0) * d_.oc + ch;
            } else {
                ycl = ycls_.cls[size_t(row)];
                ylo = ycls_.lo[size_t(ycl)];
                c.kh = ycls_.hi[size_t(ycl)] - ylo;
                const int64_t iy0 = c.kh > 0 ? row * d_.sh - d_.ph + ylo * (d_.dh + 1) : 0;
                src_off = ((n * d_.ih + iy0) * d_.iw) * d_.ic + g * icg;
                dst_off = ((n * d_.oh + row) * d_.ow) * d_.oc + ch;
                c.npix = d_.ow;
            }
            c.src = src + src_off;
            if (wide_) {
                const uint8_t flip = src_t_ == ir::ElemType::s8 ? 0x80 : 0;
                const int64_t row_elems = d_.iw * d_.ic;
                auto* img = reinterpret_cast<uint16_t*>(wd.img.data());
                if (flat_ && !wd.held[size_t(n * rows_ + row)]) {  // one group: src_off is the chunk's first byte
                    widen_row(src + src_off, c.npix * d_.ic, flip, img + src_off);
                    wd.held[size_t(n * rows_ + row)] = 1;
                }
                for (int64_t ky = 0; ky < d_.kh && !flat_; ++ky) {
                    const int64_t iy = row * d_.sh - d_.ph + ky * (d_.dh + 1);
                    if (iy < 0 || iy >= d_.ih || wd.held[size_t(n * d_.ih + iy)]) continue;
                    const int64_t off = (n * d_.ih + iy) * row_elems;
                    widen_row(src + off, row_elems, flip, img + off);
                    wd.held[size_t(n * d_.ih + iy)] = 1;
                }
                c.src = wd.img.data() + src_off * 2;
            }
            c.wei = wei + ((gb * d_.kh + ylo) * d_.kw * icq_) * wq_;
            if (kwic_quads_)
                c.wei_flat = reinterpret_cast<const int8_t*>(kwic_packed_.data()) +
                             ((gb * d_.kh + ylo) * kwic_quads_) * oc_block_ * 4;
            c.dst = dst + dst_off * int64_t(dsz_);
            c.residual = rsz_ ? res + dst_off * int64_t(rsz_) : nullptr;
            c.comp = comp ? comp + (ycl * nx) * oc_pad_ + gb * oc_block_ : nullptr;
            c.oc = ch;
            if (fixup_) {
                for (int k = 0; k < cj::kFixMaxGroup; ++k)
                    c.fix_idx[k] = fix_.list[k].idx.data() + gb * fix_.idx_block_stride() + ylo;
                c.ylo_off = ylo * (d_.dh + 1) * d_.iw * d_.ic;
            }
            if (px_image_) {
                // Slot s holds input row s - ph of image n (zeros outside the image).
                const bool s8 = src_t_ == ir::ElemType::s8;
                for (int64_t ky = 0; ky < d_.kh; ++ky) {
                    const int64_t iy = row * d_.sh - d_.ph + ky * (d_.dh + 1), slot = iy + d_.ph;
                    const int64_t key = n * px_rows_tot_ + slot;
                    if (px.held[size_t(slot)] == key) continue;
                    auto* r = reinterpret_cast<uint32_t*>(px.at.data() + slot * px_slot_bytes);
                    if (iy >= 0 && iy < d_.ih) cp::transpose_row(px_, src + (n * d_.ih + iy) * d_.iw * d_.ic, d_.iw, s8, r);
                    else std::memset(r, 0, size_t(px_slot_bytes));
                    px.held[size_t(slot)] = key;
                }
                const uint8_t* at = px.at.data() + row * d_.sh * px_slot_bytes + (cp::kImageXPad - d_.pw) * 4;
                pxfix_jit::CallArgs pa{at, (c.npix + simd_w_ - 1) / simd_w_, px_.ent.data(),
                                       px_.col.data() + gb * oc_block_, reinterpret_cast<int32_t*>(px.tile.data())};
                px_fn_(&pa);
                c.corr = reinterpret_cast<const int32_t*>(px.tile.data());
            } else if (pxfix_) {
                const int64_t unit_row = n * rows_ + row, slot = rows_outer_ ? 0 : unit_row;
                uint8_t* at = px.at.data() + slot * px_slot_bytes;
                if (px.held[size_t(slot)] != unit_row) {
                    const bool s8 = src_t_ == ir::ElemType::s8;
                    if (flat_) {
                        // A tail of channels past the last 16 is one masked load per pixel
                        // where the chunk's last pixel has 16 bytes of the source after it.
                        const int64_t src_bytes = d_.mb * d_.ih * d_.iw * d_.ic, tail = d_.ic % 16;
                        const bool room = tail && src_off + c.npix * d_.ic + 16 <= src_bytes;
                        cp::transpose_pairs(px_, src + src_off, d_.ic, c.npix, s8, reinterpret_cast<uint32_t*>(at), 0,
                                            room ? (d_.ic + 15) / 16 * 16 : 0);
                    } else if (px_rows_) {
                        // Kernel-row form: per kernel row, the kw·ic run of each output column
                        // (null where the row is padding), read 2·kp_tap bytes at a time: the
                        // columns that overlap the left or right padding, or whose read would
                        // pass the source's end, are copied with zeros (after the s8 shift too).
                        thread_local std::vector<const uint8_t*> rp;
                        thread_local std::vector<uint8_t> edge;
                        const int64_t readable = 2 * px_.kp_tap;
                        const uint8_t* src_end = src + d_.mb * d_.ih * d_.iw * d_.ic;
                        rp.resize(size_t(d_.ow));
                        edge.resize(size_t(d_.ow * readable));
                        for (int64_t ky = 0; ky < d_.kh; ++ky) {
                            const int64_t iy = row * d_.sh - d_.ph + ky * (d_.dh + 1);
                            const bool in_y = iy >= 0 && iy < d_.ih;
                            const uint8_t* srow = src + (n * d_.ih + iy) * d_.iw * d_.ic;
                            for (int64_t ox = 0; ox < d_.ow; ++ox) {
                                const int64_t x0 = ox * d_.sw - d_.pw;
                                if (!in_y) {
                                    rp[size_t(ox)] = nullptr;
                                } else if (x0 >= 0 && x0 + d_.kw <= d_.iw && srow + x0 * d_.ic + readable <= src_end) {
                                    rp[size_t(ox)] = srow + x0 * d_.ic;
                                } else {
                                    uint8_t* e = edge.data() + ox * readable;
                                    std::memset(e, s8 ? 0x80 : 0, size_t(readable));
                                    for (int64_t kx = 0; kx < d_.kw; ++kx)
                                        if (x0 + kx >= 0 && x0 + kx < d_.iw)
                                            std::memcpy(e + kx * d_.ic, srow + (x0 + kx) * d_.ic, size_t(d_.ic));
                                    rp[size_t(ox)] = e;
                                }
                            }
                            cp::transpose_pairs(px_, rp.data(), d_.ow, s8, reinterpret_cast<uint32_t*>(at), ky,
                                                readable);
                        }
                    } else {
                        // Row mode: per tap, the input pixel of each output column, null in the padding.
                        thread_local std::vector<const uint8_t*> rp;
                        rp.resize(size_t(d_.ow));
                        for (int64_t ky = 0; ky < d_.kh; ++ky)
                            for (int64_t kx = 0; kx < d_.kw; ++kx) {
                                const int64_t iy = row * d_.sh - d_.ph + ky * (d_.dh + 1);
                                for (int64_t ox = 0; ox < d_.ow; ++ox) {
                                    const int64_t ix = ox * d_.sw - d_.pw + kx * (d_.dw + 1);
                                    const bool in = iy >= 0 && iy < d_.ih && ix >= 0 && ix < d_.iw;
                                    rp[size_t(ox)] = in ? src + ((n * d_.ih + iy) * d_.iw + ix) * d_.ic : nullptr;
                                }
                                cp::transpose_pairs(px_, rp.data(), d_.ow, s8, reinterpret_cast<uint32_t*>(at),
                                                    ky * d_.kw + kx);
                            }
                    }
                    px.held[size_t(slot)] = unit_row;
                }
                pxfix_jit::CallArgs pa{at, (c.npix + simd_w_ - 1) / simd_w_, px_.ent.data(),
                                       px_.col.data() + gb * oc_block_, reinterpret_cast<int32_t*>(px.tile.data())};
                px_fn_(&pa);
                c.corr = reinterpret_cast<const int32_t*>(px.tile.data());
            }
            const bool last = ob == n_ocb_ - 1 && tail_fn_;
            (last ? tail_fn_ : main_fn_)(&c);
        }
    }

private:
    ConvDesc d_;
    ir::ElemType src_t_;
    ir::Epilogue e_;  // the per-channel vectors the code reads through params_
    Isa isa_;
    bool flat_ = false, one_by_one_ = false, split_ = false, fixup_ = false, pxfix_ = false, supported_ = false;
    bool px_rows_ = false;   // pxfix over kernel rows of kw·ic bytes (pxfix_rows)
    bool wide_ = false;      // u16 source, s16 weights (wide_shape; Conf::wide)
    bool px_image_ = false;  // pxfix in the image layout (pxfix_image)
    int64_t px_rows_tot_ = 0;  // image layout: input rows an image's output rows read, from -ph
    bool rows_outer_ = false;  // unit order: pixels outermost (see kRowsOuterMaxWeights)
    cp::PairStats stats_;
    cp::Fixup fix_;
    cp::PxFix px_;
    std::unique_ptr<jit::Generator> px_gen_;
    void (*px_fn_)(const pxfix_jit::CallArgs*) = nullptr;
    int64_t px_npb_ = 0;  // pixel blocks of the largest unit
    int simd_w_ = jit::isa_simd_width(isa_);
    int oc_block_ = 0;
    int64_t n_ocb_ = 0, icq_ = 0, wq_ = 0, oc_pad_ = 0, rows_ = 0;
    int64_t flat_ur_ = 0;  // flat mode: chunks are multiples of this many pixels (the main kernel's ur_w)
    size_t rsz_ = 0, dsz_ = 0;
    cp::AlignedBuffer packed_, comp_;
    int64_t kwic_quads_ = 0;
    cp::AlignedBuffer kwic_packed_;  // (kx, ic)-flattened weights of interior pixels, or empty
    cp::TapClasses ycls_, xcls_;
    std::string exec_type_, name_;
    std::unique_ptr<jit::Generator> main_, tail_;
    void (*main_fn_)(const cj::CallArgs*) = nullptr;
    void (*tail_fn_)(const cj::CallArgs*) = nullptr;
    jit::PostOpParams params_;
};

}  // namespace

namespace {
thread_local ConvJitCostsScope* costs_scope = nullptr;
ConvJitCosts compute_conv_jit_costs(const ConvProblem& p, Isa isa);
}  // namespace

ConvJitCostsScope::ConvJitCostsScope(const ConvProblem& p) : p_(&p), outer_(costs_scope) { costs_scope = this; }
ConvJitCostsScope::~ConvJitCostsScope() { costs_scope = outer_; }

ConvJitCosts conv_jit_costs(const ConvProblem& p, Isa isa) {
    if (isa == Isa::amx) isa = Isa::avx512_core_vnni;
    ConvJitCostsScope* s = costs_scope;
    if (!s || s->p_ != &p) return compute_conv_jit_costs(p, isa);
    for (const auto& [i, c] : s->memo_)
        if (i == isa) return c;
    s->memo_.emplace_back(isa, compute_conv_jit_costs(p, isa));
    return s->memo_.back().second;
}

namespace {

ConvJitCosts compute_conv_jit_costs(const ConvProblem& p, Isa isa) {
    ConvJitCosts c;
    const ConvDesc& d = p.desc;
    auto fmt = [](double v) {
        char b[32];
        std::snprintf(b, sizeof b, "%.2f", v);
        return std::string(b);
    };
    // One group: the unsafe pairs are pxfix's entries (delta has one nonzero per unsafe pair).
    const int64_t unsafe = jit::isa_has_vnni(isa) || int64_t(p.weights.size()) != d.wei_elems() ||
                                   (d.g > 1 && d.g == d.ic && d.g == d.oc)
                               ? 0
                               : cp::analyze_pairs(d, p.weights.data()).unsafe;
    if (unsafe == 0) {
        c.why = "no unsafe weight pair at this ISA: the fast (or VNNI) path";
        return c;
    }
    c.unsafe = true;
    c.exact = exact_cost(d);
    c.best = ConvJitPath::exact;
    if (fixup_allowed()) {
        c.density = cp::fixup_density(d, p.weights.data(), conv_oc_block(d, isa), jit::isa_simd_width(isa));
        c.fixup = fixup_cost(d, c.density);
        if (c.fixup <= c.exact) c.best = ConvJitPath::fixup;
        if (pxfix_shape(d, isa)) {
            c.pxfix = pxfix_cost(d, pxfix_rows(d) ? rows_pxfix_entries(d, p.weights.data()) : unsafe);
            if (c.pxfix < std::min(c.fixup, c.exact)) c.best = ConvJitPath::pxfix;
        }
    }
    // The estimate of the path chosen so far (fixup, pxfix, wide or exact).
    auto best_cost = [&] {
        return c.best == ConvJitPath::fixup ? c.fixup
               : c.best == ConvJitPath::pxfix ? c.pxfix
               : c.best == ConvJitPath::wide  ? c.wide
                                              : c.exact;
    };
    if (wide_shape(d, isa)) {
        c.wide = wide_cost(d);
        if (c.wide < best_cost()) c.best = ConvJitPath::wide;
    }
    c.best_direct = c.best;
    std::string s16_why;
    // The s16 costs are AVX2 / SSE4.2 measurements (the no-VNNI targets); AVX-512 without
    // VNNI keeps fixup / exact until measured (ConvJitPath::s16 still builds it there).
    if (jit::isa_simd_width(isa) > 8) s16_why = "s16 not fitted for " + std::string(jit::isa_name(isa));
    else if (conv_1x1_s16_shape(d, s16_why)) {
        c.s16 = s16_cost(d);
        if (c.s16 < best_cost()) c.best = ConvJitPath::s16;
    }
    const char* names[] = {"automatic", "fixup", "exact", "s16", "pxfix", "wide"};
    c.why = "cost model (x fast path): density " + fmt(c.density) + ", fixup " + (c.fixup > 0 ? fmt(c.fixup) : "off") +
            ", pxfix " + (c.pxfix > 0 ? fmt(c.pxfix) : "n/a") + ", wide " + (c.wide > 0 ? fmt(c.wide) : "n/a") +
            ", exact " + fmt(c.exact) + ", s16 " + (c.s16 > 0 ? fmt(c.s16) : "n/a (" + s16_why + ")") + ": " +
            names[int(c.best)];
    return c;
}

}  // namespace

std::unique_ptr<ConvKernel> make_conv_jit_kernel(const ConvProblem& p, Isa isa, std::string& why) {
    return make_conv_jit_kernel(p, isa, why, ConvJitPath::automatic);
}

std::unique_ptr<ConvKernel> make_conv_jit_kernel(const ConvProblem& p, Isa isa, std::string& why,
                                                 ConvJitPath path) {
    const ConvDesc& d = p.desc;
    if (isa == Isa::amx) isa = Isa::avx512_core_vnni;
    if (path == ConvJitPath::s16) return make_conv_1x1_s16_kernel(p, isa, why);
    if (p.src_type != ir::ElemType::u8 && p.src_type != ir::ElemType::s8) {
        why = std::string("source type ") + ir::to_string(p.src_type) + " is not u8/s8";
        return nullptr;
    }
    if (d.g > 1 && d.g == d.ic && d.g == d.oc) {
        why = "depthwise (g == ic == oc): the dw kernel's job";
        return nullptr;
    }
    if (int64_t(p.weights.size()) != d.wei_elems()) {
        why = "weights have " + std::to_string(p.weights.size()) + " values, expected " +
              std::to_string(d.wei_elems());
        return nullptr;
    }
    if (d.kw > 64) {
        why = "kw > 64";
        return nullptr;
    }
    // Every displacement and step of the generated code is a 32-bit immediate.
    const int64_t lim = int64_t(1) << 28;
    if ((d.dh + 1) * d.iw * d.ic >= lim || d.ic * (16 * d.sw + d.ext_kw()) >= lim || d.oc * 16 * 4 >= lim ||
        d.kh * d.kw * cp::packed_icq(d) * 2 * 64 * 4 >= lim) {
        why = "tensor strides beyond the 32-bit displacements of the generated code";
        return nullptr;
    }
    try {
        return std::make_unique<JitConvKernel>(p, isa, path);
    } catch (const Error& e) {
        why = e.what();
        return nullptr;
    }
}

}  // namespace octet::kernels
