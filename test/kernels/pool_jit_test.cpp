// The JIT int8 pooling: bit-exact (memcmp) with kernels/pool/ref.hpp for max,
// avg_np and avg_p over channel tails, kernels, strides, pads, ceil mode and
// global pooling, u8/s8 with extremes, with a PROT_NONE page right after src and
// dst to catch any access past them.
#include <catch2/catch.hpp>

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "../emu/emu_cases.hpp"
#include "kernel_test_util.hpp"
#include "jit/cpu.hpp"
#include "kernels/pool/desc.hpp"
#include "kernels/pool/jit_pool_kernel.hpp"
#include "kernels/pool/ref.hpp"

using namespace octet;
using namespace octet::kernels;
using ir::ElemType;
using jit::Isa;

namespace {

using kernel_test::executed_isas;
using kernel_test::GuardedBytes;
using kernel_test::kGenIsas;
// fill >= 0: every source byte is `fill` (the extremes of the avg sums).
int check_pool(const PoolProblem& p, std::mt19937& rng, bool print, int fill = -1) {
    const PoolDesc& d = p.desc;
    const size_t sb = size_t(d.src_elems()), db = size_t(d.dst_elems());
    GuardedBytes src(sb), dst(db);
    std::uniform_int_distribution<int> dist(0, 255);
    for (size_t i = 0; i < sb; ++i) {
        const int r = dist(rng);
        src.data()[i] = fill >= 0 ? uint8_t(fill) : uint8_t(r < 30 ? 0xFF : r < 60 ? 0x80 : r < 70 ? 0x7F : r < 80 ? 0 : dist(rng));
    }
    std::vector<uint8_t> expect(db);
    ref::pool_int8(d, p.type, src.data(), expect.data());
    const auto run_isas = executed_isas();
    int executed = 0;
    for (Isa isa : kGenIsas) {
        std::string why;
        auto k = make_pool_jit_kernel(p, isa, why);
        INFO(to_string(d) << " alg " << to_string(d.alg) << " " << ir::to_string(p.type) << " isa "
                          << jit::isa_name(isa) << " declined: " << why);
        REQUIRE(k);
        if (std::find(run_isas.begin(), run_isas.end(), isa) == run_isas.end()) continue;  // generate only
        std::memset(dst.data(), 0x5A, db);
        const int64_t mid = k->work_units() / 3;
        k->run(PoolArgs{src.data(), dst.data()}, 0, mid);
        k->run(PoolArgs{src.data(), dst.data()}, mid, k->work_units());
        INFO("exec " << k->exec_type() << " " << k->name());
        REQUIRE(std::memcmp(dst.data(), expect.data(), db) == 0);
        emu::note_case(isa, k->exec_type());
        if (print) std::printf("  pool jit executed at %s (%s)\n", jit::isa_name(isa), k->exec_type().c_str());
        ++executed;
    }
    return executed;
}

}  // namespace

TEST_CASE("pool jit: bit-exact sweep (max/avg_np/avg_p, tails, pads, ceil, global)", "[kernels][pool][jit][emu]") {
    std::mt19937 rng(99);
    const int channels[] = {1, 3, 5, 8, 15, 16, 17, 31, 33, 64, 67, 130};
    const char* geoms[] = {
        "ih6iw6kh2kw2sh2sw2",        // 2x2 s2
        "ih7oh4kh2sh2",              // ceil mode: end padding 1
        "ih7iw8kh3kw3sh2sw2ph1pw1",  // 3x3 s2 pad 1 (ResNet's max pool)
        "ih5iw6kh3kw3ph1pw1",        // 3x3 s1 pad 1
        "ih7oh4kh3sh2ph1",           // pad 1 + ceil: asymmetric
        "ih5iw6kh5kw6",              // global
        "ih3iw9oh3ow5kh3kw3sh1sw2ph1pw1",
        "ih2iw2oh2ow2kh3kw3ph1pw1",  // windows wider than the input
    };
    const PoolAlg algs[] = {PoolAlg::max, PoolAlg::avg_np, PoolAlg::avg_p};
    int executed = 0, i = 0;
    for (const char* g : geoms)
        for (int c : channels)
            for (PoolAlg alg : algs) {
                PoolProblem p;
                p.desc = parse_pool_desc("mb1ic" + std::to_string(c) + g, alg);
                p.type = (i++ % 2) ? ElemType::s8 : ElemType::u8;
                executed += check_pool(p, rng, i == 1);
            }
    for (PoolAlg alg : algs)
        for (ElemType t : {ElemType::u8, ElemType::s8}) {
            PoolProblem p;
            p.desc = parse_pool_desc("mb2ic35ih9iw10oh5ow5kh3kw3sh2sw2ph1pw1", alg);
            p.type = t;
            executed += check_pool(p, rng, false);
        }
    std::printf("pool jit sweep: %d problem x ISA runs executed bit-exact\n", executed);
    CHECK(executed > 0);
}

TEST_CASE("pool jit: network shapes at the best ISA", "[kernels][pool][jit]") {
    std::mt19937 rng(5);
    struct Shape { const char* desc; PoolAlg alg; };
    const Shape shapes[] = {
        {"mb1ic64ih112oh56kh3sh2ph1", PoolAlg::max},   // ResNet-50 pool1
        {"mb1ic2048ih7oh1kh7", PoolAlg::avg_np},       // ResNet-50 global average
        {"mb1ic1280ih7oh1kh7", PoolAlg::avg_p},        // MobileNetV2 global average
    };
    for (const Shape& s : shapes)
        for (ElemType t : {ElemType::u8, ElemType::s8}) {
            PoolProblem p;
            p.desc = parse_pool_desc(s.desc, s.alg);
            p.type = t;
            CHECK(check_pool(p, rng, false) > 0);
        }
}

// The avg's 16-bit sums (AVX2/AVX-512, windows of at most 257 taps): channel counts
// through the 4-vector loop, single vectors and the s32 tail, and windows at and past
// the tap bound with every byte at an extreme (u8 255: the sums' largest; s8 -128 / 127).
TEST_CASE("pool jit: avg 16-bit sums at the tap bound", "[kernels][pool][jit]") {
    std::mt19937 rng(17);
    const char* geoms[] = {"ih16iw16kh16kw16", "ih17iw16kh17kw16", "ih16iw17kh16kw16sw1", "ih7kh7",
                           "ih9iw9kh3kw3sh2sw2ph1pw1"};
    int executed = 0;
    for (const char* g : geoms)
        for (int c : {32, 96, 256, 300, 520})
            for (PoolAlg alg : {PoolAlg::avg_np, PoolAlg::avg_p})
                for (ElemType t : {ElemType::u8, ElemType::s8})
                    for (int fill : {-1, 0xFF, 0x80, 0x7F}) {
                        PoolProblem p;
                        p.desc = parse_pool_desc("mb1ic" + std::to_string(c) + g, alg);
                        p.type = t;
                        executed += check_pool(p, rng, false, fill);
                    }
    CHECK(executed > 0);
}
