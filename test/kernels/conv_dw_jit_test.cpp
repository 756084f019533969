// The JIT int8 depthwise convolution: bit-exact (memcmp) with the reference
// kernels/conv/ref.hpp over channel tails, 3x3/5x5, strides, asymmetric pads,
// dilation, u8/s8 sources with zero points, every dst type and post-op, with a
// PROT_NONE page right after src, residual and dst to catch any access past them.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "../emu/emu_cases.hpp"
#include "ir/error.hpp"
#include "jit/cpu.hpp"
#include "kernel_test_util.hpp"
#include "kernels/conv/desc.hpp"
#include "kernels/conv/jit_dw_generator.hpp"
#include "kernels/conv/jit_dw_kernel.hpp"
#include "kernels/conv/ref.hpp"

using namespace octet;
using namespace octet::kernels;
using ir::ElemType;
using jit::Isa;

namespace {

using GuardedBuffer = kernel_test::GuardedBytes;
using kernel_test::executed_isas;
using kernel_test::kGenIsas;

std::vector<uint8_t> random_bytes(size_t n, std::mt19937& rng) {
    std::vector<uint8_t> v(n);
    std::uniform_int_distribution<int> dist(0, 255);
    for (auto& b : v) {
        const int r = dist(rng);
        b = uint8_t(r < 20 ? 0xFF : r < 40 ? 0x80 : r < 50 ? 0x00 : r < 60 ? 0x7F : dist(rng));  // extremes
    }
    return v;
}

struct Variant {
    ElemType src = ElemType::u8;
    int32_t zp = 0;
    ElemType dst = ElemType::u8;
    int post = 0;  // 0 none, 1 relu, 2 clamp, 3 sum u8, 4 sum s8 + relu, 5 sum f32, 6 clamp within u8
    bool out_scale = true;  // false: the chain ends at the post-op (the emitter may drop dst clamps)
};

ConvProblem make_problem(const std::string& desc, const Variant& v, std::mt19937& rng) {
    ConvProblem p;
    p.desc = parse_conv_desc(desc);
    p.src_type = v.src;
    p.src_zero_point = v.zp;
    const auto w = random_bytes(size_t(p.desc.wei_elems()), rng);
    p.weights.assign(w.begin(), w.end());
    for (auto& x : p.weights)
        if (x == -128 && (rng() & 1)) x = 127;  // both weight extremes
    ir::Epilogue& e = p.epilogue;
    e.dst_type = v.dst;
    std::uniform_real_distribution<float> f(0.001f, 0.02f);
    for (int64_t c = 0; c < p.desc.oc; ++c) e.scale.push_back(f(rng));
    if (p.desc.oc % 2) e.bias.push_back(3.25f); else for (int64_t c = 0; c < p.desc.oc; ++c) e.bias.push_back(float(c % 7) - 3.f);
    switch (v.post) {
    case 1: e.post_ops.push_back(ir::PostOp::relu()); break;
    case 2: e.post_ops.push_back(ir::PostOp::clamp(-20.f, 100.5f)); break;
    case 3: e.post_ops.push_back(ir::PostOp::sum(ElemType::u8, 0.5f, 3.f)); break;
    case 4: e.post_ops.push_back(ir::PostOp::sum(ElemType::s8, 0.75f)); e.post_ops.push_back(ir::PostOp::relu()); break;
    case 5: e.post_ops.push_back(ir::PostOp::sum(ElemType::f32, 1.f)); break;
    case 6: e.post_ops.push_back(ir::PostOp::clamp(0.f, 200.5f)); break;
    default: break;
    }
    if (v.dst != ElemType::f32 && v.out_scale) e.out_scale = {v.dst == ElemType::s32 ? 100.f : 4.f};
    return p;
}

// A depthwise descriptor of c channels with the geometry g ("ih..iw..kh..").
std::string dw_desc(int c, const std::string& g) {
    const std::string n = std::to_string(c);
    return "g" + n + "mb1ic" + n + "oc" + n + g;
}

// Per-channel out_scale in [0.5, 6) and out_shift in [shift_lo, shift_hi), replacing the problem's.
void random_requantize(ConvProblem& p, float shift_lo, float shift_hi, std::mt19937& rng) {
    std::uniform_real_distribution<float> f(0.5f, 6.f), sh(shift_lo, shift_hi);
    p.epilogue.out_scale.clear();
    for (int64_t oc = 0; oc < p.desc.oc; ++oc) {
        p.epilogue.out_scale.push_back(f(rng));
        p.epilogue.out_shift.push_back(sh(rng));
    }
}

// The generator configuration of a problem, for the form predicates (byte_lanes, tap_quads, ...).
conv_dw::Conf conf_of(const ConvProblem& p) {
    conv_dw::Conf conf;
    conf.d = p.desc;
    conf.epilogue = p.epilogue;
    return conf;
}

// Random source (and residual) for p in guarded buffers, the reference's
// output, and a guarded destination.
struct DwData {
    DwData(const ConvProblem& p, std::mt19937& rng)
        : sum(p.epilogue.sum_op()),
          src_b(size_t(p.desc.src_elems()) * ir::elem_size(p.src_type)),
          dst_b(size_t(p.desc.dst_elems()) * ir::elem_size(p.epilogue.dst_type)),
          res_b(sum ? size_t(p.desc.dst_elems()) * ir::elem_size(sum->sum_type) : 0),
          src(src_b), res(res_b ? res_b : 1), dst(dst_b), expect(dst_b) {
        const auto s = random_bytes(src_b, rng);
        std::memcpy(src.data(), s.data(), src_b);
        std::vector<uint8_t> r = random_bytes(res_b, rng);
        if (sum && sum->sum_type == ElemType::f32)
            for (size_t i = 0; i < res_b / 4; ++i) {
                const float x = float(int(r[i * 4]) - 100) * 0.37f;
                std::memcpy(&r[i * 4], &x, 4);
            }
        if (res_b) std::memcpy(res.data(), r.data(), res_b);
        ref::conv_int8(p.desc, p.src_type, src.data(), p.weights.data(), p.src_zero_point, p.epilogue, residual(),
                       expect.data());
    }
    uint8_t* residual() { return sum ? res.data() : nullptr; }
    ConvArgs args() { return ConvArgs{src.data(), residual(), dst.data()}; }
    bool dst_is_expected() { return std::memcmp(dst.data(), expect.data(), dst_b) == 0; }

