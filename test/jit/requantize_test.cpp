// The generated requantize kernel (and so PostOpEmitter) against the numeric
// contract's reference, ir::epilogue_f32 + ir::saturate_round, bit for bit.
// Every buffer the kernel reads or writes ends at a PROT_NONE page, so a tail
// that touches memory past its last element crashes the test.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "ir/epilogue.hpp"
#include "ir/error.hpp"
#include "jit/cpu.hpp"
#include "jit/generator.hpp"
#include "jit/kernel_requantize.hpp"
#include "../kernels/kernel_test_util.hpp"

using namespace octet;
using namespace octet::jit;
using ir::ElemType;
using ir::PostOp;

namespace {

using GuardedBuffer = kernel_test::GuardedBytes;

// The one NaN the data uses: the x86 default NaN, which 0×Inf and Inf−Inf also
// give, so that results never depend on which of two NaN operands wins.
const float kNaN = -std::numeric_limits<float>::quiet_NaN();
const float kInf = std::numeric_limits<float>::infinity();

struct Case {
    ir::Epilogue e;
    int channels = 1;
    int64_t rows = 3;
    std::vector<int32_t> acc;
    std::vector<uint8_t> residual;  // rows×channels of the sum's type
};

float residual_at(const Case& c, size_t i) {
    const PostOp* s = c.e.sum_op();
    if (!s) return 0.f;
    switch (s->sum_type) {
    case ElemType::u8: return float(c.residual[i]);
    case ElemType::s8: return float(int8_t(c.residual[i]));
    default: {
        float f;
        std::memcpy(&f, &c.residual[i * 4], 4);
        return f;
    }
    }
}

std::vector<uint8_t> reference(const Case& c) {
    const size_t dsz = ir::elem_size(c.e.dst_type);
    const size_t n = size_t(c.rows) * size_t(c.channels);
    std::vector<uint8_t> out(n * dsz);
    for (size_t i = 0; i < n; ++i) {
        const int oc = int(i % size_t(c.channels));
        const float v = ir::epilogue_f32(c.e, c.acc[i], oc, residual_at(c, i));
        switch (c.e.dst_type) {
        case ElemType::f32: std::memcpy(&out[i * 4], &v, 4); break;
        case ElemType::s32: {
            const int32_t r = ir::saturate_round(v, ElemType::s32);
            std::memcpy(&out[i * 4], &r, 4);
            break;
        }
        case ElemType::u8: out[i] = uint8_t(ir::saturate_round(v, ElemType::u8)); break;
        case ElemType::s8: out[i] = uint8_t(int8_t(ir::saturate_round(v, ElemType::s8))); break;
        }
    }
    return out;
}

// Per-channel vectors copied into guarded memory, so tail loads are checked too.
struct GuardedParams {
    std::vector<std::unique_ptr<GuardedBuffer>> keep;
    PostOpParams params;
    const float* copy(const std::vector<float>& v) {
        if (v.empty()) return nullptr;
        keep.push_back(std::make_unique<GuardedBuffer>(v.size() * 4));
        keep.back()->fill(v.data());
        return keep.back()->as<float>();
    }
    explicit GuardedParams(const ir::Epilogue& e) {
        params.scale = copy(e.scale);
        params.bias = copy(e.bias);
        params.out_scale = copy(e.out_scale);
        params.out_shift = copy(e.out_shift);
    }
};

std::set<std::string> g_executed, g_generated_only;

// Natively every ISA is generated and run where the CPU can. Inside the emu lane only the
// lane's ISA: the native lanes cover the others, and generating and running all of them
// cost Bochs ~30 s of guest time per model on the chain sweep alone.
std::vector<Isa> sweep_isas() {
    if (emu::in_emu_lane()) return emu::sweep_isas();
    return {std::begin(kAllIsas), std::end(kAllIsas)};
}

// Generates the case's kernel for every ISA; runs it where the CPU can and
// compares with the reference byte for byte.
void check_case(const Case& c) {
    const std::vector<uint8_t> want = reference(c);
    const size_t n = size_t(c.rows) * size_t(c.channels);
    GuardedBuffer acc(n * 4), dst(want.size());
    acc.fill(c.acc.data());
    std::unique_ptr<GuardedBuffer> res;
    if (c.e.has_sum()) {
        res = std::make_unique<GuardedBuffer>(c.residual.size());
        res->fill(c.residual.data());
    }
    GuardedParams params(c.e);
    for (Isa isa : sweep_isas()) {
        RequantizeKernel k(isa, c.e, c.channels);
        REQUIRE(k.generator().code_size() > 0);
        if (!isa_supported(isa)) {
            g_generated_only.insert(isa_name(isa));
            continue;
        }
        g_executed.insert(isa_name(isa));
        std::memset(dst.data(), 0xa5, dst.size());
        k(acc.as<int32_t>(), res ? res->data() : nullptr, dst.data(), c.rows, params.params);
        INFO(k.name() << " rows " << c.rows);
        if (std::memcmp(dst.data(), want.data(), want.size()) != 0) {
            size_t first = 0;
            while (dst.data()[first] == want[first]) ++first;
            const size_t esz = ir::elem_size(c.e.dst_type);
            const size_t el = first / esz;
            FAIL_CHECK("mismatch at element " << el << " (channel " << el % size_t(c.channels) << "), acc "
                       << c.acc[el] << ", byte " << first << ": got " << int(dst.data()[first])
                       << " want " << int(want[first]));
        }
        // The whole-epilogue overload (its own copies of the vectors) agrees too.
        std::memset(dst.data(), 0x5a, dst.size());
        k(acc.as<int32_t>(), res ? res->data() : nullptr, dst.data(), c.rows);
        CHECK(std::memcmp(dst.data(), want.data(), want.size()) == 0);
        emu::note_case(isa, std::string("requant_") + isa_name(isa));  // one type per ISA, not per shape
    }
}

// Accumulators with the awkward values: ±2^31 edges, past 2^24 (inexact in f32), odd
// (ties under ×0.5), and ordinary magnitudes.
int32_t draw_acc(std::mt19937& rng) {
    static const int32_t specials[] = {0, 1, -1, 3, -3, 255, 256, -128, -129, 16777217, -16777217,
                                       2147483647, -2147483647 - 1, 2147483646, -2147483600, 1 << 30};
    const int pick = int(rng() % 8);
    if (pick == 0) return specials[rng() % (sizeof specials / sizeof specials[0])];
    if (pick == 1) return int32_t(rng());  // full range
    if (pick == 2) return int32_t(rng() % 2000001) - 1000000;
    return int32_t(rng() % 1025) - 512;
}

std::vector<float> draw_vector(std::mt19937& rng, size_t size, const std::vector<float>& pool) {
    std::vector<float> v(size);
    std::uniform_real_distribution<float> u(-2.f, 2.f);
    for (float& x : v) x = (rng() % 3 == 0) ? u(rng) : pool[rng() % pool.size()];
    return v;
}

// size_mode: 0 empty, 1 broadcast, 2 per channel.
size_t vsize(int mode, int channels) { return mode == 0 ? 0 : mode == 1 ? 1 : size_t(channels); }

Case make_case(std::mt19937& rng, ElemType dst, int channels, const std::vector<PostOp>& post, int size_mode,
               int64_t rows = 3) {
    Case c;
    c.channels = channels;
    c.rows = rows;
    c.e.dst_type = dst;
    c.e.post_ops = post;
    const size_t vs = vsize(size_mode, channels);
    // Scales that make exact .5 ties from odd accumulators, and ordinary ones.
    c.e.scale = draw_vector(rng, vs, {0.5f, 0.25f, -0.5f, 1.f / 3.f, 0.0078125f, 1e-6f});
    c.e.bias = draw_vector(rng, vs, {0.f, 0.5f, -0.5f, 1.5f, -0.f, 100.f});
    c.e.out_scale = draw_vector(rng, vs, {1.f, 0.5f, 2.f, 0.1f, -1.f});
    c.e.out_shift = draw_vector(rng, vs, {0.f, 0.5f, -0.5f, 128.f, -0.f});
    const size_t n = size_t(rows) * size_t(channels);
    c.acc.resize(n);
    for (int32_t& a : c.acc) a = draw_acc(rng);
    c.residual = kernel_test::random_residual(c.e, n, rng, 300.f);
    return c;
}

const ElemType kDstTypes[] = {ElemType::u8, ElemType::s8, ElemType::s32, ElemType::f32};

std::vector<std::vector<PostOp>> post_op_chains(ElemType sum_type) {
    const PostOp relu = PostOp::relu();
    const PostOp clamp = PostOp::clamp(-20.5f, 100.5f);
    const PostOp sum = PostOp::sum(sum_type, 0.75f, sum_type == ElemType::u8 ? 128.f : 3.f);
    const PostOp atoms[] = {relu, clamp, sum};
    std::vector<std::vector<PostOp>> chains = {{}};
    std::vector<std::vector<PostOp>> frontier = {{}};
    for (int len = 1; len <= 3; ++len) {
        std::vector<std::vector<PostOp>> next;
        for (const auto& f : frontier)
            for (const PostOp& a : atoms) {
                auto ch = f;
                ch.push_back(a);
                int sums = 0;
                for (const PostOp& p : ch) sums += p.kind == PostOp::Kind::sum;
                if (sums > 1) continue;
                next.push_back(ch);
            }
        chains.insert(chains.end(), next.begin(), next.end());
        frontier = next;
    }
    return chains;
}

void report_isas() {
    std::string ran, gen;
    for (const auto& s : g_executed) ran += " " + s;
    for (const auto& s : g_generated_only) gen += " " + s;
    std::printf("[jit] requantize executed on:%s; generated only:%s\n", ran.c_str(),
                gen.empty() ? " (none)" : gen.c_str());
}

}  // namespace

