// The JIT element-wise int8 boundary ops (kernels/eltwise/): Quantize, Dequantize,
// Requantize and the quantized Add, bit-exact (memcmp) with their references
// (kernels::ref::quantize_range / dequantize_range, the LPT's ground truth, and
// kernels/eltwise/ref.hpp) over sizes 1..200 (every tail), per-tensor and
// per-channel vectors (channel runs of NCHW, channel-last per-lane layouts),
// u8/s8/s32, NaN, ±Inf, exact .5 ties and the range bounds, with a PROT_NONE page
// right after every source and destination. Every ISA is generated; the ones this
// CPU runs are executed (and printed). The Gelu -> Quantize fusion's kernel
// (make_gelu_quantize_jit_kernel) is checked against the generated f32 Gelu
// followed by quantize_range: the bytes of the unfused pair.
#include <catch2/catch.hpp>

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <limits>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "../emu/emu_cases.hpp"
#include "kernel_test_util.hpp"
#include "jit/cpu.hpp"
#include "kernels/eltwise/jit_eltwise_kernel.hpp"
#include "kernels/eltwise/ref.hpp"
#include "kernels/f32/eltwise_f32.hpp"
#include "kernels/ref/int8_ops.hpp"
#include "kernels/registry.hpp"

using namespace octet;
using namespace octet::kernels;
using ir::ElemType;
using jit::Isa;

