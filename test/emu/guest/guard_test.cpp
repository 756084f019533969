// The emu lane's own guard tests ([emu][guard]): they run first inside Bochs and prove that the
// guest really is the CPU the lane claims, and that AVX-512 (and VNNI) code generated through
// octet::jit::Generator executes there bit-exact. Natively (no OCTET_EMU_EXPECT_ISA) they check
// only what the host can run.
#include <catch2/catch.hpp>

#include <csetjmp>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <string>

#include <xbyak/xbyak_util.h>

#include <cstring>
#include <vector>

#include "ir/epilogue.hpp"
#include "jit/cpu.hpp"
#include "jit/generator.hpp"
#include "jit/kernel_requantize.hpp"
#include "test/emu/emu_cases.hpp"

using octet::jit::Isa;

namespace {

std::string env(const char* name) {
    const char* v = std::getenv(name);
    return v ? v : "";
}

bool is_avx512(Isa isa) { return isa == Isa::avx512_core || isa == Isa::avx512_core_vnni || isa == Isa::amx; }

// A small kernel that touches what every AVX-512 int8 kernel relies on: EVEX loads/stores with an
// opmask (tails), zero-masking, the non-VNNI u8*s8 path (vpmaddubsw + vpmaddwd, with its s16
// saturation) and, on VNNI ISAs, vpdpbusd.
struct ProbeArgs {
    const uint8_t* a;     // 64 u8
    const int8_t* b;      // 64 s8
    int32_t* acc;         // 16 s32, += pmaddubsw/pmaddwd sums on masked lanes
    int32_t* acc_vnni;    // 16 s32, += vpdpbusd on masked lanes (VNNI ISAs only)
    uint64_t mask;        // lanes to update
};

class ProbeKernel : public octet::jit::Generator {
public:
    explicit ProbeKernel(Isa isa) : Generator(isa) {}
    std::string name() const override { return std::string("emu_probe_") + octet::jit::isa_name(isa()) + "_u8s8s32"; }

protected:
    void generate() override {
        using namespace Xbyak;
        preamble();
        const Reg64 p = abi_param1;
        mov(rax, ptr[p + offsetof(ProbeArgs, mask)]);
        kmovw(k1, eax);
        mov(rax, ptr[p + offsetof(ProbeArgs, a)]);
        vmovdqu8(zmm1, ptr[rax]);
        mov(rax, ptr[p + offsetof(ProbeArgs, b)]);
        vmovdqu8(zmm2, ptr[rax]);
        vpmaddubsw(zmm3, zmm1, zmm2);
        mov(eax, 0x00010001);
        vpbroadcastd(zmm4, eax);
        vpmaddwd(zmm3, zmm3, zmm4);
        mov(rax, ptr[p + offsetof(ProbeArgs, acc)]);
        vmovdqu32(zmm0 | k1 | T_z, ptr[rax]);
        vpaddd(zmm0 | k1, zmm0, zmm3);
        vmovdqu32(ptr[rax] | k1, zmm0);
        if (octet::jit::isa_is_subset(Isa::avx512_core_vnni, isa())) {
            mov(rax, ptr[p + offsetof(ProbeArgs, acc_vnni)]);
            vmovdqu32(zmm5 | k1 | T_z, ptr[rax]);
            vpdpbusd(zmm5 | k1, zmm1, zmm2);
            vmovdqu32(ptr[rax] | k1, zmm5);
        }
        postamble();
    }
};

// vpdpbusd zmm alone, to show that a model without VNNI faults on it.
class VnniOnly : public octet::jit::Generator {
public:
    VnniOnly() : Generator(Isa::avx512_core_vnni, 4096) {}
    std::string name() const override { return "emu_vnni_fault_check"; }

protected:
    void generate() override {
        preamble();
        vpdpbusd(zmm0, zmm1, zmm2);
        postamble();
    }
};

sigjmp_buf g_jump;
void on_sigill(int) { siglongjmp(g_jump, 1); }

int32_t sat16(int32_t v) { return v > 32767 ? 32767 : v < -32768 ? -32768 : v; }

}  // namespace

TEST_CASE("emu guard: the guest CPU is the ISA the lane expects", "[emu][guard]") {
    const std::string expect = env("OCTET_EMU_EXPECT_ISA");
    const Isa best = octet::jit::best_isa();
    INFO("cpu: " << octet::jit::cpu_summary() << "; OCTET_EMU_CPU=" << env("OCTET_EMU_CPU"));
    if (expect.empty()) {
        WARN("native run (no OCTET_EMU_EXPECT_ISA): best ISA here is " << octet::jit::isa_name(best));
    } else {
        REQUIRE(std::string(octet::jit::isa_name(best)) == expect);
        REQUIRE(octet::jit::isa_supported(octet::jit::parse_isa(expect)));
    }
    using C = Xbyak::util::Cpu;
    C cpu;
    if (is_avx512(best)) {
        CHECK(cpu.has(C::tAVX512F));
        CHECK(cpu.has(C::tAVX512BW));
        CHECK(cpu.has(C::tAVX512VL));
        CHECK(cpu.has(C::tAVX512DQ));
    }
    if (best == Isa::avx512_core_vnni) CHECK(cpu.has(C::tAVX512_VNNI));
    if (env("OCTET_EMU_CPU") == "corei7_skylake_x") CHECK_FALSE(cpu.has(C::tAVX512_VNNI));
}

