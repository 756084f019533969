// The JIT direct int8 convolution (kernels/conv/jit_conv_kernel.hpp) against
// kernels::ref::conv_int8, bit for bit (memcmp), at every ISA: code is generated
// for all of them and executed where this CPU can (the [emu] lane runs the
// sweep under Bochs for the AVX-512 ones elsewhere). Source, destination and
// residual end at a PROT_NONE page, so a read or write past them crashes.
#include <catch2/catch.hpp>

#include <cstdint>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "ir/epilogue.hpp"
#include "jit/cpu.hpp"
#include "kernel_test_util.hpp"
#include "kernels/conv/jit_conv_kernel.hpp"
#include "kernels/conv/jit_pxfix_generator.hpp"
#include "kernels/conv/pack.hpp"
#include "kernels/conv/pxfix.hpp"
#include "kernels/conv/ref.hpp"
#include "kernels/registry.hpp"
#include "test/emu/emu_cases.hpp"

using namespace octet;
using namespace octet::kernels;
using ir::ElemType;
using ir::PostOp;
using jit::Isa;

namespace {

using GuardedBuffer = kernel_test::GuardedBytes;

constexpr Isa kIsas[] = {Isa::sse42, Isa::avx2, Isa::avx_vnni, Isa::avx512_core, Isa::avx512_core_vnni};


// Bytes biased toward the extremes (0, 255 / -128, 127) that saturate pmaddubsw.
std::vector<uint8_t> random_bytes(size_t n, std::mt19937& rng) {
    std::vector<uint8_t> v(n);
    std::uniform_int_distribution<int> any(0, 255), pick(0, 3);
    for (auto& b : v) {
        const int k = pick(rng);
        b = uint8_t(k == 0 ? 255 : k == 1 ? (any(rng) & 1 ? 0x80 : 0x7f) : any(rng));
    }
    return v;
}

// full: dense unsafe pairs (and -128); safe: |w| <= 64; sparse: safe plus a few
// unsafe pairs, always one in the last input channels (tails); zoo: like the
// zoo models, normal per output channel quantized symmetric to [-127, 127].
enum class Weights { full, safe, sparse, zoo };

const char* weights_name(Weights k) {
    return k == Weights::full ? "full" : k == Weights::safe ? "safe" : k == Weights::sparse ? "sparse" : "zoo";
}

std::vector<int8_t> random_weights(const ConvDesc& d, Weights kind, std::mt19937& rng) {
    const int64_t n = d.wei_elems(), icg = d.icg();
    std::vector<int8_t> w{}; w.resize(size_t(n));
    std::uniform_int_distribution<int> full(-128, 127), safe(-64, 64), pick(0, 4);
    if (kind == Weights::zoo) {
        std::normal_distribution<float> nd;
        const int64_t per_oc = n / d.oc;
        std::vector<float> f(static_cast<size_t>(per_oc), 0.f);
        for (int64_t o = 0; o < d.oc; ++o) {
            float m = 1e-6f;
            for (auto& x : f) m = std::max(m, std::fabs(x = nd(rng)));
            for (int64_t i = 0; i < per_oc; ++i) w[size_t(o * per_oc + i)] = int8_t(std::nearbyint(f[size_t(i)] / m * 127.f));
        }
        return w;
    }
    for (auto& x : w) {
        if (kind != Weights::full) x = int8_t(safe(rng));
        else { const int k = pick(rng); x = int8_t(k == 0 ? 127 : k == 1 ? -128 : full(rng)); }
    }
    if (kind == Weights::sparse && icg >= 2) {
        // A few unsafe pairs (1 in ~40 rows), the first row's in its last pair.
        const int64_t rows = n / icg, npairs = icg / 2;
        std::uniform_int_distribution<int64_t> rrow(0, rows - 1), rpair(0, npairs - 1);
        std::uniform_int_distribution<int> big(65, 127), sgn(0, 1);
        const int64_t count = std::max<int64_t>(1, rows / 40);
        for (int64_t i = 0; i < count; ++i) {
            const int64_t r = i == 0 ? rows - 1 : rrow(rng), pr = i == 0 ? npairs - 1 : rpair(rng);
            const int s = sgn(rng) ? 1 : -1;
            int a = big(rng), b = big(rng);
            if (s < 0 && pick(rng) == 0) a = 128;  // -128 too
            w[size_t(r * icg + 2 * pr)] = int8_t(s * a);
            w[size_t(r * icg + 2 * pr + 1)] = int8_t(s * b);
        }
    }
    return w;
}

std::vector<float> random_vec(int64_t n, float lo, float hi, std::mt19937& rng) {
    std::uniform_real_distribution<float> d(lo, hi);
    std::vector<float> v{}; v.resize(size_t(n));
    for (auto& x : v) x = d(rng);
    return v;
}

// Epilogue variants cycled over the sweep: every dst type, every post-op, both
// source types, zero points.
struct Config {
    ElemType src;
    int32_t zp;
    int variant;
};

ir::Epilogue make_epilogue(int variant, const ConvDesc& d, std::mt19937& rng) {
    ir::Epilogue e;
    const float k = 1.f / float(64 * d.icg() * d.kh * d.kw);
    switch (variant) {
    case 0:  // u8, per-channel scale + bias, relu
        e.scale = random_vec(d.oc, 0.5f * k * 64, 4.f * k * 64, rng);
        e.bias = random_vec(d.oc, -40.f, 40.f, rng);
        e.post_ops = {PostOp::relu()};
        e.dst_type = ElemType::u8;
        break;
    case 1:  // s8, clamp, out scale / shift
        e.scale = {3.f * k * 64};
        e.post_ops = {PostOp::clamp(-50.f, 90.f)};
        e.out_scale = random_vec(d.oc, 0.5f, 2.f, rng);
        e.out_shift = {1.5f};
        e.dst_type = ElemType::s8;
        break;
    case 2:  // raw s32
        e.dst_type = ElemType::s32;
        break;
    case 3:  // f32 with a f32 residual
        e.scale = random_vec(d.oc, 0.001f, 0.01f, rng);
        e.bias = random_vec(d.oc, -1.f, 1.f, rng);
        e.post_ops = {PostOp::sum(ElemType::f32, 0.75f)};
        e.dst_type = ElemType::f32;
        break;
    case 4:  // u8 residual, then relu
        e.scale = random_vec(d.oc, k * 64, 2.f * k * 64, rng);
        e.post_ops = {PostOp::sum(ElemType::u8, 0.5f, 3.f), PostOp::relu()};
        e.dst_type = ElemType::u8;
        break;
    case 6:  // u8, scale 1: most outputs far outside [0, 255], yet |v| < 2^30 (the packs saturate)
        e.scale = {1.f};
        e.bias = random_vec(d.oc, -1000.f, 1000.f, rng);
        e.post_ops = {PostOp::relu()};
        e.dst_type = ElemType::u8;
        break;
    case 7:  // s8, huge scales: v beyond int32, the clamps must stay
        e.scale = random_vec(d.oc, 1e4f, 1e5f, rng);
        e.dst_type = ElemType::s8;
        break;
    case 8:  // u8, a NaN and an infinite scale, relu: the clamps must stay
        e.scale = random_vec(d.oc, 0.5f * k * 64, 4.f * k * 64, rng);
        e.scale[0] = NAN;
        e.scale[size_t(d.oc - 1)] = INFINITY;
        e.post_ops = {PostOp::relu()};
        e.dst_type = ElemType::u8;
        break;
    case 9:   // u8, relu, then out scale >= 0 (zeros, -0) and out shift <= 0: the relu is left to the packs
    case 10:  // the same with shifts > 0 on some channels: there the relu must stay
    case 11:  // u8, clamp(0, 30) (a ReLU6) then out scale / shift <= 0: its max is left to the packs
    case 12:  // clamp(-5, 30) with shifts > 0 on some channels: its max must stay
    case 13: {  // clamp(-5, 30), shifts <= 0: its max is left to the packs
        e.scale = random_vec(d.oc, 0.5f * k * 64, 4.f * k * 64, rng);
        e.bias = random_vec(d.oc, -40.f, 40.f, rng);
        if (variant <= 10) e.post_ops = {PostOp::relu()};
        else e.post_ops = {PostOp::clamp(variant == 11 ? 0.f : -5.f, 30.f)};
        e.out_scale = random_vec(d.oc, 0.f, 2.f, rng);
        e.out_shift = random_vec(d.oc, -3.f, 0.f, rng);
        e.out_scale[0] = 0.f;
        if (d.oc > 1) e.out_scale[1] = -0.f;
        if (d.oc > 2) e.out_shift[2] = 0.f;
        if (d.oc > 3) e.out_shift[3] = -0.f;
        if (variant == 10 || variant == 12)
            for (size_t i = 0; i < e.out_shift.size(); i += 3) e.out_shift[i] = 2.5f;
        e.dst_type = ElemType::u8;
        break;
    }
    case 14:  // u8, relu, zero bias (some -0), out shift 0 (a ReLU layer's u8 Quantize): both adds left out
    case 15:  // s8, bias -0, out scale 1, out shifts ±0: only the scale stays
    case 16:  // u8 residual, clamp(-0, 30), zero bias, out scale 1, out shift -0
    case 17: {  // f32 dst, the same zero bias / unit scale / zero shift: the f32 chain keeps every op
        // Negative scales: an accumulator of 0 becomes -0, which only the adds of +0 turn into +0.
        e.scale = random_vec(d.oc, -2.f * k * 64, 3.f * k * 64, rng);
        e.bias.assign(size_t(d.oc), 0.f);
        for (size_t i = 0; i < e.bias.size(); i += 2) e.bias[i] = -0.f;
        if (variant == 14) {
            e.post_ops = {PostOp::relu()};
            e.out_scale = random_vec(d.oc, 0.5f, 2.f, rng);
            e.out_shift = {0.f};
            e.dst_type = ElemType::u8;
        } else if (variant == 15) {
            e.bias = {-0.f};
            e.out_scale = {1.f};
            e.out_shift.assign(size_t(d.oc), 0.f);
            for (size_t i = 1; i < e.out_shift.size(); i += 2) e.out_shift[i] = -0.f;
            e.dst_type = ElemType::s8;
        } else {
            if (variant == 16) e.post_ops = {PostOp::sum(ElemType::u8, 0.5f, 3.f), PostOp::clamp(-0.f, 30.f)};
            e.out_scale = {1.f};
            e.out_shift = {variant == 16 ? -0.f : 0.f};
            e.dst_type = variant == 16 ? ElemType::u8 : ElemType::f32;
        }
        break;
    }
    case 18:  // u8, clamp(0, 30) requantized by 255/30 (30 -> 255, a ReLU6's form): its min is left to the packs
    case 19:  // one channel's 30 x 8.45 = 253.5 < 255: the min must stay (values above 30 give 254)
    case 20: {  // s8, clamp(-8, 30), out scale 4.25, out shift -0.5 (30 -> 127): min left to the packs
        // Scales that take most accumulators above the clamp's top.
        e.scale = random_vec(d.oc, 2.f * k * 64, 8.f * k * 64, rng);
        e.bias = random_vec(d.oc, -5.f, 40.f, rng);
        e.post_ops = {PostOp::clamp(variant == 20 ? -8.f : 0.f, 30.f)};
        e.out_scale.assign(size_t(d.oc), variant == 20 ? 4.25f : 8.5f);
        if (variant == 19) e.out_scale[size_t(d.oc / 2)] = 8.45f;
        if (variant == 20) e.out_shift = {-0.5f};
        e.dst_type = variant == 20 ? ElemType::s8 : ElemType::u8;
        break;
    }
    default:  // s8 residual, s8 dst, out shift vector
        e.scale = {2.f * k * 64};
        e.bias = {5.f};
        e.post_ops = {PostOp::sum(ElemType::s8, 1.25f)};
        e.out_shift = random_vec(d.oc, -3.f, 3.f, rng);
        e.dst_type = ElemType::s8;
        break;
    }
    return e;
}

std::set<std::string>& executed() {
    static std::set<std::string> s;
    return s;
}

// Builds the kernel at `isa`; when the CPU runs it, compares it with the reference.
// weights: used instead of random ones when not empty; src_fill >= 0: every source byte.
void check(const ConvDesc& d, const Config& cfg, Weights wk, Isa isa, uint32_t seed,
           ConvJitPath path = ConvJitPath::automatic, const std::vector<int8_t>& weights = {}, int src_fill = -1) {
    std::mt19937 rng(seed);
    ConvProblem p;
    p.desc = d;
    p.src_type = cfg.src;
    p.src_zero_point = cfg.zp;
    p.weights = weights.empty() ? random_weights(d, wk, rng) : weights;
    p.epilogue = make_epilogue(cfg.variant, d, rng);
    INFO("conv " << to_string(d) << " isa " << jit::isa_name(isa) << " src " << ir::to_string(cfg.src) << " zp "
                 << cfg.zp << " variant " << cfg.variant << " weights " << weights_name(wk) << " path "
                 << int(path));

    std::string why;
    auto k = make_conv_jit_kernel(p, isa, why, path);
    INFO("declined: " << why);
    const conv_pack::PairStats st = conv_pack::analyze_pairs(d, p.weights.data());
    const bool unsafe = !jit::isa_has_vnni(isa) && st.unsafe > 0;
    if (path == ConvJitPath::s16) {
        // The 1x1 s16 matmul route: exactly the unpadded ungrouped 1x1 layers with unsafe pairs, no VNNI.
        const bool shape = d.kh == 1 && d.kw == 1 && d.g == 1 && d.ph == 0 && d.pw == 0 && d.ph_end <= 0 &&
                           d.pw_end <= 0 && d.mb * d.oh * d.ow > 1;
        REQUIRE(bool(k) == (unsafe && shape));
        if (!k) return;
        CHECK(k->exec_type() == std::string("jit_") + jit::exec_isa_tag(isa) + "_1x1_s16_I8");
    }
    REQUIRE(k);
    const std::string et = k->exec_type();
    const bool is_exact = et.find("_exact") != std::string::npos, is_fixup = et.find("_fixup") != std::string::npos;
    const bool is_s16 = et.find("_s16") != std::string::npos, is_pxfix = et.find("_pxfix") != std::string::npos;
    const bool is_wide = et.find("_wide") != std::string::npos;
    CHECK((is_exact || is_fixup || is_s16 || is_pxfix || is_wide) == unsafe);
    // Widened sources, sse42 / avx2: first layers in the kernel-row form (a few channels, kw > 1, no x
    // dilation) and flat 1x1 layers (stride 1, no padding), one group.
    const bool flat = d.kh == 1 && d.kw == 1 && d.sh == 1 && d.sw == 1 && d.ph == 0 && d.pw == 0 && d.oh == d.ih &&
                      d.ow == d.iw;
    const bool wide_shape = d.g == 1 && ((d.dw == 0 && d.ic % 4 != 0 && d.kw > 1 && d.kw * d.ic <= 64) || flat) &&
                            (isa == Isa::sse42 || isa == Isa::avx2);
    if (is_wide) CHECK(wide_shape);
    if (unsafe && path == ConvJitPath::wide) CHECK(is_wide == wide_shape);
    if (unsafe && path == ConvJitPath::fixup) CHECK(is_fixup);
    if (unsafe && path == ConvJitPath::pxfix) {
        // One group, sse42 / avx2, k×k from 16 input channels or over kernel rows of kw·ic
        // bytes (first layers): else the lists of the fixup.
        const bool rows = d.dw == 0 && d.ic % 4 != 0 && d.kw > 1 && d.kw * d.ic <= 64;
        const bool shape = d.g == 1 && (d.kh * d.kw == 1 || d.ic >= 16 || rows) && (isa == Isa::sse42 || isa == Isa::avx2);
        CHECK(is_pxfix == shape);
        CHECK(is_fixup == !shape);
        CHECK(!is_wide);
    }
    if (unsafe && path == ConvJitPath::exact) CHECK(is_exact);
    if (wk == Weights::safe && weights.empty()) CHECK(st.unsafe == 0);
    if (wk == Weights::sparse && d.icg() >= 2 && weights.empty()) CHECK(st.unsafe > 0);
    if (!jit::isa_supported(isa)) return;

    const size_t dsz = ir::elem_size(p.epilogue.dst_type);
    const PostOp* sum = p.epilogue.sum_op();
    const size_t rsz = sum ? ir::elem_size(sum->sum_type) : 0;
    auto src = random_bytes(size_t(d.src_elems()), rng);
    if (src_fill >= 0) std::fill(src.begin(), src.end(), uint8_t(src_fill));
    const std::vector<uint8_t> res = kernel_test::random_residual(p.epilogue, size_t(d.dst_elems()), rng, 20.f);
    std::vector<uint8_t> want(size_t(d.dst_elems()) * dsz);
    ref::conv_int8(d, cfg.src, src.data(), p.weights.data(), cfg.zp, p.epilogue, sum ? res.data() : nullptr,
                   want.data());

    GuardedBuffer gsrc(src.size()), gdst(want.size()), gres(res.size() ? res.size() : 1);
    std::memcpy(gsrc.data(), src.data(), src.size());
    if (sum) std::memcpy(gres.data(), res.data(), res.size());
    std::memset(gdst.data(), 0xa5, want.size());
    ConvArgs a{gsrc.data(), sum ? gres.data() : nullptr, gdst.data()};
    // Two ranges split at a random unit: any split gives the same bits.
    const int64_t n = k->work_units(), mid = std::uniform_int_distribution<int64_t>(0, n)(rng);
    k->run(a, 0, mid);
    k->run(a, mid, n);
    REQUIRE(std::memcmp(gdst.data(), want.data(), want.size()) == 0);
    executed().insert(jit::isa_name(isa));
    emu::note_case(isa, et);
}

const char* kSweep[] = {
    "mb2ic16ih7oc16oh7kh1ph0",              // 1×1 flat
    "mb1ic67ih5iw9oc67oh5ow9kh1kw1ph0pw0",        // 1×1 ic/oc tails
    "mb1ic5ih3iw31oc17oh3ow31kh1kw1ph0pw0",       // flat, pixel count tails
    "mb1ic32ih9oc24oh5kh1sh2ph0",           // strided 1×1
    "mb1ic16ih8oc32oh8kh3ph1",              // 3×3 pad 1
    "mb1ic64ih6oc72oh6kh3ph1",              // oc blocks + tail block
    "mb1ic3ih15iw15oc16oh8ow8kh7kw7sh2sw2ph3pw3",    // first layer
    "mb1ic3ih9iw38oc64oh5ow19kh7kw7sh2sw2ph3pw3",    // first layer, 64 oc, interior run: tail quads read 4 bytes
    "mb1ic1ih5iw21oc4oh5ow19kh3kw3ph0pw0",          // ic 1: 3 bytes past the pixel, up to the row's end
    "mb1ic5ih7iw13oc20oh4ow7kh3kw3sh2sw2ph1pw1",    // (kx, ic) quads: 15 bytes = 3 quads + 3, stride 2
    "mb1ic2ih6iw17oc8oh6ow17kh5kw5ph2pw2",          // (kx, ic) quads: 10 bytes = 2 quads + 2, pad 2
    "mb1ic8ih7iw9oc8oh6ow10kh3kw2ph1pw2",   // asymmetric padding
    "mb1ic8ih10oc12oh6kh3dh1ph0",           // dilation
    "mb1ic7ih9oc12oh9kh3dh1ph2",            // dilation + padding
    "g2mb1ic10ih6oc6oh6kh3ph1",             // groups, odd icg/ocg
    "g4mb1ic12ih5oc20oh5kh3ph1",            // groups icg 3, ocg 5
    "mb1ic4ih3iw23oc8oh3ow23kh3kw3ph1pw1",        // ow tails
    "mb1ic1ih6oc1oh6kh3ph1",                // ic 1, oc 1
    "mb1ic8ih8oc9oh3kh3sh2ph0",             // negative end padding
    "mb1ic2ih4iw40oc3oh2ow38kh3kw3ph0pw0",        // long row: the interior loop
    "mb1ic24ih7oc160oh7kh1ph0",             // batch 1, 7x7 flat: pixel chunks under 240, blocks 64+64+32
    "mb1ic16ih14oc20oh14kh1ph0",            // 14x14 flat, one narrow block: many small chunks
};

const Config kConfigs[] = {
    {ElemType::u8, 0, 0}, {ElemType::s8, 0, 1}, {ElemType::u8, 7, 2},
    {ElemType::s8, -3, 3}, {ElemType::u8, 0, 4}, {ElemType::s8, 5, 5},
};

}  // namespace