    const ir::PostOp* sum;
    size_t src_b, dst_b, res_b;
    GuardedBuffer src, res, dst;
    std::vector<uint8_t> expect;
};

// Runs p at every ISA this machine executes (bit-exact vs the reference) and
// generates it at the others; returns the number of ISAs executed.
int check_problem(const ConvProblem& p, std::mt19937& rng, bool print_isas) {
    const ConvDesc& d = p.desc;
    DwData t(p, rng);

    const auto run_isas = executed_isas();
    int executed = 0;
    for (Isa isa : kGenIsas) {
        std::string why;
        auto k = make_conv_dw_jit_kernel(p, isa, why);
        INFO(to_string(d) << " isa " << jit::isa_name(isa) << " declined: " << why);
        REQUIRE(k);
        CHECK(k->exec_type().find("_dw_I8") != std::string::npos);
        if (std::find(run_isas.begin(), run_isas.end(), isa) == run_isas.end()) continue;  // generate only
        std::memset(t.dst.data(), 0xA5, t.dst_b);
        // Split the work as two threads would.
        const int64_t mid = k->work_units() / 2;
        const ConvArgs a = t.args();
        k->run(a, 0, mid);
        k->run(a, mid, k->work_units());
        INFO("exec " << k->exec_type() << " " << k->name());
        REQUIRE(t.dst_is_expected());
        emu::note_case(isa, k->exec_type());
        if (print_isas) std::printf("  dw jit executed at %s (%s)\n", jit::isa_name(isa), k->exec_type().c_str());
        ++executed;
    }
    return executed;
}

}  // namespace

TEST_CASE("dw jit: declines what is not depthwise, with a reason", "[kernels][conv][dw][jit]") {
    ConvProblem p;
    p.desc = parse_conv_desc("g2mb1ic4ih5oc4kh3ph1");
    p.weights.assign(size_t(p.desc.wei_elems()), 1);
    std::string why;
    CHECK_FALSE(make_conv_dw_jit_kernel(p, jit::best_isa(), why));
    CHECK(why.find("not depthwise") != std::string::npos);
    p.desc = parse_conv_desc("g4mb1ic4ih5oc4kh3ph1");
    p.weights.assign(size_t(p.desc.wei_elems()), 1);
    p.src_zero_point = 40000;
    why.clear();
    CHECK_FALSE(make_conv_dw_jit_kernel(p, jit::best_isa(), why));
    CHECK(why.find("zero point") != std::string::npos);
}

