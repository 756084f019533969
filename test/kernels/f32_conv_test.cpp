// Generated f32 Convolution (kernels/f32/conv_f32_kernel.hpp) against a direct
// double-precision convolution, at every ISA it generates for.
//
// Bound: any order of K f32 multiply-adds differs from the exact sum by at most
// about K·u·Σ|w·x| (u = 2^-24); FMA and reassociation stay inside it, a wrong
// tap, channel, pad or tail does not. Inputs and outputs sit against PROT_NONE
// pages, and the scratch the kernel reads is exactly the size it asked for.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "kernel_test_util.hpp"
#include "kernels/f32/conv_f32_kernel.hpp"

namespace {

using namespace octet;
using kernels::f32::ConvF32Args;
using kernels::f32::ConvF32Desc;
using kernels::f32::ConvF32Kernel;
using kernel_test::GuardedBytes;


int64_t out_size(int64_t in, int64_t k, int64_t s, int64_t d, int64_t pb, int64_t pe) {
    return (in + pb + pe - ((k - 1) * d + 1)) / s + 1;
}

// Post-ops after the bias (and the ReLU of `relu`, which comes first): the
// epilogues the engine folds in (engine/f32/fuse_f32.hpp).
enum Epi { kNone, kRelu6, kSum, kSumRelu, kClampSumClamp };

struct Case {
    int64_t mb, ic, ih, iw, oc, kh, kw, sh, sw, dh, dw, pt, pl, pb, pr, group;
    bool bias, relu;
    Epi epi = kNone;
};

std::vector<kernels::f32::GemmPostOp> post_ops(const Case& c) {
    using kernels::f32::GemmPost;
    using kernels::f32::GemmPostOp;
    std::vector<GemmPostOp> p;
    if (c.relu) p.push_back(GemmPost::relu);
    switch (c.epi) {
    case kNone: break;
    case kRelu6: p.push_back(GemmPostOp::clamp(0.f, 6.f)); break;
    case kSum: p.push_back(GemmPost::sum); break;
    case kSumRelu: p.push_back(GemmPost::sum); p.push_back(GemmPost::relu); break;
    case kClampSumClamp:
        p.push_back(GemmPostOp::clamp(-1.f, 1.5f));
        p.push_back(GemmPost::sum);
        p.push_back(GemmPostOp::clamp(0.f, 6.f));
        break;
    }
    return p;
}

bool has_sum(const Case& c) { return c.epi == kSum || c.epi == kSumRelu || c.epi == kClampSumClamp; }

std::string describe(const Case& c) {
    return "mb" + std::to_string(c.mb) + "g" + std::to_string(c.group) + "ic" + std::to_string(c.ic) + "ih" +
           std::to_string(c.ih) + "iw" + std::to_string(c.iw) + "oc" + std::to_string(c.oc) + "k" +
           std::to_string(c.kh) + "x" + std::to_string(c.kw) + "s" + std::to_string(c.sh) + "x" + std::to_string(c.sw) +
           "d" + std::to_string(c.dh) + "x" + std::to_string(c.dw) + "p" + std::to_string(c.pt) + "," +
           std::to_string(c.pl) + "," + std::to_string(c.pb) + "," + std::to_string(c.pr) + (c.bias ? "_bias" : "") +
           (c.relu ? "_relu" : "") + (c.epi == kRelu6 ? "_relu6" : c.epi == kSum ? "_sum" : c.epi == kSumRelu ? "_sum_relu"
                                      : c.epi == kClampSumClamp ? "_clamp_sum_clamp" : "");
}

void check_case(const Case& c, jit::Isa isa, std::mt19937& rng) {
    ConvF32Desc d;
    d.mb = c.mb; d.ic = c.ic; d.ih = c.ih; d.iw = c.iw; d.oc = c.oc;
    d.kh = c.kh; d.kw = c.kw; d.sh = c.sh; d.sw = c.sw; d.dh = c.dh; d.dw = c.dw;
    d.pt = c.pt; d.pl = c.pl; d.group = c.group; d.post = post_ops(c);
    d.oh = out_size(c.ih, c.kh, c.sh, c.dh, c.pt, c.pb);
    d.ow = out_size(c.iw, c.kw, c.sw, c.dw, c.pl, c.pr);
    const int64_t cg = c.ic / c.group, ocg = c.oc / c.group;
    std::normal_distribution<float> nd(0.f, 1.f);
    std::vector<float> x(size_t(c.mb * c.ic * c.ih * c.iw)), w(size_t(c.oc * cg * c.kh * c.kw));
    for (float& v : x) v = nd(rng);
    for (float& v : w) v = nd(rng);
    if (c.bias) {
        d.bias.resize(size_t(c.oc));
        for (float& v : d.bias) v = nd(rng);
    }
    std::vector<float> res(size_t(c.mb * c.oc * d.oh * d.ow));
    for (float& v : res) v = nd(rng);
    ConvF32Kernel k(d, w.data(), isa);

    GuardedBytes src(x.size() * 4), dst(size_t(c.mb * c.oc * d.oh * d.ow) * 4), gres(res.size() * 4);
    GuardedBytes ss(k.src_scratch_floats() * 4), ds(std::max<size_t>(k.dst_scratch_floats(), 1) * 4);
    src.fill(x.data());
    gres.fill(res.data());
    ConvF32Args a;
    a.src = src.as<float>();
    a.dst = dst.as<float>();
    a.residual = has_sum(c) ? gres.as<float>() : nullptr;
    a.src_scratch = ss.as<float>();
    a.dst_scratch = k.dst_scratch_floats() ? ds.as<float>() : nullptr;
    k.prepare(a, 0, k.prepare_units());
    k.run(a, 0, k.work_units());
    k.finish(a, 0, k.finish_units());
    const std::vector<float> whole(dst.as<float>(), dst.as<float>() + c.mb * c.oc * d.oh * d.ow);

    const int64_t K = cg * c.kh * c.kw;
    const double u = std::ldexp(1.0, -24);
    for (int64_t n = 0; n < c.mb; ++n)
        for (int64_t o = 0; o < c.oc; ++o)
            for (int64_t oy = 0; oy < d.oh; ++oy)
                for (int64_t ox = 0; ox < d.ow; ++ox) {
                    const int64_t g = o / ocg;
                    double s = 0, mag = 0;
                    for (int64_t ci = 0; ci < cg; ++ci)
                        for (int64_t i = 0; i < c.kh; ++i)
                            for (int64_t j = 0; j < c.kw; ++j) {
                                const int64_t y = oy * c.sh - c.pt + i * c.dh, xx = ox * c.sw - c.pl + j * c.dw;
                                if (y < 0 || y >= c.ih || xx < 0 || xx >= c.iw) continue;
                                const double p = double(x[size_t(((n * c.ic + g * cg + ci) * c.ih + y) * c.iw + xx)]) *
                                                 w[size_t(((o * cg + ci) * c.kh + i) * c.kw + j)];
                                s += p;
                                mag += std::fabs(p);
                            }
                    if (c.bias) {
                        s += d.bias[size_t(o)];
                        mag += std::fabs(d.bias[size_t(o)]);
                    }
                    const size_t at = size_t(((n * c.oc + o) * d.oh + oy) * d.ow + ox);
                    for (const kernels::f32::GemmPostOp& p : d.post) {
                        if (p.kind == kernels::f32::GemmPost::relu) s = std::max(s, 0.0);
                        else if (p.kind == kernels::f32::GemmPost::clamp) s = std::min(std::max(s, double(p.lo)), double(p.hi));
                        else {
                            s += res[at];
                            mag += std::fabs(res[at]);
                        }
                    }
                    const float got = whole[at];
                    const double bound = 2.0 * double(K + 1) * u * mag + 1e-30;
                    if (!(std::fabs(got - s) <= bound)) {
                        FAIL_CHECK(describe(c) << " at " << jit::isa_name(isa) << ": out[" << n << "][" << o << "]["
                                               << oy << "][" << ox << "] = " << got << ", reference " << s
                                               << " (bound " << bound << ")");
                        return;
                    }
                }

    // Any split of the units gives the same bits: one unit at a time, backwards.
    std::fill(dst.as<float>(), dst.as<float>() + whole.size(), -7.f);
    for (int64_t u0 = k.prepare_units(); u0-- > 0;) k.prepare(a, u0, u0 + 1);
    for (int64_t u0 = k.work_units(); u0-- > 0;) k.run(a, u0, u0 + 1);
    for (int64_t u0 = k.finish_units(); u0-- > 0;) k.finish(a, u0, u0 + 1);
    CHECK(std::memcmp(whole.data(), dst.as<float>(), whole.size() * 4) == 0);
    emu::note_case(isa, k.exec_type());
}

const std::vector<Case>& small_cases() {
    static const std::vector<Case> cases = {
        // mb ic ih iw oc  kh kw sh sw dh dw pt pl pb pr g  bias relu
        {1, 16, 7, 7, 24, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, true, true},      // 1x1 direct, pixel tail
        {2, 5, 9, 11, 13, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, false, false},    // odd channels, oc tail, mb 2
        {1, 8, 14, 14, 16, 1, 1, 2, 2, 1, 1, 0, 0, 0, 0, 1, true, false},    // 1x1 stride 2 (projection)
        {1, 7, 10, 9, 19, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, true, true},      // 3x3 pad 1
        {1, 16, 15, 15, 32, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, false, true},   // 3x3 stride 2
        {1, 3, 31, 29, 16, 7, 7, 2, 2, 1, 1, 3, 3, 3, 3, 1, true, true},     // 7x7 s2 first layer
        {1, 8, 9, 9, 12, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 2, true, false},      // groups
        {1, 6, 12, 11, 10, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2, 1, false, false},   // dilation 2
        {1, 4, 8, 10, 9, 3, 2, 1, 2, 1, 1, 0, 1, 2, 0, 1, true, false},      // asymmetric kernel/stride/pads
        {1, 9, 6, 6, 40, 3, 3, 1, 1, 1, 1, 0, 0, 0, 0, 1, false, true},      // valid, 2 oc blocks
        {1, 4, 5, 6, 9, 1, 1, 1, 1, 1, 1, 1, 0, 1, 2, 1, true, false},       // 1x1 with pads
        {2, 6, 7, 9, 10, 1, 1, 2, 2, 1, 1, 0, 0, 0, 0, 1, false, false},     // 1x1 stride 2, odd sizes
        {1, 12, 6, 5, 9, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 3, true, true},       // 1x1 groups
        {2, 8, 8, 8, 16, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, false, true},      // 1x1 in place, no pixel tail
        // Folded epilogues: the sum in the generated block (direct) or in the compaction.
        {1, 16, 7, 7, 24, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, true, false, kSum},          // direct, pixel tail
        {2, 8, 8, 8, 16, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, true, false, kSumRelu},       // in place
        {1, 8, 14, 14, 16, 1, 1, 2, 2, 1, 1, 0, 0, 0, 0, 1, true, false, kRelu6},       // 1x1 s2, ReLU6
        {1, 7, 10, 9, 19, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, true, true, kSumRelu},       // compaction sum
        {1, 3, 31, 29, 16, 7, 7, 2, 2, 1, 1, 3, 3, 3, 3, 1, true, false, kRelu6},       // 7x7 s2 ReLU6
        {1, 12, 6, 5, 9, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 3, false, false, kClampSumClamp},  // 1x1 groups
        {1, 4, 5, 6, 9, 1, 1, 1, 1, 1, 1, 1, 0, 1, 2, 1, true, true, kClampSumClamp},   // 1x1 pads: compaction
        // Few output pixels (7x7): 1x1 in place / strided, 3x3, oc tails, mb 2.
        {2, 24, 7, 7, 62, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, true, false, kSumRelu},
        {1, 16, 14, 14, 64, 1, 1, 2, 2, 1, 1, 0, 0, 0, 0, 1, true, true, kNone},
        {2, 12, 7, 7, 96, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, true, false, kClampSumClamp},
        {1, 9, 5, 6, 31, 3, 2, 1, 1, 2, 1, 1, 0, 2, 1, 1, false, true, kSum},
    };
    return cases;
}

}  // namespace