TEST_CASE("jit conv: bit-exact sweep at every ISA", "[kernels][conv][jit][emu]") {
    uint32_t seed = 1;
    size_t ci = 0;
    for (const char* s : kSweep) {
        const ConvDesc d = parse_conv_desc(s);
        for (int c = 0; c < 2; ++c, ++ci) {
            const Config& cfg = kConfigs[ci % (sizeof kConfigs / sizeof kConfigs[0])];
            for (Isa isa : emu::sweep_isas()) {
                for (Weights wk : {Weights::full, Weights::safe, Weights::sparse}) check(d, cfg, wk, isa, seed++);
                // The correction lists forced on dense unsafe weights (every unit corrected).
                if (c == 0) check(d, cfg, Weights::full, isa, seed++, ConvJitPath::fixup);
            }
        }
    }
    std::string list;
    for (const auto& s : executed()) list += " " + s;
    WARN("jit conv sweep executed natively at:" << list);
    CHECK(!executed().empty());
}

TEST_CASE("jit conv: every epilogue variant on one shape", "[kernels][conv][jit][emu]") {
    const ConvDesc d = parse_conv_desc("mb1ic13ih5iw7oc21oh5ow7kh3kw3ph1pw1");
    uint32_t seed = 1000;
    for (const Config& cfg : kConfigs)
        for (Isa isa : emu::sweep_isas())
            for (Weights wk : {Weights::full, Weights::safe, Weights::sparse}) check(d, cfg, wk, isa, seed++);
}

