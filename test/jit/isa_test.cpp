// ISA names, the cap relation, OCTET_MAX_ISA, and detection against Xbyak's.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>

#include <xbyak/xbyak_util.h>

#include "ir/error.hpp"
#include "jit/cpu.hpp"
#include "jit/isa.hpp"
#include "../scoped_env.hpp"

using namespace octet;
using namespace octet::jit;

namespace {

using test::ScopedEnv;

constexpr Isa kPreference[] = {Isa::amx, Isa::avx512_core_vnni, Isa::avx512_core,
                               Isa::avx_vnni, Isa::avx2, Isa::sse42};

}  // namespace

TEST_CASE("isa names round-trip and bad names list the valid ones", "[jit]") {
    for (Isa i : kAllIsas) CHECK(parse_isa(isa_name(i)) == i);
    CHECK(std::string(isa_name(Isa::avx512_core_vnni)) == "avx512_core_vnni");
    try {
        parse_isa("avx3");
        FAIL("parse_isa accepted avx3");
    } catch (const ArgumentError& e) {
        const std::string m = e.what();
        CHECK(m.find("avx3") != std::string::npos);
        for (Isa i : kAllIsas) CHECK(m.find(isa_name(i)) != std::string::npos);
    }
    CHECK_THROWS_AS(parse_isa(""), ArgumentError);
    CHECK_THROWS_AS(parse_isa("AVX2"), ArgumentError);
}

TEST_CASE("the cap relation is feature-set inclusion", "[jit]") {
    for (Isa i : kAllIsas) {
        CHECK(isa_is_subset(i, i));
        CHECK(isa_is_subset(Isa::sse42, i));
        CHECK(isa_is_subset(i, Isa::amx));  // amx as a cap admits everything
    }
    CHECK(isa_is_subset(Isa::avx2, Isa::avx512_core));
    CHECK(isa_is_subset(Isa::avx512_core, Isa::avx512_core_vnni));
    CHECK(isa_is_subset(Isa::avx2, Isa::avx_vnni));
    CHECK_FALSE(isa_is_subset(Isa::avx_vnni, Isa::avx2));
    CHECK_FALSE(isa_is_subset(Isa::avx_vnni, Isa::avx512_core));
    CHECK_FALSE(isa_is_subset(Isa::avx_vnni, Isa::avx512_core_vnni));
    CHECK_FALSE(isa_is_subset(Isa::avx512_core, Isa::avx_vnni));
    CHECK_FALSE(isa_is_subset(Isa::avx512_core_vnni, Isa::avx512_core));
    CHECK_FALSE(isa_is_subset(Isa::avx2, Isa::sse42));
    CHECK_FALSE(isa_is_subset(Isa::amx, Isa::avx512_core_vnni));
}

TEST_CASE("traits give one vector width per register file", "[jit]") {
    STATIC_REQUIRE(IsaTraits<Isa::sse42>::simd_w == 4);
    STATIC_REQUIRE(IsaTraits<Isa::avx2>::simd_w == 8);
    STATIC_REQUIRE(IsaTraits<Isa::avx_vnni>::simd_w == 8);
    STATIC_REQUIRE(IsaTraits<Isa::avx512_core>::simd_w == 16);
    STATIC_REQUIRE(IsaTraits<Isa::avx_vnni>::has_vnni);
    STATIC_REQUIRE_FALSE(IsaTraits<Isa::avx2>::has_vnni);
    STATIC_REQUIRE(IsaTraits<Isa::avx512_core_vnni>::has_vnni);
    STATIC_REQUIRE(IsaTraits<Isa::amx>::has_mask);
    STATIC_REQUIRE_FALSE(IsaTraits<Isa::avx_vnni>::has_mask);
    STATIC_REQUIRE(std::is_same<IsaTraits<Isa::avx512_core>::Vmm, Xbyak::Zmm>::value);
    STATIC_REQUIRE(std::is_same<IsaTraits<Isa::avx2>::Vmm, Xbyak::Ymm>::value);
    STATIC_REQUIRE(std::is_same<IsaTraits<Isa::sse42>::Vmm, Xbyak::Xmm>::value);
    for (Isa i : kAllIsas) CHECK(isa_simd_width(i) > 0);
}