TEST_CASE("f32 conv JIT: small shapes at every ISA", "[kernels][f32][emu]") {
    std::mt19937 rng(42);
    for (jit::Isa isa : kernel_test::f32_body_isas())
        for (const Case& c : small_cases()) {
            INFO(describe(c) << " at " << jit::isa_name(isa));
            check_case(c, isa, rng);
        }
}

TEST_CASE("f32 conv JIT: ResNet-50-like layers", "[kernels][f32]") {
    std::mt19937 rng(7);
    const std::vector<Case> cases = {
        {1, 3, 56, 56, 64, 7, 7, 2, 2, 1, 1, 3, 3, 3, 3, 1, true, true},
        {1, 64, 28, 28, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, true, true},
        {1, 128, 14, 14, 128, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, false, false},
        {1, 256, 7, 7, 96, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, true, false},
        {1, 64, 14, 14, 256, 1, 1, 2, 2, 1, 1, 0, 0, 0, 0, 1, false, false},
        {1, 32, 9, 9, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 32 / 8, true, true},  // ResNeXt-like groups of 8
        {1, 144, 56, 56, 144, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 144, true, false}, // MobileNetV2 depthwise s2
    };
    for (jit::Isa isa : kernel_test::f32_body_isas())
        for (const Case& c : cases) {
            INFO(describe(c) << " at " << jit::isa_name(isa));
            check_case(c, isa, rng);
        }
}