TEST_CASE("jit conv: grouped u8/s8 stores, outputs far outside the dst range", "[kernels][conv][jit][emu]") {
    // 64-channel blocks (AVX-512 packs a pixel's 4 vectors with saturating packs and
    // may leave the dst clamp to them): saturation both ways, the cases that keep the clamps, and
    // the floors (relu, clamp with lo <= 0) left to the packs through out_scale >= 0, out_shift <= 0.
    uint32_t seed = 3000;
    for (const char* s : {"mb1ic64ih6oc72oh6kh3ph1", "mb1ic24ih7oc160oh7kh1ph0", "mb1ic16ih9oc64oh5kh1sh2ph0"})
        for (const Config& cfg : {Config{ElemType::u8, 0, 6}, Config{ElemType::s8, 3, 7}, Config{ElemType::u8, 0, 8},
                                  Config{ElemType::u8, 0, 9}, Config{ElemType::s8, 0, 10}, Config{ElemType::u8, 0, 11},
                                  Config{ElemType::u8, 0, 12}, Config{ElemType::s8, 0, 13}})
            for (Isa isa : emu::sweep_isas()) check(parse_conv_desc(s), cfg, Weights::full, isa, seed++);
}

TEST_CASE("jit conv: zero bias / shift and unit out scale left out before integer dsts", "[kernels][conv][jit][emu]") {
    // Sparse weights and source zeros make many accumulators 0, so -0 reaches the skipped adds.
    uint32_t seed = 3500;
    for (const char* s : {"mb1ic64ih6oc72oh6kh3ph1", "mb1ic13ih5iw7oc21oh5ow7kh3kw3ph1pw1", "mb1ic24ih7oc160oh7kh1ph0"})
        for (const Config& cfg : {Config{ElemType::u8, 0, 14}, Config{ElemType::s8, 0, 15}, Config{ElemType::u8, 2, 16},
                                  Config{ElemType::s8, 0, 17}})
            for (Isa isa : emu::sweep_isas())
                for (int fill : {-1, 0}) check(parse_conv_desc(s), cfg, Weights::sparse, isa, seed++, ConvJitPath::automatic, {}, fill);
}