TEST_CASE("dw jit: bit-exact sweep (tails, 3x3/5x5, strides, pads, dilation, types, post-ops)",
          "[kernels][conv][dw][jit][emu]") {
    std::mt19937 rng(1234);
    const int channels[] = {1, 3, 4, 7, 8, 13, 16, 17, 31, 32, 33, 48, 67};
    const char* geoms[] = {
        "ih6iw7kh3kw3ph1pw1",                  // 3x3 s1 pad 1
        "ih7iw8kh3kw3sh2sw2ph1pw1",            // 3x3 s2
        "ih9iw9kh5kw5ph2pw2",                  // 5x5 s1
        "ih9iw10kh5kw5sh2sw2ph2pw2",           // 5x5 s2
        "ih6iw9oh6ow8kh3kw3ph0pw2",            // asymmetric: right pad 0 (pw_end 1 - 1)
        "ih5iw11oh5ow6kh3kw3sh1sw2ph1pw0",     // pad only at the end
        "ih7iw7kh3kw3dh1dw1ph2pw2",            // dilation 2
        "ih4iw3kh5kw5ph2pw2",                  // kernel wider than the input: every column a border
        "ih8iw30kh3kw3ph1pw1",                 // long rows: interior blocks + remainder
        "ih7iw12kh4kw3ph1pw1",                 // even kernel height: row pairs only
        "ih5iw12kh1kw3pw1",                    // one kernel row: column pairs only
        "ih8iw12kh3kw3dh1ph2pw1",              // row pairs of dilated rows
    };
    const Variant variants[] = {
        {ElemType::u8, 0, ElemType::u8, 1},   {ElemType::s8, 0, ElemType::s8, 0},
        {ElemType::u8, 128, ElemType::u8, 3}, {ElemType::s8, -5, ElemType::f32, 5},
        {ElemType::u8, 0, ElemType::s32, 2},  {ElemType::s8, 0, ElemType::u8, 4},
        {ElemType::u8, 17, ElemType::f32, 0},
        {ElemType::u8, 0, ElemType::u8, 1, false},  {ElemType::s8, 3, ElemType::s8, 1, false},
        {ElemType::u8, 0, ElemType::u8, 6, false},
    };
    int i = 0, executed = 0;
    for (const char* g : geoms)
        for (int c : channels) {
            const Variant& v = variants[size_t(i++) % (sizeof variants / sizeof variants[0])];
            executed += check_problem(make_problem(dw_desc(c, g), v, rng), rng, i == 1);
        }
    // Batches of 2 and every variant on one awkward shape.
    for (const Variant& v : variants)
        executed += check_problem(make_problem("g19mb2ic19oc19ih6iw7kh3kw3sh2sw2ph1pw2", v, rng), rng, false);
    std::printf("dw jit sweep: %d problem x ISA runs executed bit-exact\n", executed);
    CHECK(executed > 0);
}

TEST_CASE("dw jit: MobileNet depthwise layers at mb1, best ISA", "[kernels][conv][dw][jit]") {
    if (emu::in_emu_lane()) {
        WARN("skipped in the emu lane (full-size layers; native runs check them)");
        return;
    }
    std::ifstream f(std::string(OCTET_SOURCE_DIR) + "/../shared/data/benchdnn/conv_shapes_mobilenet_dw");
    REQUIRE(f);
    std::mt19937 rng(7);
    const Isa isa = jit::best_isa();
    int layers = 0;
    for (std::string line; std::getline(f, line);) {
        if (line.empty() || line[0] == '#' || line[0] == '-') continue;
        ConvProblem p = make_problem(line, Variant{ElemType::u8, 0, ElemType::u8, 1}, rng);
        p.desc.mb = 1;
        const ConvDesc& d = p.desc;
        std::vector<uint8_t> src = random_bytes(size_t(d.src_elems()), rng), dst(size_t(d.dst_elems())),
                             expect(size_t(d.dst_elems()));
        ref::conv_int8(d, p.src_type, src.data(), p.weights.data(), 0, p.epilogue, nullptr, expect.data());
        std::string why;
        auto k = make_conv_dw_jit_kernel(p, isa, why);
        INFO(line << ": " << why);
        REQUIRE(k);
        k->run(ConvArgs{src.data(), nullptr, dst.data()});
        INFO(k->exec_type());
        REQUIRE(dst == expect);
        ++layers;
    }
    std::printf("dw jit: %d MobileNet dw layers bit-exact at %s\n", layers, jit::isa_name(isa));
    CHECK(layers == 9);
}