namespace {

using kernel_test::executed_isas;
using kernel_test::GuardedBytes;
using kernel_test::kGenIsas;
std::set<std::string>& executed_log() {
    static std::set<std::string> s;
    return s;
}

using MakeFn = std::function<std::unique_ptr<EltwiseKernel>(Isa, std::string&)>;

// Generates the kernel at every ISA, runs it (split in two unit ranges) where this CPU
// can, and compares the destination with `expect` byte for byte. Returns the ISAs run.
int run_case(const std::string& label, const MakeFn& make, const std::vector<uint8_t>& s0,
             const std::vector<uint8_t>* s1, const std::vector<uint8_t>& expect) {
    GuardedBytes src0(s0.size()), dst(expect.size());
    std::memcpy(src0.data(), s0.data(), s0.size());
    std::unique_ptr<GuardedBytes> src1;
    if (s1) {
        src1 = std::make_unique<GuardedBytes>(s1->size());
        std::memcpy(src1->data(), s1->data(), s1->size());
    }
    const auto run_isas = executed_isas();
    int executed = 0;
    for (Isa isa : kGenIsas) {
        // Under Bochs only the emulated ISA (the others are generated in the native runs).
        if (emu::in_emu_lane() && std::find(run_isas.begin(), run_isas.end(), isa) == run_isas.end()) continue;
        std::string why;
        auto k = make(isa, why);
        INFO(label << " isa " << jit::isa_name(isa) << " declined: " << why);
        REQUIRE(k);
        if (std::find(run_isas.begin(), run_isas.end(), isa) == run_isas.end()) continue;  // generate only
        std::memset(dst.data(), 0x5A, expect.size());
        const EltwiseArgs args{src0.data(), src1 ? src1->data() : nullptr, dst.data()};
        const int64_t mid = k->work_units() / 2;
        k->run(args, 0, mid);
        k->run(args, mid, k->work_units());
        INFO("exec " << k->exec_type() << " " << k->name());
        const bool same = std::memcmp(dst.data(), expect.data(), expect.size()) == 0;
        if (!same) {
            for (size_t i = 0; i < expect.size(); ++i)
                if (dst.data()[i] != expect[i]) {
                    UNSCOPED_INFO("first difference at byte " << i << ": got " << int(dst.data()[i]) << " expected "
                                                              << int(expect[i]));
                    break;
                }
        }
        REQUIRE(same);
        emu::note_case(isa, k->exec_type());
        executed_log().insert(std::string(jit::isa_name(isa)) + " " + k->exec_type());
        ++executed;
    }
    return executed;
}

template <class T>
std::vector<uint8_t> bytes_of(const std::vector<T>& v) {
    std::vector<uint8_t> b(v.size() * sizeof(T));
    if (!b.empty()) std::memcpy(b.data(), v.data(), b.size());
    return b;
}

float nan_with_payload(uint32_t payload) {
    const uint32_t bits = 0x7FC00000u | (payload & 0x3FFFFFu);
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
}

// Inputs that stress the quantizer: randoms around and beyond the range, exact ties
// k + 0.5 of the quantized domain, the bounds, and the specials.
std::vector<float> quantize_inputs(int64_t n, float scale, float shift, std::mt19937& rng) {
    std::uniform_real_distribution<float> wide(-400.f, 400.f);
    std::uniform_int_distribution<int> pick(0, 15), k(-140, 270);
    const float specials[] = {std::numeric_limits<float>::quiet_NaN(), -std::numeric_limits<float>::quiet_NaN(),
                              nan_with_payload(0x1234), std::numeric_limits<float>::infinity(),
                              -std::numeric_limits<float>::infinity(), 0.f, -0.f, std::numeric_limits<float>::max(),
                              -std::numeric_limits<float>::max(), std::numeric_limits<float>::denorm_min(), 1e30f,
                              -1e30f};
    const float bounds[] = {-129.f, -128.5f, -128.f, -127.5f, -0.5f, 0.f, 0.5f, 126.5f, 127.f, 127.5f, 128.f,
                            254.5f, 255.f, 255.5f, 256.f, 2147483520.f, -2147483648.f, 3e9f};
    std::vector<float> x(static_cast<size_t>(n));
    for (auto& v : x) {
        const int r = pick(rng);
        if (r < 5) {
            v = wide(rng) / scale;
        } else if (r < 9) {  // a tie in the quantized domain (exact when scale is a power of 2)
            v = (float(k(rng)) + 0.5f - shift) / scale;
        } else if (r < 11) {
            v = (bounds[size_t(pick(rng)) % (sizeof bounds / sizeof *bounds)] - shift) / scale;
        } else if (r < 13) {
            v = specials[size_t(pick(rng)) % (sizeof specials / sizeof *specials)];
        } else {
            v = float(k(rng)) * 0.5f;
        }
    }
    return x;
}

std::vector<float> channel_vector(int64_t c, bool per_channel, std::vector<float> pool, std::mt19937& rng) {
    std::uniform_int_distribution<size_t> pick(0, pool.size() - 1);
    std::vector<float> v(per_channel ? size_t(c) : 1);
    for (auto& x : v) x = pool[pick(rng)];
    return v;
}

struct Layout {
    ir::Shape shape;
    int64_t axis;
};

// Shapes of n elements: flat per tensor, NCHW channel runs (axis 1 over [1,C,n/C]),
// channel-last per lane ([n/C, C] axis 1), NHWC ([1,1,n/C,C] axis 3).
std::vector<Layout> layouts_of(int64_t n) {
    std::vector<Layout> v;
    v.push_back({{1, 1, 1, n}, 1});
    for (int64_t c : {3, 5, 17}) {
        if (n % c) continue;
        v.push_back({{1, c, n / c}, 1});
        v.push_back({{n / c, c}, 1});
        v.push_back({{1, 1, n / c, c}, 3});
    }
    return v;
}

int64_t channels_of(const Layout& l) { return l.axis < int64_t(l.shape.size()) ? l.shape[size_t(l.axis)] : 1; }

void print_executed(const char* what) {
    std::printf("  %s executed at:", what);
    for (const std::string& s : executed_log()) std::printf(" [%s]", s.c_str());
    std::printf("\n");
    executed_log().clear();
}

std::vector<int64_t> sweep_sizes() {
    std::vector<int64_t> v;
    for (int64_t n = 1; n <= 200; ++n) v.push_back(n);
    return v;
}

}  // namespace