TEST_CASE("jit conv: a last clamp's ceiling left to the saturating packs or kept", "[kernels][conv][jit][emu]") {
    // Grouped u8/s8 stores (64-channel blocks on AVX-512, 16 on AVX2) and the per-vector ones.
    uint32_t seed = 3700;
    for (const char* s : {"mb1ic64ih6oc72oh6kh3ph1", "mb1ic24ih7oc160oh7kh1ph0", "mb1ic13ih5iw7oc21oh5ow7kh3kw3ph1pw1"})
        for (const Config& cfg : {Config{ElemType::u8, 0, 18}, Config{ElemType::s8, 0, 19}, Config{ElemType::u8, 0, 20}})
            for (Isa isa : emu::sweep_isas()) check(parse_conv_desc(s), cfg, Weights::full, isa, seed++);
}

TEST_CASE("jit conv: code generation at every ISA (executed where supported)", "[kernels][conv][jit]") {
    uint32_t seed = 5000;
    for (const char* s : {"mb1ic13ih5iw7oc21oh5ow7kh3kw3ph1pw1", "mb1ic5ih3iw31oc17oh3ow31kh1kw1ph0pw0"})
        for (Isa isa : kIsas)
            for (ConvJitPath path : {ConvJitPath::automatic, ConvJitPath::fixup, ConvJitPath::exact})
                check(parse_conv_desc(s), kConfigs[seed % 6], Weights::sparse, isa, seed++, path);
}

TEST_CASE("jit conv: sparse correction, fallback and zoo-like weights", "[kernels][conv][jit]") {
    // Correction at chosen places: tails (ic % 4, oc tail block, ow tails), groups, padding,
    // dilation, strides, flat 1×1; every path forced on the same problem.
    const char* shapes[] = {
        "mb1ic67ih5iw9oc67oh5ow9kh1kw1ph0pw0", "mb1ic5ih3iw31oc17oh3ow31kh1kw1ph0pw0",
        "mb1ic64ih6oc72oh6kh3ph1",             "g2mb1ic10ih6oc6oh6kh3ph1",
        "g4mb1ic12ih5oc20oh5kh3ph1",           "mb1ic3ih15iw15oc16oh8ow8kh7kw7sh2sw2ph3pw3",
        "mb1ic7ih9oc12oh9kh3dh1ph2",           "mb1ic8ih8oc9oh3kh3sh2ph0",
        "mb1ic2ih4iw40oc3oh2ow38kh3kw3ph0pw0", "mb1ic13ih5iw7oc21oh5ow7kh3kw3ph1pw1",
    };
    uint32_t seed = 9000;
    size_t ci = 0;
    for (const char* s : shapes) {
        const ConvDesc d = parse_conv_desc(s);
        for (Isa isa : emu::sweep_isas()) {
            for (ConvJitPath path : {ConvJitPath::automatic, ConvJitPath::fixup, ConvJitPath::exact})
                check(d, kConfigs[ci++ % 6], Weights::sparse, isa, seed++, path);
            check(d, kConfigs[ci++ % 6], Weights::zoo, isa, seed++);
            check(d, kConfigs[ci++ % 6], Weights::zoo, isa, seed++, ConvJitPath::fixup);
        }
    }
    // Dense unsafe weights: the automatic choice falls back to the split path.
    ConvProblem p;
    p.desc = parse_conv_desc("mb1ic16ih4oc16oh4kh3ph1");
    p.weights.assign(size_t(p.desc.wei_elems()), 100);
    p.epilogue.dst_type = ElemType::u8;
    std::string why;
    CHECK(make_conv_jit_kernel(p, Isa::avx2, why)->exec_type() == "jit_avx2_exact_I8");
    // One unsafe pair: the correction.
    p.weights.assign(size_t(p.desc.wei_elems()), 10);
    p.weights[5] = 100;
    p.weights[4] = 90;
    CHECK(make_conv_jit_kernel(p, Isa::avx2, why)->exec_type() == "jit_avx2_fixup_I8");
    CHECK(make_conv_jit_kernel(p, Isa::avx512_core, why)->exec_type() == "jit_avx512_fixup_I8");
    CHECK(make_conv_jit_kernel(p, Isa::avx512_core_vnni, why)->exec_type() == "jit_avx512_vnni_I8");
    // w_safe + d == w, every w_safe pair safe.
    std::mt19937 rng(3);
    const ConvDesc d = parse_conv_desc("mb1ic18ih4oc5oh4kh3ph1");
    const auto w = random_weights(d, Weights::full, rng);
    std::vector<int8_t> delta;
    const auto ws = conv_pack::safe_weights(d, w.data(), delta);
    for (size_t i = 0; i < w.size(); ++i) REQUIRE(int(ws[i]) + int(delta[i]) == int(w[i]));
    CHECK(conv_pack::analyze_pairs(d, ws.data()).unsafe == 0);
    CHECK(conv_pack::analyze_pairs(d, delta.data()).unsafe == 0);
    // The cost model's density without the lists equals the lists' own, at every vector width.
    for (const char* s : {"mb1ic18ih4oc5oh4kh3ph1", "g2mb1ic14ih5oc40oh5kh3ph1", "mb1ic67ih3oc67oh3kh1ph0"}) {
        const ConvDesc dd = parse_conv_desc(s);
        for (Weights wk : {Weights::full, Weights::sparse, Weights::zoo}) {
            const auto ww = random_weights(dd, wk, rng);
            const auto wsafe = conv_pack::safe_weights(dd, ww.data(), delta);
            for (int simd_w : {4, 8, 16})
                for (int nb : {1, 2}) {
                    const auto f = conv_pack::make_fixup(dd, delta.data(), nb * simd_w, simd_w, 100, 10);
                    CHECK(conv_pack::fixup_density(dd, ww.data(), nb * simd_w, simd_w) == f.density());
                }
        }
    }
}

// Unsafe pairs (±127, ±x) with excess 0, 42, 64, 99 or 126 (d = the excess on
// the 127), the rest small: the correction groups reach their s16 bound (Σ|d|
// = 128 per s16 lane: 2 × 64, 3 × 42 + ...), with sources at 255 the sums hit it.
std::vector<int8_t> bound_weights(const ConvDesc& d, std::mt19937& rng) {
    std::vector<int8_t> w(size_t(d.wei_elems()));
    const int xs[] = {1, 43, 65, 100, 127};
    std::uniform_int_distribution<int> pick(0, 11), small(-20, 20);
    for (size_t i = 0; i + 1 < w.size(); i += 2) {
        const int k = pick(rng), sign = (rng() & 1) ? 1 : -1;
        if (k >= 5) {
            w[i] = int8_t(small(rng));
            w[i + 1] = int8_t(small(rng));
        } else {
            w[i + (rng() & 1)] = int8_t(sign * 127);
            w[i + (w[i] ? 1 : 0)] = int8_t(sign * xs[k]);
        }
    }
    if (w.size() % 2) w.back() = 127;
    return w;
}