// Narrowing shared by up to 4 pixels of a block (AVX2 / AVX-VNNI, u8/s8 dst,
// full vectors): every block size 1..8 and remainder, i.e. groups of 1..4, with
// the chains whose dst clamps the emitter drops (relu, clamp within u8, no
// out_scale) and a sum, on full and tail channel blocks.
TEST_CASE("dw jit: every pixel-block size, grouped narrowing, chains without out_scale",
          "[kernels][conv][dw][jit][emu]") {
    std::mt19937 rng(5);
    const Variant variants[] = {
        {ElemType::u8, 0, ElemType::u8, 1, false}, {ElemType::u8, 0, ElemType::s8, 1, false},
        {ElemType::u8, 0, ElemType::u8, 6, false}, {ElemType::u8, 0, ElemType::u8, 3, true},
        {ElemType::s8, 0, ElemType::s8, 2, true},
    };
    int executed = 0, i = 0;
    for (int iw = 1; iw <= 20; ++iw)
        for (int c : {8, 16, 21, 64}) {
            const std::string desc = dw_desc(c, "ih3iw" + std::to_string(iw) + "kh3kw3ph1pw1");
            executed += check_problem(make_problem(desc, variants[size_t(i++) % std::size(variants)], rng), rng, false);
        }
    std::printf("dw jit block-size sweep: %d problem x ISA runs executed bit-exact\n", executed);
    CHECK(executed > 0);
}

// The byte-lane form (jit_dw_generator.hpp: AVX-512 VNNI, u8 -> u8, no zero
// point, no sum, 64 channels or more): channel tails within the 64-channel
// block and its 4-channel lane groups, every per-channel epilogue vector indexed (so the lane
// permutation of each is exercised), with and without relu/clamp, with shifts of
// both signs and with shifts <= 0 only.
TEST_CASE("dw jit: byte-lane form bit-exact (channel blocks, permuted epilogue vectors)",
          "[kernels][conv][dw][jit][emu]") {
    std::mt19937 rng(99);
    const int channels[] = {64, 97, 100, 111, 127, 128, 192, 243};  // tails of 33..63 channels take this form
    const char* geoms[] = {"ih6iw7kh3kw3ph1pw1", "ih7iw9kh3kw3sh2sw2ph1pw1", "ih5iw11oh5ow6kh3kw3sh1sw2ph1pw0",
                           "ih7iw7kh3kw3dh1dw1ph2pw2", "ih4iw20kh5kw5ph2pw2"};
    int i = 0, executed = 0, byte_form = 0;
    for (const char* g : geoms)
        for (int c : channels) {
            // Every other round of posts, shifts <= 0 only: the floor of a relu / clamp(-20, ..) is
            // then left to the packs (jit/postops.cpp).
            const bool nonpos = (i / 3) % 2 == 1;
            ConvProblem p = make_problem(dw_desc(c, g), Variant{ElemType::u8, 0, ElemType::u8, i++ % 3}, rng);
            random_requantize(p, -40.f, nonpos ? 0.f : 90.f, rng);
            byte_form += conv_dw::byte_lanes(conf_of(p), Isa::avx512_core_vnni) ? 1 : 0;
            executed += check_problem(p, rng, false);
        }
    const char* off = std::getenv("OCTET_DW_BYTE_LANES");  // =0 disables the form (A/B timing)
    if (off && std::strcmp(off, "0") == 0) WARN("OCTET_DW_BYTE_LANES=0: the byte-lane form is off");
    else CHECK(byte_form == int(std::size(channels) * std::size(geoms)));
    std::printf("dw jit byte-lane sweep: %d problem x ISA runs executed bit-exact\n", executed);
    CHECK(executed > 0);
}