TEST_CASE("eltwise jit: quantize f32 -> u8/s8/s32 bit-exact with quantize_range", "[kernels][eltwise][jit][emu]") {
    std::mt19937 rng(7);
    const float scales[] = {0.5f, 2.f, 1.f / 0.0173f, -4.f, 57.3f};
    const float shifts[] = {0.f, 128.f, 0.5f, -3.25f};
    int runs = 0;
    for (int64_t n : sweep_sizes()) {
        for (const Layout& l : layouts_of(n)) {
            for (ElemType dt : {ElemType::u8, ElemType::s8, ElemType::s32}) {
                if (dt == ElemType::s32 && n % 7) continue;
                const int64_t c = channels_of(l);
                QuantizeProblem p;
                p.shape = l.shape;
                p.axis = l.axis;
                p.dst_type = dt;
                const bool pc = c > 1;
                p.scale = channel_vector(c, pc, {scales, scales + 5}, rng);
                if (n % 3) p.shift = channel_vector(c, pc && n % 2, {shifts, shifts + 4}, rng);
                const std::vector<float> x = quantize_inputs(n, p.scale[0], p.shift.empty() ? 0.f : p.shift[0], rng);
                std::vector<uint8_t> expect(size_t(n) * ir::elem_size(dt));
                ref::quantize(p, x.data(), expect.data(), 0, n);
                runs += run_case(to_string(p),
                                 [&](Isa isa, std::string& why) { return make_quantize_jit_kernel(p, isa, why); },
                                 bytes_of(x), nullptr, expect);
            }
        }
    }
    print_executed("quantize");
    CHECK(runs > 0);
}

TEST_CASE("eltwise jit: dequantize u8/s8/s32 -> f32 bit-exact with dequantize_range", "[kernels][eltwise][jit][emu]") {
    std::mt19937 rng(11);
    const float zps[] = {0.f, 128.f, -3.f, 7.5f, 255.f};
    const float scales[] = {0.5f, 0.0173f, -0.25f, 3.f, 1e-30f};
    const float biases[] = {0.f, -0.f, 1.5f, -100.25f};
    int runs = 0;
    for (int64_t n : sweep_sizes()) {
        for (const Layout& l : layouts_of(n)) {
            for (ElemType st : {ElemType::u8, ElemType::s8, ElemType::s32}) {
                if (st == ElemType::s32 && n % 5) continue;
                const int64_t c = channels_of(l);
                const bool pc = c > 1;
                DequantizeProblem p;
                p.shape = l.shape;
                p.axis = l.axis;
                p.src_type = st;
                if (n % 4) p.zero_point = channel_vector(c, pc, {zps, zps + 5}, rng);
                p.scale = channel_vector(c, pc && n % 3, {scales, scales + 5}, rng);
                if (n % 2) p.bias = channel_vector(c, pc, {biases, biases + 4}, rng);
                std::vector<uint8_t> src(size_t(n) * ir::elem_size(st));
                std::uniform_int_distribution<int> byte(0, 255);
                for (auto& b : src) b = uint8_t(byte(rng));
                if (st != ElemType::s32)  // the extremes and zero points often
                    for (size_t i = 0; i < src.size(); i += 3) src[i] = uint8_t(i % 2 ? 0x80 : 0xFF);
                if (st == ElemType::s32) {  // values above 2^24 round in cvtdq2ps
                    auto* s = reinterpret_cast<int32_t*>(src.data());
                    for (int64_t i = 0; i < n; i += 2) s[i] = int32_t(0x7FFFFFFF - i * 977);
                }
                std::vector<float> out(static_cast<size_t>(n));
                ref::dequantize(p, src.data(), out.data(), 0, n);
                runs += run_case(to_string(p),
                                 [&](Isa isa, std::string& why) { return make_dequantize_jit_kernel(p, isa, why); },
                                 src, nullptr, bytes_of(out));
            }
        }
    }
    print_executed("dequantize");
    CHECK(runs > 0);
}