TEST_CASE("jit conv: grouped corrections at the s16 bound", "[kernels][conv][jit][emu]") {
    // The lists: every entry in one group, no group over its s16 budget, groups of 2 and 3 formed.
    std::mt19937 rng(11);
    int64_t groups[conv_pack::kFixupMaxGroup] = {};
    for (const char* s : {"mb1ic16ih6oc16oh6kh3ph1", "mb1ic67ih3oc40oh3kh1ph0", "g2mb1ic14ih5oc40oh5kh3ph1"}) {
        const ConvDesc d = parse_conv_desc(s);
        const auto w = bound_weights(d, rng);
        std::vector<int8_t> delta;
        conv_pack::safe_weights(d, w.data(), delta);
        for (int simd_w : {4, 8, 16})
            for (int nb : {1, 2})
                for (int max_group : {1, 2, 3}) {
                    const auto f = conv_pack::make_fixup(d, delta.data(), nb * simd_w, simd_w, 100, 10, max_group);
                    int64_t entries = 0;
                    for (int k = 0; k < conv_pack::kFixupMaxGroup; ++k) {
                        const conv_pack::FixupList& L = f.list[k];
                        REQUIRE(int64_t(L.src_off.size()) == L.groups * (k + 1));
                        if (k >= max_group) CHECK(L.groups == 0);
                        entries += L.groups * (k + 1);
                        const auto* dv = reinterpret_cast<const int8_t*>(L.dvec.data());
                        for (int64_t g = 0; g < L.groups; ++g)
                            for (int sl = 0; sl < 2 * simd_w; ++sl) {
                                int budget = 0;
                                for (int e = 0; e <= k; ++e) {
                                    const int8_t* v = dv + ((g * (k + 1) + e) * simd_w * 4);
                                    budget += std::abs(int(v[2 * sl])) + std::abs(int(v[2 * sl + 1]));
                                }
                                REQUIRE(budget <= 128);
                            }
                    }
                    CHECK(entries == f.entries);
                    if (max_group == 3)
                        for (int k = 0; k < conv_pack::kFixupMaxGroup; ++k) groups[k] += f.list[k].groups;
                }
    }
    CHECK(groups[1] > 0);
    CHECK(groups[2] > 0);
    // Bit-exact with every source byte at 255 (s8: 127, shifted to 255), forced fixup.
    uint32_t seed = 12000;
    for (const char* s : {"mb1ic16ih6oc16oh6kh3ph1", "mb1ic64ih5oc24oh5kh3ph1", "mb1ic67ih3iw5oc40oh3ow5kh1kw1ph0pw0",
                          "g2mb1ic14ih5oc40oh5kh3ph1", "mb1ic32ih9oc24oh5kh1sh2ph0", "mb1ic13ih5iw7oc21oh5ow7kh3kw3ph1pw1"}) {
        const ConvDesc d = parse_conv_desc(s);
        const auto w = bound_weights(d, rng);
        for (Isa isa : emu::sweep_isas()) {
            check(d, Config{ElemType::u8, 0, 3}, Weights::full, isa, seed++, ConvJitPath::fixup, w, 255);
            check(d, Config{ElemType::s8, 0, 4}, Weights::full, isa, seed++, ConvJitPath::fixup, w, 127);
            check(d, Config{ElemType::u8, 0, 9}, Weights::full, isa, seed++, ConvJitPath::fixup, w, 255);
            check(d, Config{ElemType::s8, -3, 5}, Weights::full, isa, seed++, ConvJitPath::fixup, w);
        }
    }
}

TEST_CASE("jit conv: wide first layers (u16 sources, s16 weights) at sse42 and avx2", "[kernels][conv][jit]") {
    // The kernel-row form's shapes: channel counts 1-7, kw·ic from 3 to 63 bytes
    // (odd counts: a half pair at the end of a row), strides, padding on every
    // side, dilation in y, batches, tails of oc and ow.
    const char* shapes[] = {
        "mb1ic3ih15iw15oc16oh8ow8kh7kw7sh2sw2ph3pw3",  // ResNet-50's conv1, small
        "mb1ic3ih9iw38oc64oh5ow19kh7kw7sh2sw2ph3pw3",  // 64 oc, a long interior run
        "mb2ic3ih16iw16oc32oh8ow8kh3kw3sh2sw2ph0pw0",  // MobileNetV2's conv1 (TF padding: right / bottom only)
        "mb1ic3ih17iw17oc24oh9ow9kh3kw3sh2sw2ph1pw1",
        "mb1ic3ih8iw11oc8oh4ow6kh3kw3sh2sw2ph0pw1",
        "mb1ic1ih5iw21oc4oh5ow19kh3kw3ph0pw0",  // 3 bytes a row: one pair and a half
        "mb1ic5ih7iw13oc20oh4ow7kh3kw3sh2sw2ph1pw1",
        "mb1ic2ih6iw17oc8oh6ow17kh5kw5ph2pw2",
        "mb1ic3ih12iw10oc8oh8ow8kh3kw3dh1ph1pw1",  // dilation in y
        "mb1ic7ih9iw9oc12oh9ow9kh3kw3ph1pw1",
        "mb1ic6ih6iw30oc40oh6ow30kh5kw5ph2pw2",
        "mb1ic9ih5iw9oc8oh5ow9kh7kw7ph3pw3",   // 63 bytes a row
        "mb1ic3ih6iw6oc3oh6ow6kh2kw2ph1pw1",   // even kernel, oc 3
        // Flat 1x1 layers: channel tails (a half pair at K = 3, 5, 67), pixel counts off the
        // register blocks, chunks under 240 pixels, several channel blocks, batches.
        "mb2ic16ih7oc16oh7kh1ph0",
        "mb1ic67ih5iw9oc67oh5ow9kh1kw1ph0pw0",
        "mb1ic5ih3iw31oc17oh3ow31kh1kw1ph0pw0",
        "mb1ic24ih7oc160oh7kh1ph0",
        "mb1ic16ih14oc20oh14kh1ph0",
        "mb1ic3ih20oc8oh20kh1ph0",
    };
    uint32_t seed = 900;
    int ci = 0, wide = 0;
    for (Isa isa : {Isa::sse42, Isa::avx2, Isa::avx512_core})
        for (const char* sh : shapes) {
            const ConvDesc d = parse_conv_desc(sh);
            for (ConvJitPath path : {ConvJitPath::wide, ConvJitPath::automatic}) {
                check(d, kConfigs[ci++ % 6], Weights::full, isa, seed++, path);
                check(d, kConfigs[ci++ % 6], Weights::zoo, isa, seed++, path);
            }
            // Saturation extremes: every source byte 255 (127 for s8), every pair (127, 126)
            // or (-128, -127): 255·253 and 255·255 overflow s16 in the fast chain.
            std::vector<int8_t> w(size_t(d.wei_elems())), wn(w.size());
            for (size_t i = 0; i < w.size(); ++i) {
                w[i] = int8_t(i % 2 ? 126 : 127);
                wn[i] = int8_t(i % 2 ? -127 : -128);
            }
            check(d, Config{ElemType::u8, 0, 0}, Weights::full, isa, seed++, ConvJitPath::wide, w, 255);
            check(d, Config{ElemType::s8, 0, 4}, Weights::full, isa, seed++, ConvJitPath::wide, wn, 127);
            check(d, Config{ElemType::u8, 0, 2}, Weights::full, isa, seed++, ConvJitPath::wide, wn, 255);
            std::string why;
            ConvProblem p;
            p.desc = d;
            p.weights = w;
            p.epilogue.dst_type = ElemType::s32;
            auto k = make_conv_jit_kernel(p, isa, why, ConvJitPath::wide);
            REQUIRE(k);
            wide += k->exec_type().find("_wide") != std::string::npos;
        }
    // sse42 and avx2 on every shape with pairs (ic 1 has none: the fast chain), never avx512_core.
    CHECK(wide == 2 * (int(sizeof shapes / sizeof shapes[0]) - 1));

    // One job widens each input row (flat: pixel chunk) once and reuses it on the
    // thread; a new job with new source bytes must not read the rows of the last one.
    for (const char* sh : {"mb2ic3ih10iw12oc16oh5ow6kh3kw3sh2sw2ph1pw1", "mb2ic7ih10iw12oc40oh10ow12kh1kw1ph0pw0"})
    for (Isa isa : {Isa::sse42, Isa::avx2}) {
        const ConvDesc d = parse_conv_desc(sh);
        std::mt19937 rng(77);
        ConvProblem p;
        p.desc = d;
        p.weights = random_weights(d, Weights::full, rng);
        p.epilogue.dst_type = ElemType::s32;
        if (!jit::isa_supported(isa)) continue;
        std::string why;
        auto k = make_conv_jit_kernel(p, isa, why, ConvJitPath::wide);
        REQUIRE(k);
        REQUIRE(k->exec_type().find("_wide") != std::string::npos);
        std::vector<uint8_t> src(size_t(d.src_elems()));
        std::vector<int32_t> got(size_t(d.dst_elems())), want(got.size());
        for (uint64_t job = 1; job <= 3; ++job) {
            for (auto& x : src) x = uint8_t(rng());
            ref::conv_int8(d, ElemType::u8, src.data(), p.weights.data(), 0, p.epilogue, nullptr, want.data());
            ConvArgs a{src.data(), nullptr, got.data()};
            a.job = job;
            const int64_t n = k->work_units();
            for (int64_t u = n - 1; u >= 0; --u) k->run(a, u, u + 1);  // one unit per call, rows reused
            CHECK(got == want);
        }
    }
}