TEST_CASE("f32 conv JIT: depthwise", "[kernels][f32][emu]") {
    std::mt19937 rng(9);
    const std::vector<Case> cases = {
        // mb ic ih iw oc  kh kw sh sw dh dw pt pl pb pr g  bias relu
        {1, 8, 9, 9, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 8, true, true},       // MobileNet 3x3 s1
        {1, 6, 14, 13, 6, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 6, false, false},   // 3x3 s2, odd width
        {2, 4, 7, 7, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 4, true, false},      // channel multiplier 2
        {1, 5, 11, 10, 5, 5, 5, 1, 1, 2, 2, 4, 4, 4, 4, 5, false, true},    // 5x5 dilated
        // Per-group units with folded epilogues, many pixel blocks (the in-kernel loop).
        {1, 8, 9, 9, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 8, true, false, kRelu6},
        {1, 6, 14, 13, 6, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 6, true, true, kSumRelu},
        {2, 4, 7, 7, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 4, true, false, kClampSumClamp},
        {1, 8, 10, 12, 8, 3, 1, 1, 1, 1, 1, 0, 0, 0, 0, 8, true, false, kSum},         // 3x1 depthwise
        {1, 4, 10, 12, 8, 3, 1, 1, 1, 1, 1, 0, 0, 0, 0, 4, true, false, kSum},         // direct per group (x2)
        {1, 6, 13, 14, 6, 3, 3, 3, 3, 1, 1, 1, 1, 1, 1, 6, true, true, kNone},         // stride 3: per group
        {1, 2, 20, 130, 2, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 2, true, true, kSumRelu},     // wide rows: column chunks
        {1, 3, 17, 40, 3, 3, 3, 2, 1, 1, 1, 1, 1, 1, 1, 3, false, false, kRelu6},      // stride 2x1
        {1, 3, 9, 37, 3, 5, 3, 1, 2, 2, 1, 3, 2, 2, 1, 3, true, false, kClampSumClamp},  // 5x3 s1x2 dilated rows
        {1, 4, 40, 37, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 4, true, true, kSum},          // 13 pixel blocks + tail
        {1, 3, 33, 34, 3, 3, 3, 2, 2, 1, 1, 0, 1, 1, 1, 3, true, false, kRelu6},       // s2, asymmetric pads
    };
    for (jit::Isa isa : kernel_test::f32_body_isas())
        for (const Case& c : cases) {
            INFO(describe(c) << " at " << jit::isa_name(isa));
            check_case(c, isa, rng);
        }
}

