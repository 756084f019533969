// The JIT int8 concat (kernels/eltwise/jit_concat_kernel.hpp): bit-exact
// (memcmp) with the reference Concat (kernels/ref) over axes, ranks, input
// counts and row tails around each vector width, at every ISA, with every
// input and the output ending right before a PROT_NONE page and every split of
// the work units.
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "../emu/emu_cases.hpp"
#include "ir/error.hpp"
#include "kernel_test_util.hpp"
#include "kernels/eltwise/jit_concat_kernel.hpp"
#include "ref_util.hpp"

using namespace octet;
using namespace octet::kernels;
using jit::Isa;
using kernel_test::GuardedBytes;

namespace {

int64_t elems(const std::vector<int64_t>& s) {
    int64_t n = 1;
    for (int64_t d : s) n *= d;
    return n;
}

int check_concat(const std::vector<std::vector<int64_t>>& shapes, int64_t axis, ir::ElemType t, std::mt19937& rng,
                 const std::vector<Isa>& isas) {
    std::vector<ir::Tensor> in;
    std::vector<std::unique_ptr<GuardedBytes>> guarded;
    ir::Shape out(shapes[0].begin(), shapes[0].end());
    const size_t a = size_t(axis < 0 ? axis + int64_t(out.size()) : axis);
    out[a] = 0;
    for (const auto& s : shapes) {
        std::vector<uint8_t> v(static_cast<size_t>(elems(s)));
        for (uint8_t& b : v) b = uint8_t(rng());
        in.push_back(reftest::make<uint8_t>(ir::Shape(s.begin(), s.end()), v));
        guarded.push_back(std::make_unique<GuardedBytes>(v.size()));
        guarded.back()->fill(v.data());
        out[a] += s[a];
    }
    ir::Attributes attrs;
    attrs.set("axis", ir::AttrValue(axis));
    const std::vector<uint8_t> want = reftest::values<uint8_t>(reftest::eval1(reftest::node("Concat", attrs, ir::ElemType::u8, out), in));
    std::vector<const void*> srcs;
    for (auto& g : guarded) srcs.push_back(g->data());
    int ran = 0;
    for (Isa isa : isas) {
        std::string why;
        auto k = make_concat_jit_kernel(ConcatProblem{shapes, axis, t, "c"}, isa, why);
        INFO("declined: " << why);
        REQUIRE(k);
        INFO(k->name());
        CHECK(k->exec_type() == std::string("jit_") + (isa == Isa::avx512_core ? "avx512" : isa == Isa::avx512_core_vnni ? "avx512_vnni" : jit::isa_name(isa)) + "_I8");
        GuardedBytes dst(want.size());
        for (int64_t splits : {int64_t(1), int64_t(2), k->work_units()}) {
            std::memset(dst.data(), 0xA5, want.size());
            const int64_t units = k->work_units();
            for (int64_t s = 0; s < splits; ++s)
                k->run(ConcatArgs{srcs.data(), dst.data()}, units * s / splits, units * (s + 1) / splits);
            REQUIRE(std::memcmp(dst.data(), want.data(), want.size()) == 0);
        }
        emu::note_case(isa, k->exec_type());
        ++ran;
    }
    return ran;
}

}  // namespace

TEST_CASE("concat jit: bit-exact sweep over axes, inputs and tails", "[kernels][concat][jit][emu]") {
    const std::vector<Isa> isas = kernel_test::executed_isas();
    std::mt19937 rng(5);
    int ran = 0;
    for (int64_t c : {1, 3, 16, 33, 64, 70}) {
        ran += check_concat({{2, c, 3, 5}, {2, 7, 3, 5}}, 1, ir::ElemType::u8, rng, isas);   // channels (NCHW)
        ran += check_concat({{2, 3, 4, c}, {2, 3, 4, 17}, {2, 3, 4, 1}}, -1, ir::ElemType::s8, rng, isas);  // innermost
    }
    ran += check_concat({{3, 5, 2}, {4, 5, 2}}, 0, ir::ElemType::s8, rng, isas);  // outermost: one row
    ran += check_concat({{1, 200}}, 1, ir::ElemType::u8, rng, isas);              // a single input
    ran += check_concat({{1, 128, 12, 64}, {1, 128, 12, 64}}, 2, ir::ElemType::s8, rng, isas);
    std::printf("concat jit sweep: %d cases\n", ran);
    CHECK(ran > 0);
}

TEST_CASE("concat jit: declines what it cannot concatenate", "[kernels][concat][jit]") {
    std::string why;
    CHECK_FALSE(make_concat_jit_kernel(ConcatProblem{{{2, 3}, {2, 4}}, 1, ir::ElemType::f32, ""}, Isa::avx2, why));
    CHECK(why.find("f32") != std::string::npos);
    CHECK_FALSE(make_concat_jit_kernel(ConcatProblem{{{2, 3}, {3, 4}}, 1, ir::ElemType::u8, ""}, Isa::avx2, why));
    CHECK_FALSE(make_concat_jit_kernel(ConcatProblem{{{2, 3}, {2, 3, 1}}, 1, ir::ElemType::u8, ""}, Isa::avx2, why));
    CHECK_FALSE(make_concat_jit_kernel(ConcatProblem{{{2, 3}}, 2, ir::ElemType::u8, ""}, Isa::avx2, why));
    CHECK_FALSE(make_concat_jit_kernel(ConcatProblem{{}, 0, ir::ElemType::u8, ""}, Isa::avx2, why));
}
