// The JIT integer Relu / Clamp (kernels/eltwise/jit_int8_clamp_kernel.hpp):
// bit-exact (memcmp) with the reference Clamp / Relu (kernels/ref) on u8 and s8
// over lengths around every vector width and unrolling, bounds at and inside
// the type's range, at every ISA, with src and dst ending right before a
// PROT_NONE page and every split of the work units.
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "../emu/emu_cases.hpp"
#include "kernel_test_util.hpp"
#include "kernels/eltwise/jit_int8_clamp_kernel.hpp"
#include "ref_util.hpp"

using namespace octet;
using namespace octet::kernels;
using jit::Isa;
using kernel_test::GuardedBytes;

namespace {

// op "Relu" or "Clamp" with [mn, mx] through the reference, then every ISA.
int check_clamp(const std::string& op, ir::ElemType t, double mn, double mx, int64_t n, std::mt19937& rng,
                const std::vector<Isa>& isas) {
    std::vector<uint8_t> in(static_cast<size_t>(n));
    for (uint8_t& b : in) b = uint8_t(rng());
    ir::Attributes a;
    if (op == "Clamp") {
        a.set("min", ir::AttrValue(mn));
        a.set("max", ir::AttrValue(mx));
    }
    const ir::Tensor x = t == ir::ElemType::u8 ? reftest::make<uint8_t>({n}, in)
                                               : reftest::make<int8_t>({n}, std::vector<int8_t>(in.begin(), in.end()));
    const ir::Tensor y = reftest::eval1(reftest::node(op, a, t, {n}), {x});
    std::vector<uint8_t> want(static_cast<size_t>(n));
    std::memcpy(want.data(), y.raw(), want.size());
    Int8ClampProblem p;
    p.elements = n;
    p.type = t;
    if (op == "Relu") int8_clamp_bounds(t, 0, std::numeric_limits<double>::infinity(), p.lo, p.hi);
    else int8_clamp_bounds(t, mn, mx, p.lo, p.hi);
    int ran = 0;
    for (Isa isa : isas) {
        std::string why;
        auto k = make_int8_clamp_jit_kernel(p, isa, why);
        INFO("declined: " << why);
        REQUIRE(k);
        INFO(k->name() << " n " << n);
        GuardedBytes src(in.size()), dst(in.size());
        src.fill(in.data());
        for (int64_t splits : {int64_t(1), k->work_units()}) {
            std::memset(dst.data(), 0xA5, in.size());
            const int64_t units = k->work_units();
            for (int64_t s = 0; s < splits; ++s)
                k->run(Int8ClampArgs{src.data(), dst.data()}, units * s / splits, units * (s + 1) / splits);
            REQUIRE(std::memcmp(dst.data(), want.data(), want.size()) == 0);
        }
        emu::note_case(isa, k->exec_type());
        ++ran;
    }
    return ran;
}

}  // namespace

TEST_CASE("int8 clamp jit: bit-exact with the reference Relu / Clamp", "[kernels][clamp][jit][emu]") {
    const std::vector<Isa> isas = kernel_test::executed_isas();
    const bool emu_lane = emu::in_emu_lane();
    std::mt19937 rng(11);
    int ran = 0;
    for (int64_t n : {1, 15, 16, 17, 63, 64, 65, 255, 257, 16384 + 77}) {
        if (emu_lane && n > 257) continue;
        ran += check_clamp("Relu", ir::ElemType::s8, 0, 0, n, rng, isas);
        ran += check_clamp("Relu", ir::ElemType::u8, 0, 0, n, rng, isas);
        ran += check_clamp("Clamp", ir::ElemType::u8, 28, 200, n, rng, isas);
        ran += check_clamp("Clamp", ir::ElemType::s8, -100.5, 6.5, n, rng, isas);
        ran += check_clamp("Clamp", ir::ElemType::s8, -1000, 1000, n, rng, isas);
        ran += check_clamp("Clamp", ir::ElemType::u8, 7, 7, n, rng, isas);
    }
    std::printf("int8 clamp jit sweep: %d cases\n", ran);
    CHECK(ran > 0);
    std::string why;
    CHECK_FALSE(make_int8_clamp_jit_kernel(Int8ClampProblem{16, ir::ElemType::f32, 0, 1, ""}, Isa::avx2, why));
    CHECK_FALSE(make_int8_clamp_jit_kernel(Int8ClampProblem{16, ir::ElemType::u8, 5, 4, ""}, Isa::avx2, why));
    CHECK_FALSE(make_int8_clamp_jit_kernel(Int8ClampProblem{16, ir::ElemType::s8, -129, 4, ""}, Isa::avx2, why));
}
