// Generated f32 MatMul (kernels/f32/matmul_f32_kernel.hpp) against a double
// precision reference, at every ISA it generates for: M = 1 (GEMV blocks), odd
// M / N / K tails, transpose_b, a constant (packed at construction) and an
// activation B (packed per run) with broadcast batch dims, and the epilogue
// (bias, ReLU, residual sum). Bound as in f32_conv_test.cpp: K·u·Σ|a·b|.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "kernel_test_util.hpp"
#include "kernels/f32/matmul_f32_kernel.hpp"

namespace {

using namespace octet;
using kernels::f32::GemmPost;
using kernels::f32::MatmulF32Args;
using kernels::f32::MatmulF32Desc;
using kernels::f32::MatmulF32Kernel;
using kernel_test::GuardedBytes;


struct Case {
    int64_t batch_a, batch_b;  // A has batch_a elements; B batch_b (1: shared); constant B needs 1
    int64_t m, n, k;
    bool transpose_b, b_const, bias, relu, sum;
    bool relu6 = false;  // clamp(0, 6) after the sum (or after the ReLU)
};

std::string describe(const Case& c) {
    return "ba" + std::to_string(c.batch_a) + "bb" + std::to_string(c.batch_b) + "m" + std::to_string(c.m) + "n" +
           std::to_string(c.n) + "k" + std::to_string(c.k) + (c.transpose_b ? "_tb" : "") +
           (c.b_const ? "_constB" : "_runtimeB") + (c.bias ? "_bias" : "") + (c.relu ? "_relu" : "") +
           (c.sum ? "_sum" : "") + (c.relu6 ? "_relu6" : "");
}

void check_case(const Case& c, jit::Isa isa, std::mt19937& rng) {
    std::normal_distribution<float> nd(0.f, 1.f);
    const int64_t batch = c.batch_a;
    std::vector<float> a(size_t(batch * c.m * c.k)), b(size_t(c.batch_b * c.k * c.n)), res(size_t(batch * c.m * c.n));
    for (float& v : a) v = nd(rng);
    for (float& v : b) v = nd(rng);
    for (float& v : res) v = nd(rng);
    MatmulF32Desc d;
    d.m = c.m;
    d.n = c.n;
    d.k = c.k;
    d.transpose_b = c.transpose_b;
    if (c.bias) {
        d.bias.resize(size_t(c.n));
        for (float& v : d.bias) v = nd(rng);
    }
    if (c.relu) d.post.push_back(GemmPost::relu);
    if (c.sum) d.post.push_back(GemmPost::sum);
    if (c.relu6) d.post.push_back(kernels::f32::GemmPostOp::clamp(0.f, 6.f));
    if (c.b_const) {
        d.m = batch * c.m;  // one B for all: batch folded into M, as the engine does
    } else {
        d.b_count = c.batch_b;
        for (int64_t i = 0; i < batch; ++i) {
            d.a_offsets.push_back(i * c.m * c.k);
            d.b_index.push_back(c.batch_b == 1 ? 0 : i % c.batch_b);
        }
    }
    const MatmulF32Desc desc = d;
    MatmulF32Kernel kern(std::move(d), c.b_const ? b.data() : nullptr, isa);

    GuardedBytes ga(a.size() * 4), gb(b.size() * 4), gr(res.size() * 4), gc(res.size() * 4);
    GuardedBytes gp(std::max<size_t>(kern.packed_b_floats(), 1) * 4);
    ga.fill(a.data());
    gb.fill(b.data());
    gr.fill(res.data());
    MatmulF32Args args;
    args.a = ga.as<float>();
    args.b = gb.as<float>();
    args.b_packed = kern.packed_b_floats() ? gp.as<float>() : nullptr;
    args.residual = c.sum ? gr.as<float>() : nullptr;
    args.c = gc.as<float>();
    kern.pack(args, 0, kern.pack_units());
    kern.run(args, 0, kern.work_units());
    const std::vector<float> whole(gc.as<float>(), gc.as<float>() + res.size());

    const double u = std::ldexp(1.0, -24);
    for (int64_t bt = 0; bt < batch; ++bt) {
        const int64_t bi = c.b_const ? 0 : desc.b_index[size_t(bt)];
        for (int64_t i = 0; i < c.m; ++i)
            for (int64_t j = 0; j < c.n; ++j) {
                double s = 0, mag = 0;
                for (int64_t kk = 0; kk < c.k; ++kk) {
                    const float bv = c.transpose_b ? b[size_t((bi * c.n + j) * c.k + kk)]
                                                   : b[size_t((bi * c.k + kk) * c.n + j)];
                    const double p = double(a[size_t((bt * c.m + i) * c.k + kk)]) * bv;
                    s += p;
                    mag += std::fabs(p);
                }
                if (c.bias) {
                    s += desc.bias[size_t(j)];
                    mag += std::fabs(desc.bias[size_t(j)]);
                }
                if (c.relu) s = std::max(s, 0.0);
                const size_t o = size_t((bt * c.m + i) * c.n + j);
                if (c.sum) {
                    s += res[o];
                    mag += std::fabs(res[o]);
                }
                if (c.relu6) s = std::min(std::max(s, 0.0), 6.0);
                const double bound = 2.0 * double(c.k + 2) * u * mag + 1e-30;
                if (!(std::fabs(whole[o] - s) <= bound)) {
                    FAIL_CHECK(describe(c) << " at " << jit::isa_name(isa) << ": c[" << bt << "][" << i << "][" << j
                                           << "] = " << whole[o] << ", reference " << s << " (bound " << bound << ")");
                    return;
                }
            }
    }
    // Any split of the units gives the same bits.
    std::fill(gc.as<float>(), gc.as<float>() + res.size(), -7.f);
    for (int64_t u0 = kern.pack_units(); u0-- > 0;) kern.pack(args, u0, u0 + 1);
    for (int64_t u0 = kern.work_units(); u0-- > 0;) kern.run(args, u0, u0 + 1);
    CHECK(std::memcmp(whole.data(), gc.as<float>(), whole.size() * 4) == 0);
    emu::note_case(isa, kern.exec_type());
}

}  // namespace

