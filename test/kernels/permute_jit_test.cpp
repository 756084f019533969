// The JIT int8 permute (kernels/eltwise/jit_permute_kernel.hpp): bit-exact
// (memcmp) with the reference Transpose (kernels/ref) over ranks 1-5, every
// order of rank <= 4, size-1 dims, row tails around each vector width and the
// gather and interleave variants, at every ISA, with src and dst ending right before a PROT_NONE
// page and every split of the work units.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "../emu/emu_cases.hpp"
#include "ir/error.hpp"
#include "kernel_test_util.hpp"
#include "kernels/eltwise/jit_permute_kernel.hpp"
#include "ref_util.hpp"

using namespace octet;
using namespace octet::kernels;
using jit::Isa;
using kernel_test::GuardedBytes;

namespace {

std::vector<uint8_t> reference(const std::vector<int64_t>& shape, const std::vector<int64_t>& order,
                               const std::vector<uint8_t>& src) {
    ir::Shape out(shape.size());
    for (size_t d = 0; d < shape.size(); ++d) out[d] = shape[size_t(order[d])];
    ir::Attributes a;
    a.set("order", order);
    const ir::Tensor y = reftest::eval1(reftest::node("Transpose", a, ir::ElemType::u8, out),
                                        {reftest::make<uint8_t>(ir::Shape(shape.begin(), shape.end()), src)});
    return reftest::values<uint8_t>(y);
}

// Runs every ISA on one problem; returns the cases that ran.
int check_permute(const std::vector<int64_t>& shape, const std::vector<int64_t>& order, ir::ElemType t,
                  std::mt19937& rng, const std::vector<Isa>& isas, const char* want_variant) {
    const size_t n = size_t(std::accumulate(shape.begin(), shape.end(), int64_t(1), std::multiplies<int64_t>()));
    std::vector<uint8_t> in(n);
    for (uint8_t& b : in) b = uint8_t(rng());
    const std::vector<uint8_t> want = reference(shape, order, in);
    int ran = 0;
    for (Isa isa : isas) {
        std::string why;
        auto k = make_permute_jit_kernel(PermuteProblem{shape, order, t, "t"}, isa, why);
        INFO("declined: " << why);
        REQUIRE(k);
        INFO(k->name() << " " << k->exec_type());
        if (want_variant) CHECK(k->exec_type().find(want_variant) != std::string::npos);
        GuardedBytes src(n), dst(n);
        src.fill(in.data());
        for (int64_t splits : {int64_t(1), int64_t(3), k->work_units()}) {
            std::memset(dst.data(), 0xA5, n);
            const int64_t units = k->work_units();
            for (int64_t s = 0; s < splits; ++s)
                k->run(PermuteArgs{src.data(), dst.data()}, units * s / splits, units * (s + 1) / splits);
            REQUIRE(std::memcmp(dst.data(), want.data(), n) == 0);
        }
        emu::note_case(isa, k->exec_type());
        ++ran;
    }
    return ran;
}

// The variant the kernel should pick for a problem (jit_permute_kernel.hpp).
const char* expected_variant(const std::vector<int64_t>& shape, const std::vector<int64_t>& order) {
    const PermuteGeometry g = normalize_permute(shape, order);
    const size_t r = g.dims.size();
    if (g.src_strides[r - 1] == 1) return nullptr;
    if (r >= 2 && g.src_strides[r - 2] == 1 && g.dims[r - 1] >= 2 && g.dims[r - 1] <= 4) return "_interleave_";
    return "_gather_";
}

}  // namespace

TEST_CASE("permute jit: normalization drops unit dims and merges adjacent ones", "[kernels][permute][jit]") {
    const PermuteGeometry bert = normalize_permute({1, 128, 12, 64}, {0, 2, 1, 3});
    CHECK(bert.dims == std::vector<int64_t>{12, 128, 64});
    CHECK(bert.src_strides == std::vector<int64_t>{64, 768, 1});
    const PermuteGeometry id = normalize_permute({2, 3, 4}, {0, 1, 2});
    CHECK(id.dims == std::vector<int64_t>{24});
    const PermuteGeometry nhwc = normalize_permute({2, 3, 4, 5}, {0, 2, 3, 1});
    CHECK(nhwc.dims == std::vector<int64_t>{2, 20, 3});
    CHECK(nhwc.src_strides == std::vector<int64_t>{60, 1, 20});
    CHECK(normalize_permute({1, 1}, {1, 0}).dims == std::vector<int64_t>{1});
    CHECK_THROWS_AS(normalize_permute({2, 3}, {0, 0}), ArgumentError);
    std::string why;
    CHECK_FALSE(make_permute_jit_kernel(PermuteProblem{{2, 3}, {1, 0}, ir::ElemType::f32, ""}, Isa::avx2, why));
    CHECK(why.find("f32") != std::string::npos);
    CHECK_FALSE(make_permute_jit_kernel(PermuteProblem{{2, 3}, {1, 1}, ir::ElemType::u8, ""}, Isa::avx2, why));
}