TEST_CASE("jit conv: 1x1 s16 matmul route at every ISA", "[kernels][conv][jit]") {
    // Flat and strided 1x1 (the gathered A rows), ic/oc tails, odd ic (a zero-padded
    // k group), pixel counts off the 4-row blocks, batch 2, a single-pixel output
    // (declines), padding and groups (decline); dense unsafe pairs with the 255 /
    // -128 / 127 extremes, sparse and zoo-like weights, every epilogue variant.
    const char* shapes[] = {
        "mb2ic16ih7oc16oh7kh1ph0",
        "mb1ic67ih5iw9oc67oh5ow9kh1kw1ph0pw0",
        "mb1ic5ih3iw31oc17oh3ow31kh1kw1ph0pw0",
        "mb1ic3ih3iw3oc9oh3ow3kh1kw1ph0pw0",
        "mb1ic32ih9oc24oh5kh1sh2ph0",
        "mb2ic33ih7iw9oc40oh4ow5kh1kw1sh2sw2ph0pw0",
        "mb1ic64ih14oc72oh7kh1sh2ph0",
        "mb1ic24ih8iw10oc20oh3ow4kh1kw1sh3sw3ph0pw0",
        "mb1ic24ih7oc160oh7kh1ph0",
        "mb1ic8ih1oc8oh1kh1ph0",
        "mb1ic8ih4oc8oh6kh1ph1",
        "g2mb1ic16ih4oc16oh4kh1ph0",
        "mb1ic64ih41oc40oh41kh1ph0",                    // 1681 rows: 2 row panels of split A, the last partial
        "mb2ic72ih60iw50oc24oh30ow25kh1kw1sh2sw2ph0pw0",  // strided, 2 images, panels across the images
    };
    uint32_t seed = 20000;
    size_t ci = 0;
    for (const char* s : shapes) {
        const ConvDesc d = parse_conv_desc(s);
        for (Isa isa : kIsas)
            for (Weights wk : {Weights::full, Weights::sparse, Weights::zoo, Weights::safe})
                check(d, kConfigs[ci++ % 6], wk, isa, seed++, ConvJitPath::s16);
    }
    // The registry: dense unsafe pairs on a strided 1x1 go to s16 without VNNI (a flat one to the
    // direct kernel's wide path, cheaper still); a sparse correction stays on the direct kernel,
    // pixel-lane (the s16 candidate declines with the cost model's figures).
    ConvProblem p;
    p.desc = parse_conv_desc("mb1ic64ih16oc64oh8kh1sh2ph0");
    p.weights.assign(size_t(p.desc.wei_elems()), 100);
    p.epilogue.dst_type = ElemType::u8;
    CHECK(create_conv_kernel(p, Isa::avx2)->exec_type() == "jit_avx2_1x1_s16_I8");
    CHECK(create_conv_kernel(p, Isa::sse42)->exec_type() == "jit_sse42_1x1_s16_I8");
    CHECK(create_conv_kernel(p, Isa::avx512_core_vnni)->exec_type() == "jit_avx512_vnni_1x1_I8");
    const ConvJitCosts dense = conv_jit_costs(p, Isa::avx2);
    CHECK(dense.unsafe);
    CHECK(dense.density == 1.0);
    CHECK(dense.best == ConvJitPath::s16);
    CHECK(dense.wide == 0.0);
    p.desc = parse_conv_desc("mb1ic64ih8oc64oh8kh1ph0");
    CHECK(create_conv_kernel(p, Isa::avx2)->exec_type() == "jit_avx2_1x1_wide_I8");
    CHECK(create_conv_kernel(p, Isa::sse42)->exec_type() == "jit_sse42_1x1_wide_I8");
    const ConvJitCosts flat = conv_jit_costs(p, Isa::avx2);
    CHECK(flat.best == ConvJitPath::wide);
    CHECK(flat.wide < flat.s16);
    p.weights.assign(size_t(p.desc.wei_elems()), 10);
    p.weights[5] = 100;
    p.weights[4] = 90;
    DeclineLog declined;
    CHECK(create_conv_kernel(p, Isa::avx2, &declined)->exec_type() == "jit_avx2_1x1_pxfix_I8");
    const ConvJitCosts sparse = conv_jit_costs(p, Isa::avx2);
    CHECK(sparse.best == ConvJitPath::pxfix);
    CHECK(sparse.pxfix < sparse.fixup);
    bool logged = false;
    for (const auto& line : declined) logged |= line.rfind("jit_1x1_s16_I8: cost model", 0) == 0;
    CHECK(logged);
    CHECK(!conv_jit_costs(p, Isa::avx512_core_vnni).unsafe);
}