TEST_CASE("f32 matmul JIT: small shapes at every ISA", "[kernels][f32][emu]") {
    std::mt19937 rng(3);
    const std::vector<Case> cases = {
        // ba bb  m   n   k   tb     const  bias   relu   sum
        {1, 1, 1, 37, 19, false, true, true, false, false},   // GEMV, column tail
        {1, 1, 1, 70, 64, true, true, false, true, false},    // GEMV, transpose_b
        {1, 1, 7, 33, 17, false, true, true, true, true},     // row + column tails, full epilogue
        {1, 1, 6, 16, 8, false, true, false, false, false},   // one AVX2 block exactly
        {1, 1, 14, 32, 9, true, true, false, false, true},    // one AVX-512 block exactly
        {3, 1, 5, 65, 31, false, true, true, false, false},   // batch folded into M
        {4, 2, 9, 20, 12, true, false, false, false, false},  // activation B (Q·Kᵀ-like), broadcast batch
        {2, 2, 13, 7, 40, false, false, false, true, true},   // activation B (P·V-like), N below a vector
        {1, 1, 2, 5, 1, false, true, false, false, false},    // K = 1
        {1, 1, 7, 33, 17, false, true, true, false, true, true},   // bias, sum, ReLU6 (clamp post-op)
        {1, 1, 1, 70, 64, true, true, true, false, false, true},   // GEMV, bias, ReLU6
        {2, 2, 13, 7, 40, false, false, true, true, true, true},   // activation B, every post-op
    };
    for (jit::Isa isa : kernel_test::f32_body_isas())
        for (const Case& c : cases) {
            INFO(describe(c) << " at " << jit::isa_name(isa));
            check_case(c, isa, rng);
        }
}

TEST_CASE("f32 matmul JIT: FC and BERT shapes", "[kernels][f32]") {
    std::mt19937 rng(5);
    const std::vector<Case> cases = {
        {1, 1, 1, 1000, 2048, true, true, true, false, false},    // FC at batch 1
        {1, 1, 128, 768, 768, true, true, true, false, false},    // BERT projection
        {1, 1, 128, 3072, 768, true, true, false, false, false},  // BERT intermediate
        {12, 12, 128, 128, 64, true, false, false, false, false}, // Q·Kᵀ
        {12, 12, 128, 64, 128, false, false, false, false, false},// P·V
    };
    for (jit::Isa isa : kernel_test::f32_body_isas())
        for (const Case& c : cases) {
            INFO(describe(c) << " at " << jit::isa_name(isa));
            check_case(c, isa, rng);
        }
}