TEST_CASE("f32 conv JIT: the layout each geometry takes", "[kernels][f32]") {
    // Which path a conv takes decides its speed, not its results (the cases above
    // check those); this pins the choices the zoo models rely on.
    struct Expect {
        Case c;
        bool depthwise, per_group;
    };
    const std::vector<Expect> cases = {
        {{1, 32, 112, 112, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 32, true, false}, true, false},   // MobileNet dw
        {{1, 96, 112, 112, 96, 3, 3, 2, 2, 1, 1, 0, 0, 1, 1, 96, true, false}, true, false},   // dw s2
        {{1, 2048, 7, 7, 512, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, true, false}, false, false},    // res5 1x1
        {{1, 64, 56, 56, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, true, false}, false, false},     // res2 3x3
        {{1, 8, 9, 9, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 4, true, false}, false, true},         // groups
        {{1, 4, 9, 9, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 4, true, false}, false, true},          // dw x2
        {{1, 6, 13, 14, 6, 3, 3, 3, 3, 1, 1, 1, 1, 1, 1, 6, true, false}, false, true},        // dw stride 3
    };
    for (jit::Isa isa : kernel_test::f32_body_isas())
        for (const Expect& e : cases) {
            const Case& c = e.c;
            ConvF32Desc d;
            d.mb = c.mb; d.ic = c.ic; d.ih = c.ih; d.iw = c.iw; d.oc = c.oc;
            d.kh = c.kh; d.kw = c.kw; d.sh = c.sh; d.sw = c.sw; d.dh = c.dh; d.dw = c.dw;
            d.pt = c.pt; d.pl = c.pl; d.group = c.group;
            d.oh = out_size(c.ih, c.kh, c.sh, c.dh, c.pt, c.pb);
            d.ow = out_size(c.iw, c.kw, c.sw, c.dw, c.pl, c.pr);
            const std::vector<float> w(size_t(c.oc * (c.ic / c.group) * c.kh * c.kw), 0.5f);
            const ConvF32Kernel k(d, w.data(), isa);
            INFO(describe(c) << " at " << jit::isa_name(isa) << ": " << k.exec_type());
            CHECK(k.depthwise() == e.depthwise);
            CHECK(k.per_group() == e.per_group);
            CHECK((k.exec_type().find("_dw_") != std::string::npos) == e.depthwise);
        }
}