TEST_CASE("requantize: every channel count 1..67 (all tails), every dst type", "[jit]") {
    std::mt19937 rng(1234);
    for (ElemType dst : kDstTypes)
        for (int channels = 1; channels <= 67; ++channels) {
            const std::vector<PostOp> post = {PostOp::relu(), PostOp::sum(ElemType::u8, 0.5f, 2.f)};
            check_case(make_case(rng, dst, channels, post, 2, 2));
        }
    report_isas();
}

TEST_CASE("requantize: every post-op chain, sum from u8/s8/f32, vector sizes 0/1/C", "[jit]") {
    std::mt19937 rng(99);
    for (ElemType sum_type : {ElemType::u8, ElemType::s8, ElemType::f32})
        for (const auto& chain : post_op_chains(sum_type)) {
            bool has_sum = false;
            for (const PostOp& p : chain) has_sum |= p.kind == PostOp::Kind::sum;
            if (!has_sum && sum_type != ElemType::u8) continue;  // sum-free chains once
            for (ElemType dst : kDstTypes)
                for (int size_mode : {0, 1, 2})
                    for (int channels : {1, 5, 8, 16, 19})
                        check_case(make_case(rng, dst, channels, chain, size_mode));
        }
    report_isas();
}

TEST_CASE("requantize: NaN, Inf and exact ties", "[jit]") {
    std::mt19937 rng(7);
    for (ElemType dst : kDstTypes)
        for (int channels : {3, 8, 17, 33}) {
            for (const auto& post : std::vector<std::vector<PostOp>>{
                     {}, {PostOp::relu()}, {PostOp::clamp(-kInf, kInf)}, {PostOp::clamp(-3.5f, 2.5f)},
                     {PostOp::sum(ElemType::f32, 1.f)}, {PostOp::sum(ElemType::f32, 0.f, -0.f)},
                     {PostOp::sum(ElemType::s8, kInf)}}) {
                Case c = make_case(rng, dst, channels, post, 2, 4);
                const float specials[] = {kNaN, kInf, -kInf, 0.f, -0.f, 1e30f, -1e30f, 1e-40f};
                for (int i = 0; i < channels; ++i) {
                    if (i % 3 == 0) c.e.scale[size_t(i)] = specials[size_t(i / 3) % 8];
                    if (i % 5 == 1) c.e.out_scale[size_t(i)] = specials[size_t(i / 5 + 3) % 8];
                    if (i % 7 == 2) c.e.bias[size_t(i)] = specials[size_t(i / 7 + 5) % 8];
                }
                c.acc[0] = 0;  // 0 × Inf
                if (c.e.sum_op() && c.e.sum_op()->sum_type == ElemType::f32)
                    for (size_t i = 0; i < c.acc.size(); i += 4) {
                        const float f = specials[(i / 4) % 8];
                        std::memcpy(&c.residual[i * 4], &f, 4);
                    }
                check_case(c);
            }
            // Pure ties: acc odd, ×0.5, nothing else: every result is k + 0.5.
            Case t = make_case(rng, dst, channels, {}, 0, 2);
            t.e.scale = {0.5f};
            for (size_t i = 0; i < t.acc.size(); ++i) t.acc[i] = int32_t(2 * i + 1) - 40;
            check_case(t);
            // Saturation from both sides.
            Case s = make_case(rng, dst, channels, {}, 0, 2);
            for (size_t i = 0; i < s.acc.size(); ++i) s.acc[i] = (i % 2) ? 2147483647 : -2147483647 - 1;
            check_case(s);
        }
    report_isas();
}