TEST_CASE("emu guard: an AVX-512 probe kernel runs bit-exact at the best ISA", "[emu][guard]") {
    const Isa isa = octet::jit::best_isa();
    if (!is_avx512(isa)) {
        WARN("best ISA " << octet::jit::isa_name(isa) << " has no AVX-512: probe skipped");
        return;
    }
    ProbeKernel k(isa);
    k.create();
    REQUIRE(k.name().find("avx512") != std::string::npos);
    auto* fn = k.function<void(const ProbeArgs*)>();
    const bool vnni = octet::jit::isa_is_subset(Isa::avx512_core_vnni, isa);
    const uint64_t masks[] = {0xffff, 0x1fff, 0x0001, 0x8421};
    for (int seed = 0; seed < 3; ++seed) {
        for (uint64_t mask : masks) {
            alignas(64) uint8_t a[64];
            alignas(64) int8_t b[64];
            alignas(64) int32_t acc[16], acc_vnni[16], want[16], want_vnni[16];
            uint32_t s = 12345u + 977u * seed;
            auto next = [&s] { s = s * 1664525u + 1013904223u; return s >> 24; };
            for (int i = 0; i < 64; ++i) {
                a[i] = seed == 0 ? 255 : uint8_t(next());  // seed 0: saturates vpmaddubsw
                b[i] = seed == 0 ? int8_t(i % 2 ? 127 : -128) : int8_t(next());
            }
            for (int j = 0; j < 16; ++j) {
                acc[j] = want[j] = 1000 * j - 7000;
                acc_vnni[j] = want_vnni[j] = -3 * j;
                if (!(mask >> j & 1)) continue;
                int32_t pair_sum = 0, dot = 0;
                for (int h = 0; h < 2; ++h) {
                    const int i = 4 * j + 2 * h;
                    pair_sum += sat16(a[i] * b[i] + a[i + 1] * b[i + 1]);
                    dot += a[i] * b[i] + a[i + 1] * b[i + 1];
                }
                want[j] += pair_sum;
                if (vnni) want_vnni[j] += dot;
            }
            ProbeArgs args{a, b, acc, acc_vnni, mask};
            fn(&args);
            INFO("seed " << seed << " mask 0x" << std::hex << mask);
            for (int j = 0; j < 16; ++j) {
                REQUIRE(acc[j] == want[j]);
                REQUIRE(acc_vnni[j] == want_vnni[j]);
            }
            octet::emu::note_case(isa, k.name());
        }
    }
}

TEST_CASE("emu guard: the AVX-512 model without VNNI faults on vpdpbusd", "[emu][guard]") {
    if (env("OCTET_EMU_CPU") != "corei7_skylake_x") {
        SUCCEED("only meaningful under Bochs' corei7_skylake_x");
        return;
    }
    VnniOnly k;
    k.create();
    auto* fn = k.function<void()>();
    struct sigaction sa {}, old {};
    sa.sa_handler = on_sigill;
    sigaction(SIGILL, &sa, &old);
    volatile bool faulted = false;
    if (sigsetjmp(g_jump, 1) == 0) fn();
    else faulted = true;
    sigaction(SIGILL, &old, nullptr);
    CHECK(faulted);
}

TEST_CASE("emu guard: the JIT requantize kernel at the best ISA is an avx512 one and bit-exact", "[emu][guard]") {
    using octet::ir::ElemType;
    using octet::ir::PostOp;
    const Isa isa = octet::jit::best_isa();
    for (ElemType dst : {ElemType::u8, ElemType::s8}) {
        for (int channels : {16, 19, 67}) {  // one vector, a masked tail, several vectors + tail
            octet::ir::Epilogue e;
            e.dst_type = dst;
            e.post_ops = {PostOp::clamp(-100.5f, 200.5f)};  // negative s8 and u8 saturation both occur
            const int rows = 3;
            std::vector<int32_t> acc(size_t(rows * channels));
            uint32_t s = 777u + uint32_t(channels);
            auto next = [&s] { s = s * 1664525u + 1013904223u; return s; };
            for (int oc = 0; oc < channels; ++oc) {
                e.scale.push_back(oc % 3 == 0 ? 0.5f : 0.0078125f * float(1 + oc % 5));  // 0.5: exact ties
                e.bias.push_back(float(oc % 4) - 1.5f);
            }
            e.out_scale = {1.f};
            e.out_shift = {dst == ElemType::u8 ? 0.f : -0.5f};
            for (auto& a : acc) a = int32_t(next() % 40001) - 20000;
            octet::jit::RequantizeKernel k(isa, e, channels);
            INFO("kernel " << k.name());
            if (is_avx512(isa)) REQUIRE(k.name().find("avx512") != std::string::npos);
            std::vector<uint8_t> got(acc.size(), 0xa5), want(acc.size());
            for (size_t i = 0; i < acc.size(); ++i) {
                const float v = octet::ir::epilogue_f32(e, acc[i], int(i % size_t(channels)));
                want[i] = uint8_t(octet::ir::saturate_round(v, dst));
            }
            k(acc.data(), nullptr, got.data(), rows);
            REQUIRE(std::memcmp(got.data(), want.data(), want.size()) == 0);
            octet::emu::note_case(k.isa(), k.name());
        }
    }
}
