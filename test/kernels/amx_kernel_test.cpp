// The AMX int8 matmul, 1×1 conv and im2col conv (kernels/matmul/amx_matmul_kernel.hpp,
// kernels/conv/amx_conv1x1_kernel.hpp, kernels/conv/amx_conv_kernel.hpp): bit-exact (memcmp) against the references
// over row/column/K tails, batches, u8/s8 A, zero points, every dst type and post-op
// chain, and any split of the work units. Buffers end against a PROT_NONE page.
//
// AMX executes only on CPUs with AMX-TILE/AMX-INT8 (Sapphire Rapids and later); no
// emulator available here has it. On such a CPU the sweeps run (the lead's device runs
// them: see bench/README.md, "AMX"); elsewhere the code is still generated for every
// case and run() must refuse with UnsupportedError.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "ir/epilogue.hpp"
#include "ir/error.hpp"
#include "jit/cpu.hpp"
#include "kernel_test_util.hpp"
#include "kernels/conv/amx_conv1x1_kernel.hpp"
#include "kernels/conv/amx_conv_kernel.hpp"
#include "kernels/conv/desc.hpp"
#include "kernels/conv/ref.hpp"
#include "kernels/matmul/amx_matmul_kernel.hpp"
#include "kernels/matmul/ref.hpp"
#include "kernels/registry.hpp"

using namespace octet;
using namespace octet::kernels;
using ir::ElemType;
using jit::Isa;

namespace {

using kernel_test::GuardedBytes;

std::vector<float> channel_vector(std::mt19937& rng, int64_t n, int kind, float lo, float hi) {
    std::uniform_real_distribution<float> u(lo, hi);
    std::vector<float> v(kind == 0 ? 0 : kind == 1 ? 1 : size_t(n));
    for (float& x : v) x = u(rng);
    return v;
}

// An epilogue chosen by `variant` so a sweep rotates through dst types and post-op chains.
ir::Epilogue make_epilogue(std::mt19937& rng, int64_t n, int64_t k, int variant) {
    ir::Epilogue e;
    const ElemType dsts[] = {ElemType::u8, ElemType::s8, ElemType::s32, ElemType::f32};
    e.dst_type = dsts[variant % 4];
    const float s = 0.02f / std::sqrt(float(k));
    e.scale = channel_vector(rng, n, (variant / 4) % 3, 0.5f * s, 1.5f * s);
    e.bias = channel_vector(rng, n, (variant / 2) % 3, -20.f, 20.f);
    const ElemType res_types[] = {ElemType::u8, ElemType::s8, ElemType::f32};
    switch ((variant / 3) % 4) {
    case 0: break;
    case 1: e.post_ops = {ir::PostOp::relu()}; break;
    case 2: e.post_ops = {ir::PostOp::sum(res_types[variant % 3], 0.5f, float(variant % 7) - 3.f)}; break;
    case 3: e.post_ops = {ir::PostOp::sum(res_types[(variant + 1) % 3], 1.25f), ir::PostOp::clamp(0.f, 90.f)}; break;
    }
    e.out_scale = channel_vector(rng, n, (variant / 5) % 3, 0.5f, 2.f);
    e.out_shift = channel_vector(rng, n, (variant / 7) % 3, -3.f, 3.f);
    return e;
}

struct MatmulCase {
    MatmulProblem p;
    std::vector<uint8_t> a, residual;
};

MatmulCase make_matmul_case(int64_t batch, int64_t m, int64_t k, int64_t n, ElemType a_t, int32_t zp, int variant) {
    std::mt19937 rng(uint32_t(variant * 7919 + m * 31 + k * 17 + n));
    MatmulCase c;
    if (batch > 1) c.p.desc.batch_dims = {batch};
    c.p.desc.m = m;
    c.p.desc.k = k;
    c.p.desc.n = n;
    c.p.a_type = a_t;
    c.p.a_zero_point = zp;
    std::uniform_int_distribution<int> byte(0, 255), bit(0, 3);
    c.p.b.resize(size_t(c.p.desc.b_elems()));
    for (int8_t& w : c.p.b) w = bit(rng) == 0 ? int8_t(bit(rng) & 1 ? 127 : -128) : int8_t(byte(rng) - 128);
    c.a.resize(size_t(c.p.desc.a_elems()));
    for (uint8_t& x : c.a) x = bit(rng) == 0 ? uint8_t(bit(rng) & 1 ? 255 : 128) : uint8_t(byte(rng));
    c.p.epilogue = make_epilogue(rng, n, k, variant);
    c.residual = kernel_test::random_residual(c.p.epilogue, size_t(c.p.desc.dst_elems()), rng, 100.f);
    return c;
}

std::vector<uint8_t> matmul_reference(const MatmulCase& c) {
    std::vector<uint8_t> dst(size_t(c.p.desc.dst_elems()) * ir::elem_size(c.p.epilogue.dst_type));
    ref::matmul_int8(c.p.desc, c.p.a_type, c.a.data(), c.p.a_zero_point, c.p.b.data(), c.p.epilogue,
                     c.residual.empty() ? nullptr : c.residual.data(), dst.data());
    return dst;
}

std::vector<uint8_t> run_matmul(const MatmulKernel& k, const MatmulCase& c, int splits) {
    GuardedBytes a(c.a.size()), dst(size_t(c.p.desc.dst_elems()) * ir::elem_size(c.p.epilogue.dst_type));
    a.fill(c.a.data());
    std::memset(dst.data(), 0xA5, dst.size());
    std::unique_ptr<GuardedBytes> res;
    if (!c.residual.empty()) {
        res = std::make_unique<GuardedBytes>(c.residual.size());
        res->fill(c.residual.data());
    }
    MatmulArgs args{a.data(), res ? res->data() : nullptr, dst.data(), nullptr};
    const int64_t units = k.work_units();
    for (int s = 0; s < splits; ++s) k.run(args, units * s / splits, units * (s + 1) / splits);
    return std::vector<uint8_t>(dst.data(), dst.data() + dst.size());
}

}  // namespace