TEST_CASE("requantize: many rows; zero rows touch nothing", "[jit]") {
    std::mt19937 rng(5);
    check_case(make_case(rng, ElemType::u8, 64, {PostOp::relu()}, 2, 257));
    check_case(make_case(rng, ElemType::s8, 3, {PostOp::sum(ElemType::s8, 0.25f)}, 1, 1000));
    ir::Epilogue e;
    e.dst_type = ElemType::u8;
    RequantizeKernel k(best_isa(), e, 8);
    k(nullptr, nullptr, nullptr, 0);  // zero rows: no access
    CHECK_THROWS_AS(k(nullptr, nullptr, nullptr, -1), ArgumentError);
}

TEST_CASE("requantize: invalid epilogues and calls are clear errors", "[jit]") {
    ir::Epilogue e;
    e.scale = {1.f, 2.f};
    CHECK_THROWS_AS(RequantizeKernel(Isa::avx2, e, 3), ArgumentError);
    CHECK_THROWS_AS(RequantizeKernel(Isa::avx2, ir::Epilogue{}, 0), ArgumentError);
    ir::Epilogue two_sums;
    two_sums.post_ops = {PostOp::sum(ElemType::u8, 1.f), PostOp::sum(ElemType::u8, 1.f)};
    CHECK_THROWS_AS(RequantizeKernel(Isa::sse42, two_sums, 4), UnsupportedError);
    ir::Epilogue s32_sum;
    s32_sum.post_ops = {PostOp::sum(ElemType::s32, 1.f)};
    CHECK_THROWS_AS(RequantizeKernel(Isa::sse42, s32_sum, 4), UnsupportedError);

    ir::Epilogue sum;
    sum.post_ops = {PostOp::sum(ElemType::u8, 1.f)};
    RequantizeKernel k(Isa::sse42, sum, 4);
    int32_t acc[4] = {};
    float dst[4];
    CHECK_THROWS_AS(k(acc, nullptr, dst, 1), ArgumentError);
    CHECK(k.name() == "requant_sse42_s32f32_sumu8_c4");
    for (Isa isa : kAllIsas)
        if (!isa_supported(isa)) {
            RequantizeKernel z(isa, ir::Epilogue{}, 4);
            CHECK_THROWS_AS(z(acc, nullptr, dst, 1), UnsupportedError);
        }
}