// Tap quads (jit_dw_generator.hpp: byte lanes without dilation, kw >= 3): the
// four taps of a quad come from neighbouring input columns, so every border
// case matters: pads wider than a tap group, rows narrower than the kernel (all
// pixels border), strides 1-3 that share or skip column pairs, kw 3/4/5/7 (one
// or two groups, the second padded with zero weights), asymmetric right pads,
// channel tails of 1-63 within the 64-channel block, and 32 channels as pixel pairs.
TEST_CASE("dw jit: tap-quad form bit-exact (borders, strides, kernel widths, channel tails)",
          "[kernels][conv][dw][jit][emu]") {
    std::mt19937 rng(4242);
    const int channels[] = {64, 65, 81, 96, 144, 209};
    const char* geoms[] = {"ih5iw9kh3kw3ph1pw1",           "ih6iw11kh3kw3sh2sw2ph1pw1", "ih5iw13oh5ow5kh3kw3sh1sw3ph1pw1",
                           "ih4iw10kh3kw4ph1pw2",          "ih5iw12kh5kw5ph2pw2",       "ih4iw9kh7kw7ph3pw3",
                           "ih3iw2kh3kw5ph1pw2",           "ih3iw3kh3kw7ph1pw3",        "ih5iw8oh5ow4kh3kw3sh1sw2ph1pw0",
                           "ih2iw17kh1kw3ph0pw1"};
    int i = 0, executed = 0, quads = 0;
    for (const char* g : geoms)
        for (int c : channels) {
            ConvProblem p = make_problem(dw_desc(c, g), Variant{ElemType::u8, 0, ElemType::u8, i++ % 3}, rng);
            if (i % 2 == 0) random_requantize(p, -40.f, 90.f, rng);
            quads += conv_dw::tap_quads(conf_of(p), Isa::avx512_core_vnni) ? 1 : 0;
            executed += check_problem(p, rng, false);
        }
    // 32 channels at stride 1: two pixels per vector (odd widths leave the last pixel alone;
    // a border pixel pairs with its neighbour or with nothing).
    int pairs = 0, pair_geoms = 0;
    for (const char* g : geoms) {
        ConvProblem p = make_problem(dw_desc(32, g), Variant{ElemType::u8, 0, ElemType::u8, i++ % 3}, rng);
        pairs += conv_dw::pixel_pairs(conf_of(p), Isa::avx512_core_vnni) ? 1 : 0;
        pair_geoms += p.desc.sw == 1 ? 1 : 0;
        executed += check_problem(p, rng, false);
    }
    const char* off = std::getenv("OCTET_DW_TAP_QUADS");
    if (off && std::strcmp(off, "0") == 0) WARN("OCTET_DW_TAP_QUADS=0: the tap-quad form is off");
    else {
        CHECK(quads == int(std::size(channels) * std::size(geoms)));
        CHECK(pairs == pair_geoms);
    }
    std::printf("dw jit tap-quad sweep: %d problem x ISA runs executed bit-exact\n", executed);
    CHECK(executed > 0);
}