TEST_CASE("jit conv: names, exact path selection and declines", "[kernels][conv][jit]") {
    ConvProblem p;
    p.desc = parse_conv_desc("mb1ic8ih4oc8oh4kh1ph0");
    p.weights.assign(size_t(p.desc.wei_elems()), 10);
    p.epilogue.dst_type = ElemType::u8;
    std::string why;
    auto k = make_conv_jit_kernel(p, Isa::avx2, why);
    REQUIRE(k);
    CHECK(k->exec_type() == "jit_avx2_1x1_I8");
    CHECK(k->name().rfind("conv_avx2_1x1_u8s8u8_", 0) == 0);
    // 100 + 100 > 128, same sign: unsafe, so an exact path; VNNI stays plain. On a flat 1x1 layer
    // the cost model puts the widened source (1.18x) before a full correction (1.7x) and the split
    // weights (2x).
    p.weights.assign(size_t(p.desc.wei_elems()), 100);
    CHECK(make_conv_jit_kernel(p, Isa::avx2, why)->exec_type() == "jit_avx2_1x1_wide_I8");
    CHECK(make_conv_jit_kernel(p, Isa::avx2, why, ConvJitPath::fixup)->exec_type() == "jit_avx2_1x1_fixup_I8");
    CHECK(make_conv_jit_kernel(p, Isa::avx2, why, ConvJitPath::exact)->exec_type() == "jit_avx2_1x1_exact_I8");
    CHECK(make_conv_jit_kernel(p, Isa::sse42, why, ConvJitPath::exact)->exec_type() == "jit_sse42_1x1_exact_I8");
    CHECK(make_conv_jit_kernel(p, Isa::sse42, why, ConvJitPath::fixup)->exec_type() == "jit_sse42_1x1_fixup_I8");
    CHECK(make_conv_jit_kernel(p, Isa::avx512_core_vnni, why)->exec_type() == "jit_avx512_vnni_1x1_I8");
    CHECK(make_conv_jit_kernel(p, Isa::avx_vnni, why)->exec_type() == "jit_avx_vnni_1x1_I8");
    // Opposite signs are safe whatever their size.
    for (size_t i = 0; i < p.weights.size(); ++i) p.weights[i] = int8_t(i % 2 ? -128 : 127);
    CHECK(make_conv_jit_kernel(p, Isa::avx512_core, why)->exec_type() == "jit_avx512_1x1_I8");

    ConvProblem dw;
    dw.desc = parse_conv_desc("g8mb1ic8ih4oc8oh4kh3ph1");
    dw.weights.assign(size_t(dw.desc.wei_elems()), 1);
    CHECK(!make_conv_jit_kernel(dw, Isa::avx2, why));
    CHECK(why.find("depthwise") != std::string::npos);

    ConvProblem c3;
    c3.desc = parse_conv_desc("mb1ic8ih4oc8oh4kh3ph1");
    c3.weights.assign(size_t(c3.desc.wei_elems()), 1);
    c3.epilogue.dst_type = ElemType::u8;
    auto r = create_conv_kernel(c3, Isa::avx2);
    CHECK(r->exec_type() == "jit_avx2_I8");
}

TEST_CASE("jit conv: pair safety rule", "[kernels][conv][jit]") {
    CHECK(conv_pack::pair_safe(64, 64));
    CHECK(!conv_pack::pair_safe(64, 65));
    CHECK(conv_pack::pair_safe(-128, 0));
    CHECK(conv_pack::pair_safe(-128, 127));
    CHECK(!conv_pack::pair_safe(-100, -29));
    CHECK(conv_pack::pair_safe(-100, -28));
    // The rule is exactly "no u8 pair can leave s16": check it exhaustively at the corners.
    for (int w0 = -128; w0 < 128; ++w0)
        for (int w1 = -128; w1 < 128; ++w1) {
            const int hi = 255 * (std::max(w0, 0) + std::max(w1, 0));
            const int lo = 255 * (std::min(w0, 0) + std::min(w1, 0));
            REQUIRE(conv_pack::pair_safe(w0, w1) == (hi <= 32767 && lo >= -32768));
        }
    // The 16-pair block scan agrees with it for every pair at every position of a safe block.
    int8_t block[32];
    for (int w0 = -128; w0 < 128; ++w0)
        for (int w1 = -128; w1 < 128; ++w1)
            for (int pos = 0; pos < 16; pos += (w0 + w1) % 5 == 0 ? 1 : 5) {
                for (int i = 0; i < 32; ++i) block[i] = int8_t(i % 2 ? -64 : 64 + i);  // safe pairs
                block[2 * pos] = int8_t(w0);
                block[2 * pos + 1] = int8_t(w1);
                REQUIRE(kernels::u8s8_any_unsafe16(block) == !conv_pack::pair_safe(w0, w1));
            }
}

TEST_CASE("jit conv: ResNet-50 layers at the best ISA", "[kernels][conv][jit]") {
    if (emu::in_emu_lane()) {
        WARN("skipped in the emu lane (full-size layers; native runs check them)");
        return;
    }
    std::ifstream f(std::string(OCTET_SOURCE_DIR) + "/../shared/data/benchdnn/conv_shapes_resnet_50");
    REQUIRE(f);
    std::string line;
    std::vector<ConvDesc> layers;
    while (std::getline(f, line)) {
        if (line.empty() || line[0] == '#' || line[0] == '-') continue;
        ConvDesc d = parse_conv_desc(line.substr(0, line.find(' ')));
        d.mb = 1;
        layers.push_back(d);
    }
    REQUIRE(layers.size() > 10);
    const Isa isa = jit::best_isa();
    // conv1, the first 3×3, a strided 1×1, the 7×7-pixel layers: every kind of the net.
    const size_t picks[] = {0, 1, 3, 5, 6, layers.size() - 2, layers.size() - 1};
    uint32_t seed = 77;
    for (size_t i : picks) {
        check(layers[i], {ElemType::u8, 0, 0}, Weights::full, isa, seed++);
        check(layers[i], {ElemType::s8, 0, 0}, Weights::safe, isa, seed++);
    }
}