TEST_CASE("detection agrees with Xbyak's CPUID reading", "[jit]") {
    using Cpu = Xbyak::util::Cpu;
    const Cpu cpu;
    CHECK(isa_supported(Isa::sse42) == cpu.has(Cpu::tSSE42));
    CHECK(isa_supported(Isa::avx2) ==
          (cpu.has(Cpu::tSSE42) && cpu.has(Cpu::tAVX) && cpu.has(Cpu::tAVX2) && cpu.has(Cpu::tFMA)));
    const bool avx512_core = isa_supported(Isa::avx2) && cpu.has(Cpu::tAVX512F) && cpu.has(Cpu::tAVX512BW) &&
                             cpu.has(Cpu::tAVX512VL) && cpu.has(Cpu::tAVX512DQ);
    CHECK(isa_supported(Isa::avx512_core) == avx512_core);
    CHECK(isa_supported(Isa::avx512_core_vnni) == (avx512_core && cpu.has(Cpu::tAVX512_VNNI)));
    CHECK(isa_supported(Isa::avx_vnni) == (isa_supported(Isa::avx2) && cpu.has(Cpu::tAVX_VNNI)));
    // AMX also needs the kernel's permission, which Xbyak does not ask for.
    if (isa_supported(Isa::amx)) CHECK((cpu.has(Cpu::tAMX_TILE) && cpu.has(Cpu::tAMX_INT8)));
    // A supported ISA implies every ISA under it.
    for (Isa i : kAllIsas)
        for (Isa j : kAllIsas)
            if (isa_supported(i) && isa_is_subset(j, i)) CHECK(isa_supported(j));
    INFO("cpu: " << cpu_summary());
    SUCCEED();
}

TEST_CASE("best_isa is the preferred supported ISA under the cap", "[jit]") {
    ScopedEnv clear("OCTET_MAX_ISA", nullptr);
    auto expected = [](Isa cap, bool capped) {
        for (Isa i : kPreference)
            if ((!capped || isa_is_subset(i, cap)) && isa_supported(i)) return i;
        return Isa::sse42;
    };
    REQUIRE(isa_supported(Isa::sse42));  // x86-64 machines octet runs on
    CHECK(best_isa() == expected(Isa::amx, false));
    CHECK(best_isa("") == best_isa());
    for (Isa cap : kAllIsas) {
        const Isa got = best_isa(isa_name(cap));
        CHECK(got == expected(cap, true));
        CHECK(isa_is_subset(got, cap));
        CHECK(isa_supported(got));
    }
    CHECK(best_isa("sse42") == Isa::sse42);
    if (isa_supported(Isa::avx2)) CHECK(best_isa("avx2") == Isa::avx2);
    if (isa_supported(Isa::avx2) && !isa_supported(Isa::avx512_core))
        CHECK(best_isa("avx512_core_vnni") == Isa::avx2);
}

TEST_CASE("OCTET_MAX_ISA caps best_isa; a bad value is a clear error", "[jit]") {
    {
        ScopedEnv env("OCTET_MAX_ISA", "sse42");
        CHECK(best_isa() == Isa::sse42);
        if (isa_supported(Isa::avx2)) CHECK(best_isa("avx2") == Isa::avx2);  // explicit cap wins
    }
    {
        ScopedEnv env("OCTET_MAX_ISA", "avx2");
        if (isa_supported(Isa::avx2)) CHECK(best_isa() == Isa::avx2);
        CHECK(isa_is_subset(best_isa(), Isa::avx2));
    }
    {
        ScopedEnv env("OCTET_MAX_ISA", "");
        ScopedEnv none("OCTET_MAX_ISA", nullptr);
        CHECK(best_isa() == best_isa("amx"));
    }
    {
        ScopedEnv env("OCTET_MAX_ISA", "avx1024");
        try {
            best_isa();
            FAIL("best_isa accepted OCTET_MAX_ISA=avx1024");
        } catch (const ArgumentError& e) {
            const std::string m = e.what();
            CHECK(m.find("OCTET_MAX_ISA") != std::string::npos);
            CHECK(m.find("avx1024") != std::string::npos);
            CHECK(m.find("avx512_core_vnni") != std::string::npos);
        }
        CHECK_THROWS_AS(best_isa("nope"), ArgumentError);
    }
}