// A clamp / relu whose range the requantize maps into the dst range (MobileNet's ReLU6 ×
// 255/6 lands exactly on 255): the emitter leaves out the dst clamps (jit/postops.cpp); the
// ranges that end just outside, negative factors, and an infinite factor keep them.
TEST_CASE("dw jit: requantized ReLU6 and clamp ranges, dst clamps dropped or kept", "[kernels][conv][dw][jit][emu]") {
    std::mt19937 rng(77);
    const char* descs[] = {"g64mb1ic64oc64ih6iw7kh3kw3ph1pw1", "g21mb1ic21oc21ih5iw9kh3kw3sh2sw2ph1pw1",
                           "g100mb1ic100oc100ih4iw20kh3kw3ph1pw1", "g8mb1ic8oc8ih3iw13kh3kw3ph1pw1"};
    int executed = 0;
    for (const char* desc : descs)
        for (int k = 0; k < 11; ++k) {
            const bool s8 = (k >= 4 && k <= 5) || k == 10;
            ConvProblem p = make_problem(desc, Variant{ElemType::u8, 0, s8 ? ElemType::s8 : ElemType::u8, 0}, rng);
            ir::Epilogue& e = p.epilogue;
            const int64_t c = p.desc.oc;
            e.out_shift.clear();
            e.post_ops = {k == 4 || k == 10 ? ir::PostOp::clamp(-1.f, 6.f)
                          : k == 5          ? ir::PostOp::relu()
                                            : ir::PostOp::clamp(0.f, 6.f)};
            std::uniform_real_distribution<float> near(40.f, 45.f), below(-3.f, 0.f);
            switch (k) {
            case 0: e.out_scale = {255.f / 6.f}; break;                         // [0, 255]: both dropped
            case 1: e.out_scale.clear(); for (int64_t i = 0; i < c; ++i) e.out_scale.push_back(near(rng)); break;  // up to 270
            case 2: e.out_scale = {255.f / 6.f}; for (int64_t i = 0; i < c; ++i) e.out_shift.push_back(below(rng)); break;
            case 3: e.out_scale = {255.f / 6.f}; e.out_shift = {0.f}; break;   // the shift's add left out too
            case 4: e.out_scale = {-20.f}; e.out_shift = {3.f}; break;           // [-117, 23] in s8
            case 5: e.out_scale = {-1.f}; break;                                 // (-inf, 0]: the s8 floor stays
            case 6: e.out_scale.assign(size_t(c), 42.5f); e.out_scale[size_t(c / 2)] = INFINITY; break;
            // The clamp's ceiling: 6 × 42.4 = 254.4 stays below the u8 top (min kept: values
            // above 6 give 254); 6 × 42.45 + 0.3 reaches 255 (min left to the packs); one
            // channel of 42.4 among 42.5 keeps it; s8: 6 × 21.2 = 127.2 >= 127 (left to the packs).
            case 7: e.out_scale = {42.4f}; break;
            case 8: e.out_scale = {42.45f}; e.out_shift = {0.3f}; break;
            case 9: e.out_scale.assign(size_t(c), 42.5f); e.out_scale[size_t(c - 1)] = 42.4f; break;
            default: e.out_scale = {21.2f}; break;
            }
            executed += check_problem(p, rng, false);
        }
    std::printf("dw jit requantized-range sweep: %d problem x ISA runs executed bit-exact\n", executed);
    CHECK(executed > 0);
}

// Few output rows (7x7 layers at batch 1): each row is cut into channel blocks
// (jit_dw_kernel.cpp), a last block narrower than the others included. Every
// unit run alone, last first, must give the reference's bits, at every ISA
// this machine executes (byte lanes, widened lanes, column pairs).
TEST_CASE("dw jit: rows cut into channel blocks, units run one by one", "[kernels][conv][dw][jit]") {
    std::mt19937 rng(31);
    const std::pair<const char*, Variant> cases[] = {
        {"g960mb1ic960oc960ih7iw7kh3kw3ph1pw1", {ElemType::u8, 0, ElemType::u8, 1, false}},
        {"g576mb1ic576oc576ih14iw14kh3kw3sh2sw2ph1pw1", {ElemType::u8, 0, ElemType::u8, 6, false}},
        {"g97mb1ic97oc97ih5iw6kh3kw3ph1pw1", {ElemType::u8, 0, ElemType::u8, 0}},
        {"g100mb1ic100oc100ih4iw9kh3kw3ph1pw1", {ElemType::u8, 7, ElemType::s8, 3}},
        {"g45mb2ic45oc45ih3iw5kh3kw3ph1pw1", {ElemType::s8, 0, ElemType::f32, 5}},
    };
    int executed = 0;
    for (const auto& [desc, v] : cases) {
        const ConvProblem p = make_problem(desc, v, rng);
        const ConvDesc& d = p.desc;
        DwData t(p, rng);
        for (Isa isa : executed_isas()) {
            std::string why;
            auto k = make_conv_dw_jit_kernel(p, isa, why);
            INFO(desc << " isa " << jit::isa_name(isa) << " " << why);
            REQUIRE(k);
            // Every ISA's channel step (<= 64) leaves several blocks here.
            CHECK(k->work_units() > d.mb * d.oh);
            std::memset(t.dst.data(), 0xA5, t.dst_b);
            const ConvArgs a = t.args();
            for (int64_t u = k->work_units() - 1; u >= 0; --u) k->run(a, u, u + 1);
            REQUIRE(t.dst_is_expected());
            ++executed;
        }
    }
    CHECK(executed > 0);
}