TEST_CASE("amx matmul: declines what it is not for", "[kernels][matmul][amx]") {
    std::string why;
    MatmulCase c = make_matmul_case(1, 64, 64, 64, ElemType::u8, 0, 0);
    CHECK_FALSE(make_matmul_amx_kernel(c.p, Isa::avx512_core_vnni, why));
    CHECK(why.find("not amx") != std::string::npos);
    MatmulCase small = make_matmul_case(1, 1, 64, 64, ElemType::u8, 0, 0);
    CHECK_FALSE(make_matmul_amx_kernel(small.p, Isa::amx, why));
    CHECK(why.find("M = 1") != std::string::npos);
    c.p.b_runtime = true;
    CHECK_FALSE(make_matmul_amx_kernel(c.p, Isa::amx, why));
    CHECK(why.find("run-time B") != std::string::npos);
}

TEST_CASE("amx matmul: bit-exact sweep over tails, types and post-ops", "[kernels][matmul][amx]") {
    const bool run_here = jit::isa_supported(Isa::amx);
    long executed = 0, generated = 0;
    int variant = 0;
    for (int64_t m : {16, 17, 31, 32, 33, 64, 100})
        for (int64_t k : {4, 63, 64, 65, 130, 256})
            for (int64_t n : {1, 15, 16, 17, 32, 33, 70}) {
                ++variant;
                const int64_t batch = variant % 5 == 0 ? 2 : 1;
                const ElemType a_t = variant % 2 ? ElemType::u8 : ElemType::s8;
                const int32_t zp = variant % 3 == 0 ? 0 : (a_t == ElemType::u8 ? 128 - variant % 5 : variant % 9 - 4);
                const MatmulCase c = make_matmul_case(batch, m, k, n, a_t, zp, variant);
                std::string why;
                auto kern = make_matmul_amx_kernel(c.p, Isa::amx, why);
                INFO(to_string(c.p.desc) << " a " << ir::to_string(a_t) << " zp " << zp << " dst "
                                         << ir::to_string(c.p.epilogue.dst_type) << " declined: " << why);
                REQUIRE(kern);
                CHECK(kern->exec_type() == "jit_amx_I8");
                ++generated;
                if (!run_here) {
                    MatmulArgs none{c.a.data(), nullptr, nullptr, nullptr};
                    CHECK_THROWS_AS(kern->run(none, 0, kern->work_units()), UnsupportedError);
                    continue;
                }
                const auto want = matmul_reference(c);
                for (int splits : {1, 3}) {
                    INFO("splits " << splits);
                    CHECK(run_matmul(*kern, c, splits) == want);
                }
                ++executed;
            }
    std::printf("amx matmul: %ld cases generated, %ld executed (%s)\n", generated, executed,
                run_here ? "AMX present" : "no AMX on this CPU: generation and refusal only");
    if (run_here) CHECK(executed == generated);
}