TEST_CASE("jit conv: pixel-lane correction (pxfix) at sse42 and avx2", "[kernels][conv][jit]") {
    std::mt19937 rng(31);
    // The transpose and the generated correction against their references: odd k (a
    // zero-padded pair), k past 16-byte steps, pixel counts off the blocks, s8 shift.
    for (int lanes : {4, 8})
        for (int64_t k : {int64_t(1), int64_t(7), int64_t(16), int64_t(33), int64_t(64), int64_t(150)})
            for (int64_t npix : {int64_t(1), int64_t(5), int64_t(8), int64_t(13), int64_t(40)})
                for (bool x80 : {false, true}) {
                    const int oc_block = 2 * lanes;
                    const int64_t oc = 3 * oc_block - 3;
                    INFO("lanes " << lanes << " k " << k << " npix " << npix << " xor80 " << x80);
                    std::vector<int8_t> delta(size_t(oc * k), 0);
                    std::uniform_int_distribution<int> dv(-128, 127), pick(0, 9);
                    for (auto& x : delta)
                        if (pick(rng) == 0) x = int8_t(dv(rng));
                    delta[size_t(oc * k - 1)] = -128;  // the last channel of the last column
                    const conv_pack::PxFix f = conv_pack::make_pxfix(delta.data(), oc, 1, k, oc_block, lanes);
                    REQUIRE(f.col.size() == size_t(3 * oc_block + 1));
                    const int64_t stride = k + 3, npb = (npix + lanes - 1) / lanes;
                    GuardedBuffer src(size_t((npix - 1) * stride + k));
                    for (size_t i = 0; i < src.size(); ++i) src.data()[i] = uint8_t(rng());
                    AlignedBuffer at(size_t(npb * f.pb_bytes()));
                    std::memset(at.data(), 0xcd, at.size());
                    conv_pack::transpose_pairs(f, src.data(), stride, npix, x80, reinterpret_cast<uint32_t*>(at.data()));
                    {
                        // The same with the tail group read whole where 16 bytes are readable
                        // after each pixel's last 16-byte step (the guard page ends the buffer).
                        const int64_t readable = (k + 15) / 16 * 16;
                        GuardedBuffer wide(size_t((npix - 1) * stride + readable));
                        std::memcpy(wide.data(), src.data(), src.size());
                        for (size_t i = src.size(); i < wide.size(); ++i) wide.data()[i] = 0xee;
                        AlignedBuffer at2(at.size());
                        std::memset(at2.data(), 0xcd, at2.size());
                        conv_pack::transpose_pairs(f, wide.data(), stride, npix, x80, reinterpret_cast<uint32_t*>(at2.data()),
                                                   0, readable);
                        REQUIRE(std::memcmp(at.data(), at2.data(), at.size()) == 0);
                    }
                    const auto* atw = reinterpret_cast<const uint32_t*>(at.data());
                    for (int64_t p = 0; p < npb * lanes; ++p)
                        for (int64_t kp = 0; kp < f.kp_pad; ++kp) {
                            auto byte = [&](int64_t c) -> uint32_t {
                                if (p >= npix || c >= k) return 0;
                                return uint32_t(src.data()[p * stride + c] ^ (x80 ? 0x80 : 0));
                            };
                            const uint32_t want = byte(2 * kp) | byte(2 * kp + 1) << 16;
                            REQUIRE(atw[((p / lanes) * f.kp_pad + kp) * lanes + p % lanes] == want);
                        }
                    for (Isa isa : {Isa::sse42, Isa::avx2}) {
                        if (jit::isa_simd_width(isa) != lanes) continue;
                        pxfix_jit::Conf c;
                        c.isa = isa;
                        c.oc_block = oc_block;
                        c.pb_bytes = f.pb_bytes();
                        c.name = "pxfix_test";
                        auto g = pxfix_jit::make_pxfix_generator(c);
                        if (!jit::isa_supported(isa)) continue;
                        auto fn = g->function<void(const pxfix_jit::CallArgs*)>();
                        for (int64_t ob = 0; ob < 3; ++ob) {
                            std::vector<int32_t> want(size_t(npb * lanes * oc_block)), got(want.size(), 7);
                            conv_pack::pxfix_ref(f, atw, npb, ob, want.data());
                            pxfix_jit::CallArgs a{at.data(), npb, f.ent.data(), f.col.data() + ob * oc_block, got.data()};
                            fn(&a);
                            REQUIRE(got == want);
                        }
                    }
                }
    // Whole layers, forced: flat and strided 1x1 (row units), ic / oc / pixel tails,
    // odd ic, batch 2, one pixel, a padded 1x1; k×k with padding (asymmetric,
    // negative end), stride, dilation, ic tails; grouped layers and k×k under 16
    // input channels fall back to the fixup.
    const char* shapes[] = {
        "mb2ic16ih7oc16oh7kh1ph0",
        "mb1ic67ih5iw9oc67oh5ow9kh1kw1ph0pw0",
        "mb1ic5ih3iw31oc17oh3ow31kh1kw1ph0pw0",
        "mb1ic32ih9oc24oh5kh1sh2ph0",
        "mb2ic33ih7iw9oc40oh4ow5kh1kw1sh2sw2ph0pw0",
        "mb1ic24ih7oc160oh7kh1ph0",
        "mb1ic64ih41oc40oh41kh1ph0",
        "mb1ic8ih1oc8oh1kh1ph0",
        "mb1ic3ih3iw3oc9oh3ow3kh1kw1ph0pw0",
        "mb1ic8ih4oc8oh6kh1ph1",
        "g2mb1ic16ih4oc16oh4kh1ph0",
        "mb1ic16ih6oc16oh6kh3ph1",
        "mb2ic24ih9iw11oc40oh9ow11kh3kw3ph1pw1",
        "mb1ic33ih8iw9oc20oh6ow10kh3kw2ph1pw2",
        "mb1ic16ih8oc24oh3kh3sh2ph0",
        "mb1ic19ih10oc12oh6kh3dh1ph0",
        "mb1ic17ih9oc9oh9kh3dh1ph2",
        "mb1ic64ih7iw23oc72oh4ow12kh3kw3sh2sw2ph1pw1",
        "mb1ic8ih6oc8oh6kh3ph1",
        // Stride 1 in x: the image layout (x dilation, wide pw, row strides, ow not a multiple of 8).
        "mb1ic16ih7iw13oc24oh7ow9kh3kw3dw1ph1pw0",
        "mb2ic48ih5iw20oc8oh5ow20kh3kw5ph1pw2",
        "mb1ic16ih9iw9oc16oh4ow9kh3kw3sh2sw1ph0pw1",
        "mb1ic32ih6iw3oc40oh6ow3kh3kw3ph1pw1",
        // First layers: pxfix over kernel rows of kw·ic bytes (edges copied with zeros).
        "mb1ic3ih23oc16oh12kh7sh2ph3",
        "mb1ic3ih17oc32oh9kh3sh2ph1",
        "mb2ic5ih9iw13oc20oh9ow13kh3kw5ph1pw2",
        "mb1ic6ih8iw10oc12oh4ow5kh3kw3sh2sw2ph1pw1",
        "mb1ic3ih11iw12oc9oh5ow4kh2kw3sh2sw3dh1ph1pw0",
        "mb1ic7ih6iw9oc8oh6ow9kh1kw3ph0pw1",
    };
    uint32_t seed = 31000;
    size_t ci = 0;
    for (const char* s : shapes) {
        const ConvDesc d = parse_conv_desc(s);
        for (Isa isa : {Isa::sse42, Isa::avx2})
            for (Weights wk : {Weights::full, Weights::sparse, Weights::zoo}) {
                check(d, kConfigs[ci % 6], wk, isa, seed++, ConvJitPath::pxfix);
                ++ci;
            }
    }
    // Every source byte at 255 (s8: 127) against weights at the correction's bounds.
    for (const char* s : {"mb1ic67ih3iw5oc40oh3ow5kh1kw1ph0pw0", "mb1ic32ih9oc24oh5kh1sh2ph0",
                          "mb1ic21ih5iw7oc24oh5ow7kh3kw3ph1pw1", "mb1ic3ih15oc24oh8kh7sh2ph3"}) {
        const ConvDesc d = parse_conv_desc(s);
        std::vector<int8_t> w(size_t(d.wei_elems()));
        for (size_t i = 0; i < w.size(); ++i) w[i] = int8_t(i % 3 == 0 ? -128 : i % 3 == 1 ? -128 : 127);
        for (Isa isa : {Isa::sse42, Isa::avx2}) {
            check(d, Config{ElemType::u8, 0, 3}, Weights::full, isa, seed++, ConvJitPath::pxfix, w, 255);
            check(d, Config{ElemType::s8, 0, 4}, Weights::full, isa, seed++, ConvJitPath::pxfix, w, 127);
        }
    }
}

TEST_CASE("jit conv: the cost model answers once per problem inside a scope", "[kernels][conv][jit]") {
    ConvProblem a, b;
    a.desc = b.desc = parse_conv_desc("mb1ic64ih8oc64oh8kh1ph0");
    a.weights.assign(size_t(a.desc.wei_elems()), 100);  // every pair unsafe
    b.weights.assign(size_t(b.desc.wei_elems()), 1);    // every pair safe
    a.epilogue.dst_type = b.epilogue.dst_type = ElemType::u8;
    const ConvJitCosts fresh = conv_jit_costs(a, Isa::avx2);
    CHECK(fresh.unsafe);
    {
        const ConvJitCostsScope scope(a);
        CHECK(conv_jit_costs(a, Isa::avx2).why == fresh.why);
        CHECK_FALSE(conv_jit_costs(b, Isa::avx2).unsafe);  // another problem: its own answer
        CHECK(conv_jit_costs(a, Isa::avx2).why == fresh.why);
        CHECK_FALSE(conv_jit_costs(a, Isa::avx512_core_vnni).unsafe);  // per ISA
        {
            const ConvJitCostsScope inner(b);
            CHECK_FALSE(conv_jit_costs(b, Isa::avx2).unsafe);
            CHECK(conv_jit_costs(a, Isa::avx2).unsafe);
        }
        CHECK(conv_jit_costs(a, Isa::avx2).why == fresh.why);
    }
    CHECK(create_conv_kernel(a, Isa::avx2)->exec_type() == "jit_avx2_1x1_wide_I8");
}
