// The JIT nearest Interpolate on u8/s8 (kernels/eltwise/jit_nearest_kernel.hpp):
// bit-exact (memcmp) with the reference Interpolate (kernels/ref) over up- and
// downscaling, sizes and scales, every coordinate transformation and nearest
// mode, at every ISA, with src and dst ending right before a PROT_NONE page and
// every split of the work units.
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "../emu/emu_cases.hpp"
#include "kernel_test_util.hpp"
#include "kernels/eltwise/jit_nearest_kernel.hpp"
#include "ref_util.hpp"

using namespace octet;
using namespace octet::kernels;
using jit::Isa;
using kernel_test::GuardedBytes;

namespace {

int check_nearest(const ir::Shape& in, int64_t oh, int64_t ow, const std::string& ctm, const std::string& nm,
                  bool scales, ir::ElemType t, std::mt19937& rng, const std::vector<Isa>& isas) {
    ir::Attributes a;
    a.set("mode", "nearest");
    a.set("coordinate_transformation_mode", ctm.c_str());
    a.set("nearest_mode", nm.c_str());
    if (scales) a.set("scales", std::vector<double>{double(oh) / double(in[2]), double(ow) / double(in[3])});
    else a.set("sizes", std::vector<int64_t>{oh, ow});
    const ir::Shape out = {in[0], in[1], oh, ow};
    const ir::Node n = reftest::node("Interpolate", a, t, out);
    std::vector<uint8_t> v(static_cast<size_t>(in[0] * in[1] * in[2] * in[3]));
    for (uint8_t& b : v) b = uint8_t(rng());
    ir::Tensor x(t, in);
    std::memcpy(x.raw(), v.data(), v.size());
    const ir::Tensor y = reftest::eval1(n, {x});
    const size_t out_bytes = size_t(y.numel());
    int ran = 0;
    for (Isa isa : isas) {
        std::string why;
        auto k = make_nearest_jit_kernel(nearest_problem_of(n, in, t), isa, why);
        INFO("declined: " << why);
        REQUIRE(k);
        INFO(k->name() << " " << ctm << " " << nm << " scales " << scales);
        CHECK(k->exec_type().find("_nearest_I8") != std::string::npos);
        GuardedBytes src(v.size()), dst(out_bytes);
        src.fill(v.data());
        for (int64_t splits : {int64_t(1), k->work_units()}) {
            std::memset(dst.data(), 0xA5, out_bytes);
            const int64_t units = k->work_units();
            for (int64_t s = 0; s < splits; ++s)
                k->run(NearestArgs{src.data(), dst.data()}, units * s / splits, units * (s + 1) / splits);
            REQUIRE(std::memcmp(dst.data(), y.raw(), out_bytes) == 0);
        }
        emu::note_case(isa, k->exec_type());
        ++ran;
    }
    return ran;
}

}  // namespace

TEST_CASE("nearest jit: bit-exact with the reference Interpolate", "[kernels][nearest][jit][emu]") {
    const std::vector<Isa> isas = kernel_test::executed_isas();
    std::mt19937 rng(13);
    int ran = 0;
    const char* ctms[] = {"half_pixel", "asymmetric", "align_corners", "pytorch_half_pixel", "tf_half_pixel_for_nn"};
    const char* nms[] = {"round_prefer_floor", "round_prefer_ceil", "floor", "ceil", "simple"};
    for (int i = 0; i < 5; ++i) {
        ran += check_nearest({1, 3, 5, 7}, 10, 14, ctms[i], nms[i], false, ir::ElemType::u8, rng, isas);  // 2x up
        ran += check_nearest({2, 2, 9, 6}, 4, 13, ctms[(i + 2) % 5], nms[i], i % 2 == 0, ir::ElemType::s8, rng, isas);
    }
    ran += check_nearest({1, 1, 1, 1}, 3, 1, "asymmetric", "floor", false, ir::ElemType::u8, rng, isas);
    std::printf("nearest jit sweep: %d cases\n", ran);
    CHECK(ran > 0);
    std::string why;
    NearestProblem bad;
    bad.in_plane = 4;
    bad.source = {0, 4};
    CHECK_FALSE(make_nearest_jit_kernel(bad, Isa::avx2, why));
    bad.source = {0, 3};
    bad.type = ir::ElemType::f32;
    CHECK_FALSE(make_nearest_jit_kernel(bad, Isa::avx2, why));
}