TEST_CASE("amx conv 1x1: bit-exact against the conv reference, chosen by the registry at amx",
          "[kernels][conv][amx]") {
    const bool run_here = jit::isa_supported(Isa::amx);
    int variant = 0;
    for (const char* desc : {"mb1ic64ih7oc96oh7kh1", "mb2ic123ih5iw9oc33oh5ow9kh1kw1", "mb1ic256ih14oc64oh14kh1",
                             "mb1ic128ih5oc256oh5kh1"}) {
        ++variant;
        ConvProblem p;
        p.desc = parse_conv_desc(desc);
        p.src_type = variant % 2 ? ElemType::u8 : ElemType::s8;
        p.src_zero_point = variant == 3 ? 7 : 0;
        std::mt19937 rng{uint32_t(variant)};
        std::uniform_int_distribution<int> byte(0, 255);
        p.weights.resize(size_t(p.desc.wei_elems()));
        for (int8_t& w : p.weights) w = int8_t(byte(rng) - 128);
        std::vector<uint8_t> src(size_t(p.desc.src_elems()));
        for (uint8_t& x : src) x = uint8_t(byte(rng));
        p.epilogue = make_epilogue(rng, p.desc.oc, p.desc.ic, variant * 3 + 1);
        const auto residual = kernel_test::random_residual(p.epilogue, size_t(p.desc.dst_elems()), rng, 100.f);

        DeclineLog declined;
        auto kern = create_conv_kernel(p, Isa::amx, &declined);
        INFO(desc);
        REQUIRE(kern);
        CHECK(kern->exec_type() == "jit_amx_1x1_I8");
        if (!run_here) continue;
        std::vector<uint8_t> want(size_t(p.desc.dst_elems()) * ir::elem_size(p.epilogue.dst_type));
        ref::conv_int8(p.desc, p.src_type, src.data(), p.weights.data(), p.src_zero_point, p.epilogue,
                       residual.empty() ? nullptr : residual.data(), want.data());
        GuardedBytes s(src.size()), d(want.size());
        s.fill(src.data());
        std::unique_ptr<GuardedBytes> r;
        if (!residual.empty()) {
            r = std::make_unique<GuardedBytes>(residual.size());
            r->fill(residual.data());
        }
        kern->run(ConvArgs{s.data(), r ? r->data() : nullptr, d.data()});
        CHECK(std::vector<uint8_t>(d.data(), d.data() + d.size()) == want);
    }
    // Input channels that pad by more than 10 % to the 64-byte tile rows go to the VNNI 1x1 kernel.
    for (const char* desc : {"mb1ic37ih7oc33oh7kh1", "mb1ic160ih7oc96oh7kh1", "mb1ic24ih14oc144oh14kh1"}) {
        ConvProblem pk;
        pk.desc = parse_conv_desc(desc);
        pk.weights.assign(size_t(pk.desc.wei_elems()), 3);
        pk.epilogue.dst_type = ElemType::u8;
        std::string why;
        INFO(desc);
        CHECK_FALSE(make_conv_amx_1x1_kernel(pk, Isa::amx, why));
        CHECK(why.find("padded to") != std::string::npos);
        CHECK(create_conv_kernel(pk, Isa::amx)->exec_type() == "jit_avx512_vnni_1x1_I8");
    }
    // A 3x3 or strided 1x1 is not for it.
    ConvProblem p3;
    p3.desc = parse_conv_desc("mb1ic64ih7oc64oh7kh3ph1");
    p3.weights.assign(size_t(p3.desc.wei_elems()), 1);
    std::string why;
    CHECK_FALSE(make_conv_amx_1x1_kernel(p3, Isa::amx, why));
    CHECK(why.find("1x1") != std::string::npos);
}