TEST_CASE("eltwise jit: requantize and add bit-exact with kernels/eltwise/ref", "[kernels][eltwise][jit][emu]") {
    std::mt19937 rng(13);
    const float zps[] = {0.f, 128.f, -5.f, 3.f};
    const float scales[] = {0.5f, 0.0173f, 0.031f, 2.f, -0.125f};
    const float out_scales[] = {2.f, 1.f / 0.0173f, 31.7f, 0.5f};
    const float out_shifts[] = {0.f, 128.f, 0.5f, -3.f};
    int runs = 0;
    std::uniform_int_distribution<int> byte(0, 255);
    for (int64_t n : sweep_sizes()) {
        for (const Layout& l : layouts_of(n)) {
            const int64_t c = channels_of(l);
            const bool pc = c > 1;
            const ElemType ta = n % 2 ? ElemType::u8 : ElemType::s8, tb = n % 3 ? ElemType::s8 : ElemType::u8;
            const ElemType td = n % 5 < 3 ? ElemType::u8 : ElemType::s8;
            std::vector<uint8_t> a(static_cast<size_t>(n)), b(static_cast<size_t>(n));
            for (auto& x : a) x = uint8_t(byte(rng));
            for (auto& x : b) x = uint8_t(byte(rng));
            {
                RequantizeProblem p;
                p.shape = l.shape;
                p.axis = l.axis;
                p.src.type = ta;
                p.dst_type = td;
                if (n % 4) p.src.zero_point = channel_vector(c, pc, {zps, zps + 4}, rng);
                p.src.scale = channel_vector(c, pc && n % 3, {scales, scales + 5}, rng);
                if (n % 5 == 2) p.src.bias = channel_vector(c, pc, {out_shifts, out_shifts + 4}, rng);
                p.out_scale = channel_vector(c, false, {out_scales, out_scales + 4}, rng);
                if (n % 3) p.out_shift = channel_vector(c, pc && n % 2, {out_shifts, out_shifts + 4}, rng);
                std::vector<uint8_t> expect(static_cast<size_t>(n));
                ref::requantize(p, a.data(), expect.data(), 0, n);
                runs += run_case(to_string(p),
                                 [&](Isa isa, std::string& why) { return make_requantize_jit_kernel(p, isa, why); }, a,
                                 nullptr, expect);
            }
            {
                AddProblem p;
                p.shape = l.shape;
                p.axis = l.axis;
                p.a.type = ta;
                p.b.type = tb;
                // f32 output: the AddI8 that no Quantize follows (lpt/passes/int8_add.cpp).
                p.dst_type = n % 7 == 3 ? ElemType::f32 : td;
                p.relu = n % 2 == 0;
                if (n % 4) p.a.zero_point = channel_vector(c, pc, {zps, zps + 4}, rng);
                p.a.scale = channel_vector(c, pc && n % 3, {scales, scales + 5}, rng);
                if (n % 6 == 1) p.a.bias = channel_vector(c, pc, {out_shifts, out_shifts + 4}, rng);
                if (n % 5) p.b.zero_point = channel_vector(c, false, {zps, zps + 4}, rng);
                p.b.scale = channel_vector(c, pc, {scales, scales + 5}, rng);
                if (n % 4 == 2) p.b.bias = channel_vector(c, false, {out_shifts, out_shifts + 4}, rng);
                if (p.dst_type != ElemType::f32 || n % 2) {
                    p.out_scale = channel_vector(c, pc && n % 2, {out_scales, out_scales + 4}, rng);
                    if (n % 3) p.out_shift = channel_vector(c, false, {out_shifts, out_shifts + 4}, rng);
                }
                std::vector<uint8_t> expect(static_cast<size_t>(n) * ir::elem_size(p.dst_type));
                ref::add(p, a.data(), b.data(), expect.data(), 0, n);
                runs += run_case(to_string(p), [&](Isa isa, std::string& why) { return make_add_jit_kernel(p, isa, why); },
                                 a, &b, expect);
            }
        }
    }
    print_executed("requantize/add");
    CHECK(runs > 0);
}