TEST_CASE("permute jit: bit-exact sweep over orders, tails and variants", "[kernels][permute][jit][emu]") {
    const std::vector<Isa> isas = kernel_test::executed_isas();
    const bool emu_lane = emu::in_emu_lane();
    std::mt19937 rng(3);
    int ran = 0;
    // BERT's head split / merge, with rows around every vector width.
    for (int64_t d : {1, 7, 16, 31, 64, 65, 100, 129, 300}) {
        if (emu_lane && d > 129) continue;
        ran += check_permute({1, 5, 3, d}, {0, 2, 1, 3}, ir::ElemType::s8, rng, isas, "jit_");
    }
    // Every order of a small 4-D tensor (rows and gather variants).
    std::vector<int64_t> order = {0, 1, 2, 3};
    int perm = 0;
    do {
        if (emu_lane && perm++ % 3) continue;
        ran += check_permute({2, 3, 5, 17}, order, ir::ElemType::u8, rng, isas, expected_variant({2, 3, 5, 17}, order));
    } while (std::next_permutation(order.begin(), order.end()));
    // Rank 1, 2, 5, size-1 dims, a single element.
    ran += check_permute({37}, {0}, ir::ElemType::u8, rng, isas, nullptr);
    ran += check_permute({9, 70}, {1, 0}, ir::ElemType::u8, rng, isas, "_gather_");
    ran += check_permute({2, 1, 3, 1, 33}, {4, 1, 0, 3, 2}, ir::ElemType::s8, rng, isas, "_gather_");
    ran += check_permute({2, 3, 1, 4, 40}, {1, 0, 2, 3, 4}, ir::ElemType::s8, rng, isas, nullptr);
    ran += check_permute({1, 1, 1}, {2, 0, 1}, ir::ElemType::u8, rng, isas, nullptr);
    std::printf("permute jit sweep: %d cases\n", ran);
    CHECK(ran > 0);
}

TEST_CASE("permute jit: BERT attention shapes split over many work units", "[kernels][permute][jit]") {
    if (emu::in_emu_lane()) {
        WARN("skipped in the emu lane (large shapes; native runs check them)");
        return;
    }
    std::mt19937 rng(9);
    const std::vector<Isa> isas = kernel_test::executed_isas();
    CHECK(check_permute({1, 128, 12, 64}, {0, 2, 1, 3}, ir::ElemType::s8, rng, isas, "jit_") > 0);
    CHECK(check_permute({1, 12, 128, 64}, {0, 2, 1, 3}, ir::ElemType::s8, rng, isas, "jit_") > 0);
    CHECK(check_permute({1, 12, 128, 64}, {0, 1, 3, 2}, ir::ElemType::s8, rng, isas, "_gather_") > 0);
}

TEST_CASE("permute jit: NCHW to NHWC with 2-5 channels (interleave and gather)", "[kernels][permute][jit][emu]") {
    const std::vector<Isa> isas = kernel_test::executed_isas();
    const bool emu_lane = emu::in_emu_lane();
    std::mt19937 rng(17);
    int ran = 0, interleaved = 0;
    const std::vector<int64_t> nhwc = {0, 2, 3, 1};
    // Pixel counts around the 16-row group (2 groups + tails), a 2-D image and a network input.
    for (int64_t c : {2, 3, 4, 5})
        for (std::vector<int64_t> hw : std::vector<std::vector<int64_t>>{
                 {1, 2}, {1, 15}, {1, 16}, {1, 17}, {1, 31}, {1, 33}, {7, 9}, {5, 64}, {224, 224}}) {
            if (emu_lane && hw[0] * hw[1] > 64) continue;
            for (int64_t n : {1, 2}) {
                const std::vector<int64_t> shape = {n, c, hw[0], hw[1]};
                const char* want = expected_variant(shape, nhwc);
                if (c <= 4) REQUIRE(want == std::string("_interleave_"));
                ran += check_permute(shape, nhwc, c == 3 ? ir::ElemType::u8 : ir::ElemType::s8, rng, isas, want);
                interleaved += c <= 4;
            }
        }
    std::printf("permute jit NCHW->NHWC: %d cases, %d interleaved problems\n", ran, interleaved);
    CHECK(interleaved > 0);
}