TEST_CASE("amx conv: im2col kernel bit-exact over windows, strides, padding, dilation, zero points",
          "[kernels][conv][amx]") {
    const bool run_here = jit::isa_supported(Isa::amx);
    int variant = 0, executed = 0;
    for (const char* desc :
         {"mb1ic64ih9oc64oh9kh3ph1", "mb1ic16ih30oc64oh15kh7sh2ph3", "mb2ic40ih11iw7oc70oh6ow4kh3kw3sh2sw2ph1pw1",
          "mb1ic256ih14oc512oh7kh1sh2", "mb1ic32ih12oc33oh8kh3dh1", "mb1ic17ih8iw9oc20oh8ow9kh3kw3ph0pw2",
          "mb1ic64ih6oc96oh6kh3ph1", "mb1ic130ih5oc31oh5kh3ph1",
          // Several pixel blocks per call: groups of 3 with a last group of one 8-row block;
          // groups of 2 whose last holds a full block and the 30-row tail, across 2 images.
          "mb1ic64ih40iw41oc64oh40ow41kh3kw3ph1pw1", "mb2ic24ih25iw23oc48oh25ow23kh3kw3ph1pw1"}) {
        ++variant;
        ConvProblem p;
        p.desc = parse_conv_desc(desc);
        p.src_type = variant % 2 ? ElemType::u8 : ElemType::s8;
        p.src_zero_point = variant % 3 == 0 ? (p.src_type == ElemType::u8 ? 131 : -5) : 0;
        std::mt19937 rng{uint32_t(100 + variant)};
        std::uniform_int_distribution<int> byte(0, 255);
        p.weights.resize(size_t(p.desc.wei_elems()));
        for (int8_t& w : p.weights) w = int8_t(byte(rng) - 128);
        std::vector<uint8_t> src(size_t(p.desc.src_elems()));
        for (uint8_t& x : src) x = uint8_t(byte(rng));
        p.epilogue = make_epilogue(rng, p.desc.oc, p.desc.ic * p.desc.kh * p.desc.kw, variant * 5 + 2);
        const auto residual = kernel_test::random_residual(p.epilogue, size_t(p.desc.dst_elems()), rng, 100.f);

        DeclineLog declined;
        auto kern = create_conv_kernel(p, Isa::amx, &declined);
        INFO(desc << " src " << ir::to_string(p.src_type) << " zp " << p.src_zero_point);
        REQUIRE(kern);
        CHECK(kern->exec_type() == "jit_amx_I8");
        if (!run_here) {
            CHECK_THROWS_AS(kern->run(ConvArgs{src.data(), nullptr, nullptr}), UnsupportedError);
            continue;
        }
        std::vector<uint8_t> want(size_t(p.desc.dst_elems()) * ir::elem_size(p.epilogue.dst_type));
        ref::conv_int8(p.desc, p.src_type, src.data(), p.weights.data(), p.src_zero_point, p.epilogue,
                       residual.empty() ? nullptr : residual.data(), want.data());
        GuardedBytes s(src.size()), d(want.size());
        s.fill(src.data());
        std::unique_ptr<GuardedBytes> r;
        if (!residual.empty()) {
            r = std::make_unique<GuardedBytes>(residual.size());
            r->fill(residual.data());
        }
        const int64_t units = kern->work_units();
        for (int splits : {1, 3}) {
            std::memset(d.data(), 0xA5, d.size());
            for (int sp = 0; sp < splits; ++sp)
                kern->run(ConvArgs{s.data(), r ? r->data() : nullptr, d.data()}, units * sp / splits,
                          units * (sp + 1) / splits);
            INFO("splits " << splits);
            CHECK(std::vector<uint8_t>(d.data(), d.data() + d.size()) == want);
        }
        ++executed;
    }
    std::printf("amx conv: %d cases executed (%s)\n", executed, run_here ? "AMX present" : "no AMX on this CPU");
    // The 3-channel first layer goes to the VNNI kernel.
    ConvProblem p1;
    p1.desc = parse_conv_desc("mb1ic3ih224oc64oh112kh7sh2ph3");
    p1.weights.assign(size_t(p1.desc.wei_elems()), 1);
    std::string why1;
    CHECK_FALSE(make_conv_amx_kernel(p1, Isa::amx, why1));
    CHECK(why1.find("IC = 3") != std::string::npos);
    // Grouped convolutions are not for it.
    ConvProblem pg;
    pg.desc = parse_conv_desc("g2mb1ic64ih7oc64oh7kh3ph1");
    pg.weights.assign(size_t(pg.desc.wei_elems()), 1);
    std::string why;
    CHECK_FALSE(make_conv_amx_kernel(pg, Isa::amx, why));
    CHECK(why.find("grouped") != std::string::npos);
}