TEST_CASE("eltwise ref: requantize and add equal the unfused dequantize -> add -> relu -> quantize",
          "[kernels][eltwise]") {
    std::mt19937 rng(17);
    const int64_t n = 2 * 5 * 13;
    const ir::Shape shape{2, 5, 13};
    std::uniform_int_distribution<int> byte(0, 255);
    std::vector<uint8_t> a(static_cast<size_t>(n)), b(static_cast<size_t>(n));
    for (auto& x : a) x = uint8_t(byte(rng));
    for (auto& x : b) x = uint8_t(byte(rng));
    const QuantizedInput qa{ElemType::u8, {128.f}, {0.0173f, 0.5f, 0.031f, 2.f, 0.25f}};
    const QuantizedInput qb{ElemType::s8, {1.f, 0.f, -3.f, 4.f, 0.f}, {0.07f}};
    auto deq = [&](const QuantizedInput& q, const std::vector<uint8_t>& src) {
        DequantizeProblem d{shape, 1, q.type, q.zero_point, q.scale, {}};
        std::vector<float> f(static_cast<size_t>(n));
        ref::dequantize(d, src.data(), f.data(), 0, n);
        return f;
    };
    const std::vector<float> fa = deq(qa, a), fb = deq(qb, b);
    const QuantizeProblem q{shape, 1, ElemType::s8, {31.7f, 2.f, 0.5f, 3.f, 12.f}, {0.5f}};
    for (bool relu : {false, true}) {
        std::vector<float> sum(static_cast<size_t>(n));
        for (size_t i = 0; i < sum.size(); ++i) {
            volatile float v = fa[i];
            v = v + fb[i];
            sum[i] = relu ? (v > 0.f ? float(v) : 0.f) : float(v);
        }
        std::vector<uint8_t> unfused(static_cast<size_t>(n)), fused(static_cast<size_t>(n));
        ref::quantize(q, sum.data(), unfused.data(), 0, n);
        const AddProblem p{shape, 1, qa, qb, relu, q.scale, q.shift, ElemType::s8};
        ref::add(p, a.data(), b.data(), fused.data(), 0, n);
        CHECK(unfused == fused);
    }
    std::vector<uint8_t> unfused(static_cast<size_t>(n)), fused(static_cast<size_t>(n));
    ref::quantize(q, fa.data(), unfused.data(), 0, n);
    const RequantizeProblem r{shape, 1, qa, q.scale, q.shift, ElemType::s8};
    ref::requantize(r, a.data(), fused.data(), 0, n);
    CHECK(unfused == fused);
}

TEST_CASE("eltwise jit: large tensors split across work units, registry picks the JIT", "[kernels][eltwise][jit]") {
    std::mt19937 rng(19);
    const Isa best = jit::best_isa();
    const ir::Shape shape{2, 3, 61, 67};  // 24522 elements: several units, channel runs crossing them
    const int64_t n = ir::num_elements(shape);
    QuantizeProblem q{shape, 1, ElemType::u8, {64.f, 32.f, 0.5f}, {128.f}};
    const std::vector<float> x = quantize_inputs(n, 64.f, 128.f, rng);
    std::vector<uint8_t> expect(static_cast<size_t>(n));
    ref::quantize(q, x.data(), expect.data(), 0, n);
    DeclineLog declined;
    auto k = create_quantize_kernel(q, best, &declined);
    REQUIRE(k);
    CHECK(declined.empty());
    CHECK(k->exec_type().rfind("jit_", 0) == 0);
    CHECK(k->exec_type().find("_FP32") != std::string::npos);
    REQUIRE(k->work_units() > 2);
    std::vector<uint8_t> got(static_cast<size_t>(n), 0x5A);
    for (int64_t u = k->work_units(); u > 0; --u) k->run({x.data(), nullptr, got.data()}, u - 1, u);
    CHECK(got == expect);

    DequantizeProblem d{shape, 1, ElemType::u8, {128.f}, {0.5f, 0.25f, 0.125f}, {}};
    auto kd = create_dequantize_kernel(d, best);
    CHECK(kd->exec_type().find("_I8") != std::string::npos);
    std::vector<float> f(static_cast<size_t>(n)), fe(static_cast<size_t>(n));
    ref::dequantize(d, expect.data(), fe.data(), 0, n);
    kd->run({expect.data(), nullptr, f.data()});
    CHECK(std::memcmp(f.data(), fe.data(), f.size() * 4) == 0);

    AddProblem p{shape, 1, {ElemType::u8, {128.f}, {0.5f}}, {ElemType::u8, {}, {0.25f}}, true, {0.7f}, {}, ElemType::u8};
    auto ka = create_add_kernel(p, best);
    std::vector<uint8_t> ya(static_cast<size_t>(n)), ye(static_cast<size_t>(n));
    ref::add(p, expect.data(), got.data(), ye.data(), 0, n);
    ka->run({expect.data(), got.data(), ya.data()});
    CHECK(ya == ye);
    std::printf("  eltwise registry at %s: %s, %s, %s\n", jit::isa_name(best), k->exec_type().c_str(),
                kd->exec_type().c_str(), ka->exec_type().c_str());

    // A problem the kernels cannot take is refused with the reason.
    QuantizeProblem bad = q;
    bad.scale = {1.f, 2.f};
    std::string why;
    CHECK_FALSE(make_quantize_jit_kernel(bad, best, why));
    CHECK(why.find("scale") != std::string::npos);
}

TEST_CASE("eltwise jit: gelu_quantize equals the f32 Gelu kernel then the quantize, byte for byte",
          "[kernels][eltwise][jit][emu]") {
    std::mt19937 rng(23);
    const float scales[] = {0.5f, 2.f, 1.f / 0.0173f, -4.f, 22.0291f};
    const float shifts[] = {0.f, 128.f, 0.5f, -1.5653436e-06f};
    int runs = 0, gelu_isas = 0;
    for (Isa isa : executed_isas()) {
        Isa body;
        if (!kernels::f32::f32_jit_isa(isa, body)) {  // SSE4.2: no f32 Gelu code, refused with the reason
            QuantizeProblem p{{1, 8}, 1, ElemType::u8, {1.f}, {}};
            std::string why;
            CHECK_FALSE(make_gelu_quantize_jit_kernel(p, false, isa, why));
            CHECK(why.find("Gelu") != std::string::npos);
            continue;
        }
        ++gelu_isas;
        for (bool tanh : {false, true}) {
            kernels::f32::EltwiseDesc gd;
            gd.op = tanh ? kernels::f32::EltOp::gelu_tanh : kernels::f32::EltOp::gelu_erf;
            auto gelu = kernels::f32::create_eltwise_kernel(gd, isa);
            REQUIRE(gelu);
            // Every tail of both bodies' steps (AVX-512: 4 x 16 lanes, AVX2: 2 x 8), and a few long runs.
            std::vector<int64_t> sizes;
            for (int64_t n = 1; n <= 80; ++n) sizes.push_back(n);
            for (int64_t n : {255, 1000, 8192 + 51}) sizes.push_back(n);
            for (int64_t n : sizes) {
                for (const Layout& l : layouts_of(n)) {
                    for (ElemType dt : {ElemType::u8, ElemType::s8, ElemType::s32}) {
                        if (dt == ElemType::s32 && n % 5) continue;
                        const int64_t c = channels_of(l);
                        QuantizeProblem p;
                        p.shape = l.shape;
                        p.axis = l.axis;
                        p.dst_type = dt;
                        p.scale = channel_vector(c, c > 1, {scales, scales + 5}, rng);
                        if (n % 3) p.shift = channel_vector(c, c > 1 && n % 2, {shifts, shifts + 4}, rng);
                        // Gelu is about x for x > 3 and about 0 below -5: the quantizer's
                        // inputs (ties, bounds, specials) reach its output unchanged there.
                        std::vector<float> x = quantize_inputs(n, p.scale[0], p.shift.empty() ? 0.f : p.shift[0], rng);
                        std::uniform_real_distribution<float> near(-6.f, 6.f);
                        for (size_t i = 1; i < x.size(); i += 3) x[i] = near(rng);
                        GuardedBytes src(size_t(n) * 4), mid(size_t(n) * 4), dst(size_t(n) * ir::elem_size(dt));
                        src.fill(x.data());
                        (*gelu)({src.as<float>(), nullptr, mid.as<float>(), n});
                        std::vector<uint8_t> expect(dst.size());
                        ref::quantize(p, mid.as<float>(), expect.data(), 0, n);

                        std::string why;
                        auto k = make_gelu_quantize_jit_kernel(p, tanh, isa, why);
                        INFO(to_string(p) << (tanh ? " gelu tanh" : " gelu erf") << " at " << jit::isa_name(isa)
                                          << ": " << why);
                        REQUIRE(k);
                        CHECK(k->exec_type() == gelu->exec_type());  // jit_<avx2|avx512>_FP32, as the Gelu's
                        std::memset(dst.data(), 0x5A, dst.size());
                        const int64_t half = k->work_units() / 2;
                        k->run({src.data(), nullptr, dst.data()}, 0, half);
                        k->run({src.data(), nullptr, dst.data()}, half, k->work_units());
                        INFO(k->name());
                        REQUIRE(std::memcmp(dst.data(), expect.data(), expect.size()) == 0);
                        emu::note_case(isa, k->exec_type());
                        executed_log().insert(std::string(jit::isa_name(isa)) + " " + k->exec_type());
                        ++runs;
                    }
                }
            }
        }
    }
    print_executed("gelu_quantize");
    CHECK((runs > 0) == (gelu_isas > 0));  // none under OCTET_MAX_ISA=sse42
}
