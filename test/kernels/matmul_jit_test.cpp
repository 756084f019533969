// The JIT int8 matmul (kernels/matmul/jit_matmul_kernel.hpp): bit-exact (memcmp)
// against kernels::ref::matmul_int8 over tails of M, K and N, batches, u8/s8 A,
// zero points, every dst type and post-op chain, the pmaddubsw saturation corner,
// at every ISA this CPU executes (and generated at the others). A, residual and
// dst end right before a PROT_NONE page, so any read or write past them faults.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "../emu/emu_cases.hpp"
#include "ir/epilogue.hpp"
#include "ir/error.hpp"
#include "jit/cpu.hpp"
#include "kernel_test_util.hpp"
#include "kernels/matmul/desc.hpp"
#include "kernels/matmul/jit_matmul_kernel.hpp"
#include "kernels/matmul/pack.hpp"
#include "kernels/matmul/ref.hpp"
#include "kernels/matmul_as_conv1x1.hpp"
#include "kernels/registry.hpp"

using namespace octet;
using namespace octet::kernels;
using ir::ElemType;
using jit::Isa;

namespace {

using kernel_test::GuardedBytes;

struct Case {
    MatmulProblem p;                   // p.b plain [batch][K][N] (the reference's), also for a run-time B
    std::vector<uint8_t> a, residual;  // raw bytes
    std::vector<int8_t> b_stored;      // a run-time B as the kernel reads it ([K][N] or [N][K] per batch)
};

// zoo: like the zoo models' FC weights, normal per output column quantized
// symmetric to [-127, 127] (a few unsafe pairs; the pxfix candidate's case).
enum class Weights { full, safe, extreme, zoo };

std::vector<float> per_channel(std::mt19937& rng, int64_t n, int kind, float lo, float hi) {
    std::uniform_real_distribution<float> u(lo, hi);
    if (kind == 0) return {};
    if (kind == 1) return {u(rng)};
    std::vector<float> v(static_cast<size_t>(n));
    for (float& x : v) x = u(rng);
    return v;
}

// A problem whose epilogue is chosen by `variant` (rotating through dst types,
// post-op chains and vector sizes so that a sweep covers them all).
Case make_case(int64_t batch, int64_t m, int64_t k, int64_t n, ElemType a_t, int32_t zp, Weights w, int variant,
               uint32_t seed) {
    std::mt19937 rng(seed);
    Case c;
    c.p.desc = parse_matmul_desc(batch == 1 ? std::to_string(m) + "x" + std::to_string(k) + ":" + std::to_string(k) +
                                                  "x" + std::to_string(n)
                                            : std::to_string(batch) + "x" + std::to_string(m) + "x" +
                                                  std::to_string(k) + ":" + std::to_string(batch) + "x" +
                                                  std::to_string(k) + "x" + std::to_string(n));
    c.p.a_type = a_t;
    c.p.a_zero_point = zp;
    c.p.b.resize(size_t(c.p.desc.b_elems()));
    std::uniform_int_distribution<int> full(-128, 127), safe(-64, 64), bit(0, 1);
    if (w == Weights::zoo) {
        std::normal_distribution<float> nd;
        std::vector<float> f(size_t(c.p.desc.k));
        for (int64_t bi = 0; bi < batch; ++bi)
            for (int64_t j = 0; j < n; ++j) {
                float mx = 1e-6f;
                for (float& x : f) mx = std::max(mx, std::fabs(x = nd(rng)));
                for (int64_t i = 0; i < k; ++i)
                    c.p.b[size_t((bi * k + i) * n + j)] = int8_t(std::nearbyint(f[size_t(i)] / mx * 127.f));
            }
    }
    for (size_t i = 0; i < c.p.b.size() && w != Weights::zoo; ++i) {
        if (w == Weights::full) c.p.b[i] = int8_t(full(rng));
        else if (w == Weights::safe) c.p.b[i] = int8_t(safe(rng));
        else c.p.b[i] = int8_t(bit(rng) ? 127 : -128);
    }
    c.a.resize(size_t(c.p.desc.a_elems()));
    std::uniform_int_distribution<int> byte(0, 255);
    for (uint8_t& x : c.a) x = w == Weights::extreme ? (a_t == ElemType::u8 ? 255 : uint8_t(bit(rng) ? 127 : 128))
                                                     : uint8_t(byte(rng));

    ir::Epilogue& e = c.p.epilogue;
    const ElemType dsts[] = {ElemType::u8, ElemType::s8, ElemType::s32, ElemType::f32};
    e.dst_type = dsts[variant % 4];
    const float s = 0.02f / std::sqrt(float(k));
    e.scale = per_channel(rng, n, (variant / 4) % 3, 0.5f * s, 1.5f * s);
    e.bias = per_channel(rng, n, (variant / 2) % 3, -20.f, 20.f);
    const ElemType res_types[] = {ElemType::u8, ElemType::s8, ElemType::f32};
    switch ((variant / 3) % 5) {
    case 0: break;
    case 1: e.post_ops = {ir::PostOp::relu()}; break;
    case 2: e.post_ops = {ir::PostOp::clamp(-30.f, 50.f)}; break;
    case 3: e.post_ops = {ir::PostOp::sum(res_types[variant % 3], 0.5f, float(variant % 7) - 3.f)}; break;
    case 4:
        e.post_ops = {ir::PostOp::sum(res_types[(variant + 1) % 3], 1.25f), ir::PostOp::relu(),
                      ir::PostOp::clamp(0.f, 90.f)};
        break;
    }
    e.out_scale = per_channel(rng, n, (variant / 5) % 3, 0.5f, 2.f);
    e.out_shift = per_channel(rng, n, (variant / 7) % 3, -3.f, 3.f);
    c.residual = kernel_test::random_residual(e, size_t(c.p.desc.dst_elems()), rng, 100.f);
    return c;
}

std::vector<uint8_t> reference(const Case& c) {
    std::vector<uint8_t> dst(size_t(c.p.desc.dst_elems()) * ir::elem_size(c.p.epilogue.dst_type));
    ref::matmul_int8(c.p.desc, c.p.a_type, c.a.data(), c.p.a_zero_point, c.p.b.data(), c.p.epilogue,
                     c.residual.empty() ? nullptr : c.residual.data(), dst.data());
    return dst;
}

// Runs k on guarded copies of the case's buffers, in `splits` ranges of work units;
// with_job: all ranges carry one fresh MatmulArgs::job (the engine's parallel loop),
// so a range may use the A rows an earlier range of the loop prepared.
std::vector<uint8_t> run_guarded(const MatmulKernel& k, const Case& c, int splits = 1, bool with_job = false) {
    static uint64_t last_job = 0;
    GuardedBytes a(c.a.size()), dst(size_t(c.p.desc.dst_elems()) * ir::elem_size(c.p.epilogue.dst_type));
    std::memcpy(a.data(), c.a.data(), c.a.size());
    std::memset(dst.data(), 0xA5, dst.size());
    std::unique_ptr<GuardedBytes> res;
    if (!c.residual.empty()) {
        res = std::make_unique<GuardedBytes>(c.residual.size());
        std::memcpy(res->data(), c.residual.data(), c.residual.size());
    }
    std::unique_ptr<GuardedBytes> b;
    if (c.p.b_runtime) {
        b = std::make_unique<GuardedBytes>(c.b_stored.size());
        std::memcpy(b->data(), c.b_stored.data(), c.b_stored.size());
    }
    MatmulArgs args{a.data(), res ? res->data() : nullptr, dst.data(), b ? b->as<int8_t>() : nullptr};
    if (with_job) args.job = ++last_job;
    const int64_t units = k.work_units();
    for (int s = 0; s < splits; ++s) k.run(args, units * s / splits, units * (s + 1) / splits);
    return std::vector<uint8_t>(dst.data(), dst.data() + dst.size());
}

std::unique_ptr<MatmulKernel> make_jit(const MatmulProblem& p, Isa isa) {
    std::string why;
    auto k = make_matmul_jit_kernel(p, isa, why);
    INFO("declined: " << why);
    REQUIRE(k);
    return k;
}


// Executed cases per ISA and exec type, printed at the end of each test case.
struct Ran {
    std::map<std::string, std::set<std::string>> types;
    std::map<std::string, long> count;
    void note(Isa isa, const std::string& exec_type) {
        types[jit::isa_name(isa)].insert(exec_type);
        ++count[jit::isa_name(isa)];
        emu::note_case(isa, exec_type);
    }
    void print(const char* what) const {
        for (const auto& kv : types) {
            std::string t;
            for (const auto& s : kv.second) t += " " + s;
            std::printf("matmul jit %s: executed at %s: %ld cases (%s )\n", what, kv.first.c_str(),
                        count.at(kv.first), t.c_str());
        }
    }
};

std::string case_info(const Case& c, Isa isa) {
    const ir::Epilogue& e = c.p.epilogue;
    return to_string(c.p.desc) + " isa " + jit::isa_name(isa) + " a " + ir::to_string(c.p.a_type) + " zp " +
           std::to_string(c.p.a_zero_point) + " dst " + ir::to_string(e.dst_type) + " post-ops " +
           std::to_string(e.post_ops.size()) + " scale/bias/oscale/oshift sizes " + std::to_string(e.scale.size()) +
           "/" + std::to_string(e.bias.size()) + "/" + std::to_string(e.out_scale.size()) + "/" +
           std::to_string(e.out_shift.size());
}

}  // namespace

TEST_CASE("matmul jit: pair safety rule", "[kernels][matmul][jit]") {
    using matmul_pack::pair_is_safe;
    CHECK(pair_is_safe(127, -128));
    CHECK(pair_is_safe(-128, 0));
    CHECK(pair_is_safe(64, 64));
    CHECK(pair_is_safe(-64, -64));
    CHECK_FALSE(pair_is_safe(65, 64));
    CHECK_FALSE(pair_is_safe(-65, -64));
    CHECK_FALSE(pair_is_safe(127, 127));
    // The rule is exactly "no u8 pair can saturate s16": check it against brute force.
    for (int x = -128; x < 128; x += 3)
        for (int y = -128; y < 128; y += 5) {
            bool ok = true;
            for (int a0 : {0, 255})
                for (int a1 : {0, 255}) {
                    const int s = a0 * x + a1 * y;
                    ok = ok && s >= -32768 && s <= 32767;
                }
            INFO(x << " " << y);
            CHECK(pair_is_safe(int8_t(x), int8_t(y)) == ok);
        }
}

// emu::sweep_isas() plus avx_vnni: it is not under avx512_core_vnni in the cap
// order, but with no cap set it runs natively here and must be checked too.
std::vector<Isa> run_isas_here() {
    std::vector<Isa> isas = emu::sweep_isas();
    const char* cap = std::getenv("OCTET_MAX_ISA");
    if (!emu::in_emu_lane() && (!cap || !*cap) && jit::isa_supported(Isa::avx_vnni) &&
        std::find(isas.begin(), isas.end(), Isa::avx_vnni) == isas.end())
        isas.push_back(Isa::avx_vnni);
    return isas;
}

TEST_CASE("matmul jit: bit-exact sweep over tails, types and post-ops", "[kernels][matmul][jit][emu]") {
    const auto run_isas = run_isas_here();
    const bool emu_lane = emu::in_emu_lane();
    Ran ran;
    int variant = 0;
    for (int64_t m : {1, 2, 3, 5, 8, 13})
        for (int64_t k : {1, 3, 4, 5, 64, 67, 130})
            for (int64_t n : {1, 7, 8, 15, 16, 17, 33, 67}) {
                ++variant;
                const int64_t batch = variant % 4 == 0 ? 3 : 1;
                const ElemType a_t = variant % 2 ? ElemType::u8 : ElemType::s8;
                const int32_t zp = variant % 3 == 0 ? 0 : (a_t == ElemType::u8 ? 128 - variant % 5 : variant % 9 - 4);
                for (Weights w : {Weights::full, Weights::safe}) {
                    if (emu_lane && (w == Weights::safe) == (variant % 2 == 0)) continue;  // half in Bochs
                    const Case c = make_case(batch, m, k, n, a_t, zp, w, variant, uint32_t(variant * 7 + int(w)));
                    const std::vector<uint8_t> want = reference(c);
                    for (Isa isa : run_isas) {
                        auto kern = make_jit(c.p, isa);
                        INFO(case_info(c, isa) << " " << kern->name());
                        const std::vector<uint8_t> got = run_guarded(*kern, c, variant % 3 == 0 ? 2 : 1);
                        REQUIRE(got.size() == want.size());
                        REQUIRE(std::memcmp(got.data(), want.data(), got.size()) == 0);
                        ran.note(isa, kern->exec_type());
                    }
                }
            }
    ran.print("sweep");
    CHECK(!ran.count.empty());
}

TEST_CASE("matmul jit: unsafe pairs take the exact path and stay exact", "[kernels][matmul][jit][emu]") {
    const auto run_isas = run_isas_here();
    Ran ran;
    for (int64_t m : {1, 5})  // GEMV (s8 B, masked A) and GEMM (s16 B) exact paths
    for (ElemType a_t : {ElemType::u8, ElemType::s8}) {
        // A at its extreme, B pairs of 127/-128: 255·127·2 overflows s16.
        Case c = make_case(1, m, 36, 19, a_t, 0, Weights::extreme, 2 /* s32 dst */, 11);
        c.p.epilogue = ir::Epilogue{};
        c.p.epilogue.dst_type = ElemType::s32;
        REQUIRE(matmul_pack::count_unsafe_pairs(c.p.b.data(), 1, 36, 19) > 0);
        const std::vector<uint8_t> want = reference(c);
        for (Isa isa : jit::kAllIsas) {
            auto kern = make_jit(c.p, isa);
            const bool exact_name = kern->exec_type().find("_exact") != std::string::npos;
            CHECK(exact_name == !jit::isa_has_vnni(isa));
            if (std::find(run_isas.begin(), run_isas.end(), isa) == run_isas.end()) continue;
            INFO(case_info(c, isa));
            const std::vector<uint8_t> got = run_guarded(*kern, c);
            REQUIRE(std::memcmp(got.data(), want.data(), got.size()) == 0);
            ran.note(isa, kern->exec_type());
        }
        // The same problem with safe weights takes the fast path.
        Case s = make_case(1, m, 36, 19, a_t, 0, Weights::safe, 2, 12);
        REQUIRE(matmul_pack::count_unsafe_pairs(s.p.b.data(), 1, 36, 19) == 0);
        for (Isa isa : jit::kAllIsas)
            CHECK(make_jit(s.p, isa)->exec_type().find("_exact") == std::string::npos);
    }
    ran.print("extremes");
}

TEST_CASE("matmul jit: M = 1 with sparse unsafe pairs: fast path on made-safe B plus corrections",
          "[kernels][matmul][jit][emu]") {
    const auto run_isas = run_isas_here();
    const bool emu_lane = emu::in_emu_lane();
    Ran ran;
    std::map<Isa, int> fixups;
    int variant = 0;
    for (int64_t k : {2, 3, 64, 67, 130, 515, 1030})
        for (int64_t n : {1, 7, 9, 33, 67, 130, 257}) {
            ++variant;
            if (emu_lane && variant % 2) continue;  // half in Bochs
            const ElemType a_t = variant % 2 ? ElemType::u8 : ElemType::s8;
            const int32_t zp = variant % 3 == 0 ? 0 : (a_t == ElemType::u8 ? 7 : -3);
            // Zoo-like B (its own unsafe pairs), or safe B with only the pairs made below.
            const bool safe = (variant / 2) % 2 == 0;  // both kinds in the emu lane's half too
            Case c = make_case(1, 1, k, n, a_t, zp, safe ? Weights::safe : Weights::zoo, variant,
                               uint32_t(variant * 31 + 5));
            // A few pairs at the extremes (|w0| + |w1| up to 255 and 256), A at 255 / 127 there.
            for (int64_t e = 0; e < 3 && k >= 2; ++e) {
                const int64_t j = (e * 37 + variant) % (k / 2), col = (e * 11 + variant) % n;
                c.p.b[size_t(2 * j * n + col)] = int8_t(e == 2 ? -128 : 127);
                c.p.b[size_t((2 * j + 1) * n + col)] = int8_t(e == 2 ? -128 : 127 - e);
                c.a[size_t(2 * j)] = c.a[size_t(2 * j + 1)] = uint8_t(a_t == ElemType::u8 ? 255 : 127);
            }
            REQUIRE(matmul_pack::count_unsafe_pairs(c.p.b.data(), 1, k, n) > 0);
            const std::vector<uint8_t> want = reference(c);
            for (Isa isa : jit::kAllIsas) {
                auto kern = make_jit(c.p, isa);
                INFO("k " << k << " n " << n << " " << case_info(c, isa) << " " << kern->name());
                const bool fixup = kern->exec_type().find("_fixup") != std::string::npos;
                CHECK(!(fixup && jit::isa_has_vnni(isa)));
                // Safe B and its 3 unsafe pairs: at most 3 of the >= 32 (pair, vector) units.
                if (safe && k >= 64) CHECK(fixup == !jit::isa_has_vnni(isa));
                fixups[isa] += fixup ? 1 : 0;
                if (std::find(run_isas.begin(), run_isas.end(), isa) == run_isas.end()) continue;
                // One loop's ranges share the A words the first range prepared (first, so
                // that words left by the previous case would show).
                const std::vector<uint8_t> got_job = run_guarded(*kern, c, int(kern->work_units()), true);
                REQUIRE(got_job.size() == want.size());
                REQUIRE(std::memcmp(got_job.data(), want.data(), got_job.size()) == 0);
                for (int splits : {1, int(kern->work_units())}) {
                    const std::vector<uint8_t> got = run_guarded(*kern, c, splits);
                    REQUIRE(got.size() == want.size());
                    REQUIRE(std::memcmp(got.data(), want.data(), got.size()) == 0);
                }
                ran.note(isa, kern->exec_type());
            }
        }
    // Dense unsafe pairs keep exact_bytes; M > 1 and batches keep their paths.
    const Case dense = make_case(1, 1, 64, 33, ElemType::u8, 0, Weights::full, 0, 3);
    CHECK(make_jit(dense.p, Isa::avx2)->exec_type() == "jit_avx2_exact_I8");
    const Case rows = make_case(1, 2, 64, 33, ElemType::u8, 0, Weights::zoo, 0, 3);
    CHECK(make_jit(rows.p, Isa::avx2)->exec_type() == "jit_avx2_exact_I8");
    ran.print("m1 fixup");
    CHECK(!ran.count.empty());
    // The zoo-like B took them too where its unsafe pairs are sparse (large K).
    for (Isa isa : {Isa::sse42, Isa::avx2, Isa::avx512_core}) {
        INFO(jit::isa_name(isa) << " took the corrections " << fixups[isa] << " times");
        CHECK(fixups[isa] >= (emu_lane ? 6 : 12));
    }
}

TEST_CASE("matmul jit: exec types, generation at every ISA, refusal to run unsupported code",
          "[kernels][matmul][jit]") {
    const Case c = make_case(1, 3, 8, 9, ElemType::u8, 0, Weights::safe, 0, 5);
    const Case u = make_case(1, 3, 8, 9, ElemType::u8, 0, Weights::full, 0, 5);
    const std::map<Isa, std::string> fast = {{Isa::sse42, "jit_sse42_I8"},           {Isa::avx2, "jit_avx2_I8"},
                                             {Isa::avx_vnni, "jit_avx_vnni_I8"},     {Isa::avx512_core, "jit_avx512_I8"},
                                             {Isa::avx512_core_vnni, "jit_avx512_vnni_I8"}, {Isa::amx, "jit_avx512_vnni_I8"}};
    for (Isa isa : jit::kAllIsas) {
        INFO(jit::isa_name(isa));
        auto k = make_jit(c.p, isa);
        CHECK(k->exec_type() == fast.at(isa));
        auto ke = make_jit(u.p, isa);
        CHECK(ke->exec_type() == (jit::isa_has_vnni(isa) ? fast.at(isa) : "jit_" + fast.at(isa).substr(4, fast.at(isa).size() - 7) + "_exact_I8"));
        if (!jit::isa_supported(isa == Isa::amx ? Isa::avx512_core_vnni : isa)) {
            std::vector<uint8_t> a(c.a), dst(64);
            CHECK_THROWS_AS(k->run(MatmulArgs{a.data(), nullptr, dst.data()}), UnsupportedError);
        }
    }
    std::string why;
    MatmulProblem f = c.p;
    f.a_type = ElemType::f32;
    CHECK_FALSE(make_matmul_jit_kernel(f, Isa::avx2, why));
    CHECK(why.find("f32") != std::string::npos);
}

TEST_CASE("matmul jit: the registry picks it; M=1 splits N across work units", "[kernels][matmul][jit]") {
    const Case c = make_case(1, 1, 256, 1000, ElemType::s8, 3, Weights::full, 1, 21);
    auto k = create_matmul_kernel(c.p, jit::best_isa());
    CHECK(k->exec_type().rfind("jit_", 0) == 0);
    CHECK(k->work_units() >= 2);
    const std::vector<uint8_t> want = reference(c);
    CHECK(std::memcmp(run_guarded(*k, c, 2).data(), want.data(), want.size()) == 0);
    CHECK(std::memcmp(run_guarded(*k, c, int(k->work_units())).data(), want.data(), want.size()) == 0);
}

TEST_CASE("matmul jit: FC and BERT shapes at the best ISA", "[kernels][matmul][jit]") {
    if (emu::in_emu_lane()) {
        WARN("skipped in the emu lane (large shapes; native runs check them)");
        return;
    }
    const Isa isa = jit::best_isa();
    Ran ran;
    struct S { int64_t m, k, n; };
    int variant = 0;
    for (S s : {S{1, 2048, 1000}, S{128, 768, 768}, S{128, 768, 3072}, S{128, 3072, 768}}) {
        for (Weights w : {Weights::full, Weights::safe}) {
            ++variant;
            const ElemType a_t = variant % 2 ? ElemType::u8 : ElemType::s8;
            const Case c = make_case(1, s.m, s.k, s.n, a_t, variant % 3, w, variant * 5, uint32_t(100 + variant));
            auto kern = make_jit(c.p, isa);
            INFO(case_info(c, isa) << " " << kern->name());
            const std::vector<uint8_t> want = reference(c);
            const std::vector<uint8_t> got = run_guarded(*kern, c, 2);
            REQUIRE(std::memcmp(got.data(), want.data(), got.size()) == 0);
            ran.note(isa, kern->exec_type());
        }
    }
    ran.print("big shapes");
}

namespace {

// The case with its B given at run time, stored transposed ([N][K]) or not.
Case with_runtime_b(Case c, bool transposed) {
    const MatmulDesc& d = c.p.desc;
    c.p.b_runtime = true;
    c.p.b_transposed = transposed;
    c.b_stored.resize(c.p.b.size());
    for (int64_t bi = 0; bi < d.batch(); ++bi)
        for (int64_t r = 0; r < d.k; ++r)
            for (int64_t j = 0; j < d.n; ++j) {
                const int64_t at = transposed ? (bi * d.n + j) * d.k + r : (bi * d.k + r) * d.n + j;
                c.b_stored[size_t(at)] = c.p.b[size_t((bi * d.k + r) * d.n + j)];
            }
    return c;
}

// The kernel's problem: without the plain B, so that the kernel can only read the run-time one.
MatmulProblem runtime_problem(const Case& c) {
    MatmulProblem p = c.p;
    p.b.clear();
    return p;
}

}  // namespace

TEST_CASE("matmul jit: run-time B (attention) bit-exact sweep, plain and transposed", "[kernels][matmul][jit][emu]") {
    const auto run_isas = run_isas_here();
    const bool emu_lane = emu::in_emu_lane();
    Ran ran;
    int variant = 0;
    for (int64_t m : {1, 3, 8, 13})
        for (int64_t k : {1, 5, 64, 67})
            for (int64_t n : {1, 7, 16, 33}) {
                ++variant;
                const int64_t batch = variant % 3 == 0 ? 1 : 3;
                const ElemType a_t = variant % 2 ? ElemType::u8 : ElemType::s8;
                const int32_t zp = variant % 4 == 0 ? (a_t == ElemType::u8 ? 3 : -2) : 0;
                const bool transposed = (variant / 2) % 2 == 0;
                if (emu_lane && variant % 2 == 0) continue;  // half in Bochs
                // Full-range B: the pairs a run-time B brings are not known to be safe.
                const Case c = with_runtime_b(make_case(batch, m, k, n, a_t, zp, variant % 5 == 0 ? Weights::extreme : Weights::full,
                                                        variant, uint32_t(variant * 13 + 1)),
                                              transposed);
                const std::vector<uint8_t> want = reference(c);
                for (Isa isa : run_isas) {
                    auto kern = make_jit(runtime_problem(c), isa);
                    INFO(case_info(c, isa) << " " << kern->name() << " transposed " << transposed);
                    CHECK(kern->name().rfind("matmul_rt_", 0) == 0);
                    CHECK((kern->exec_type().find("_exact") != std::string::npos) == !jit::isa_has_vnni(isa));
                    for (int splits : {1, 2, int(kern->work_units())}) {
                        const std::vector<uint8_t> got = run_guarded(*kern, c, splits);
                        REQUIRE(got.size() == want.size());
                        REQUIRE(std::memcmp(got.data(), want.data(), got.size()) == 0);
                    }
                    ran.note(isa, kern->exec_type());
                }
            }
    ran.print("run-time B");
    CHECK(!ran.count.empty());
}

TEST_CASE("matmul jit: run-time B through the registry and the reference kernel", "[kernels][matmul][jit]") {
    const Case c = with_runtime_b(make_case(2, 5, 19, 11, ElemType::s8, 0, Weights::full, 1, 77), true);
    const std::vector<uint8_t> want = reference(c);
    auto ref = make_matmul_ref_kernel(runtime_problem(c));
    CHECK(std::memcmp(run_guarded(*ref, c, 2).data(), want.data(), want.size()) == 0);
    auto k = create_matmul_kernel(runtime_problem(c), jit::best_isa());
    CHECK(k->exec_type().rfind("jit_", 0) == 0);
    CHECK(std::memcmp(run_guarded(*k, c, 3).data(), want.data(), want.size()) == 0);
    std::vector<uint8_t> dst(want.size());
    CHECK_THROWS_AS(k->run(MatmulArgs{c.a.data(), nullptr, dst.data(), nullptr}), ArgumentError);
    CHECK_THROWS_AS(ref->run(MatmulArgs{c.a.data(), nullptr, dst.data(), nullptr}), ArgumentError);
}

TEST_CASE("matmul jit: run-time B at BERT's attention shapes, every native ISA", "[kernels][matmul][jit]") {
    if (emu::in_emu_lane()) {
        WARN("skipped in the emu lane (large shapes; native runs check them)");
        return;
    }
    Ran ran;
    // scores = Q·Kᵀ: s8 × s8 (Kᵀ stored [N][K]) -> f32; context = P·V: u8 × s8 -> s8 requantized.
    Case scores = with_runtime_b(make_case(12, 128, 64, 128, ElemType::s8, 0, Weights::full, 3, 5), true);
    scores.p.epilogue = ir::Epilogue{};
    scores.p.epilogue.dst_type = ElemType::f32;
    scores.p.epilogue.scale = {0.0002f};
    Case context = with_runtime_b(make_case(12, 128, 128, 64, ElemType::u8, 0, Weights::full, 1, 6), false);
    context.p.epilogue = ir::Epilogue{};
    context.p.epilogue.dst_type = ElemType::s8;
    context.p.epilogue.scale = {0.0001f};
    context.p.epilogue.out_scale = {40.f};
    for (const Case* c : {&scores, &context}) {
        const std::vector<uint8_t> want = reference(*c);
        for (Isa isa : run_isas_here()) {
            auto kern = make_jit(runtime_problem(*c), isa);
            INFO(case_info(*c, isa) << " " << kern->name());
            REQUIRE(std::memcmp(run_guarded(*kern, *c, 4).data(), want.data(), want.size()) == 0);
            ran.note(isa, kern->exec_type());
        }
    }
    ran.print("attention");
}

// The GEMM tiles' row blocks: several blocks of 12 rows (AVX-512 VNNI) or 4/6 rows,
// with and without a row tail, and the exact path's split A (kernels/matmul/
// jit_matmul_generator.hpp), which is made per row block a work range meets:
// ranges that start and end inside the row blocks of a column block, batches,
// u8/s8 A with zero points, K tails, full and safe weights.
TEST_CASE("matmul jit: row blocks and the exact path's split A, per call and per loop (job)", "[kernels][matmul][jit][emu]") {
    if (emu::in_emu_lane()) {
        WARN("skipped in the emu lane (larger shapes; native runs check them)");
        return;
    }
    Ran ran;
    int variant = 0;
    for (int64_t m : {12, 24, 27, 40})
        for (int64_t k : {64, 131, 258})
            for (int64_t n : {32, 100}) {
                ++variant;
                const int64_t batch = variant % 3 == 0 ? 2 : 1;
                const ElemType a_t = variant % 2 ? ElemType::u8 : ElemType::s8;
                const int32_t zp = variant % 4 == 0 ? 0 : (a_t == ElemType::u8 ? 120 + variant % 7 : variant % 9 - 4);
                for (Weights w : {Weights::full, Weights::safe}) {
                    const Case c = make_case(batch, m, k, n, a_t, zp, w, variant, uint32_t(variant * 13 + int(w)));
                    const std::vector<uint8_t> want = reference(c);
                    for (Isa isa : run_isas_here()) {
                        auto kern = make_jit(c.p, isa);
                        for (int splits : {1, 3, 7})
                            for (bool job : {false, true}) {
                                INFO(case_info(c, isa) << " " << kern->name() << " splits " << splits << " job " << job);
                                REQUIRE(std::memcmp(run_guarded(*kern, c, splits, job).data(), want.data(), want.size()) == 0);
                            }
                        ran.note(isa, kern->exec_type());
                    }
                }
            }
    ran.print("row blocks");
    CHECK(!ran.count.empty());
}

// ---- A constant B through the conv's pxfix path (kernels/matmul_as_conv1x1.hpp) ----

namespace {

// The case with every batch slice of B equal to the first (a B shared across the batch).
Case shared_b(Case c) {
    const size_t slice = size_t(c.p.desc.k * c.p.desc.n);
    for (int64_t i = 1; i < c.p.desc.batch(); ++i)
        std::copy(c.p.b.begin(), c.p.b.begin() + long(slice), c.p.b.begin() + long(size_t(i) * slice));
    return c;
}

bool runs_here(Isa isa) {
    const auto isas = run_isas_here();
    return std::find(isas.begin(), isas.end(), isa) != isas.end();
}

}  // namespace

TEST_CASE("matmul pxfix: bit-exact over tails, batches, types and epilogues", "[kernels][matmul][jit]") {
    if (emu::in_emu_lane()) {
        WARN("skipped in the emu lane (it runs one AVX-512 ISA; the path is sse42 / avx2, checked natively)");
        return;
    }
    Ran ran;
    int variant = 0;
    for (int64_t m : {7, 33, 128})
        for (int64_t k : {3, 67, 130})
            for (int64_t n : {7, 17, 33, 67}) {
                ++variant;
                const int64_t batch = variant % 3 == 0 ? 2 : 1;
                const ElemType a_t = variant % 2 ? ElemType::u8 : ElemType::s8;
                const int32_t zp = variant % 3 == 1 ? 0 : (a_t == ElemType::u8 ? 128 - variant % 5 : variant % 9 - 4);
                for (Weights w : {Weights::full, Weights::zoo}) {
                    const Case c = shared_b(make_case(batch, m, k, n, a_t, zp, w, variant * 3 + int(w),
                                                      uint32_t(variant * 13 + int(w))));
                    if (matmul_pack::count_unsafe_pairs(c.p.b.data(), 1, k, n) == 0) continue;
                    const std::vector<uint8_t> want = reference(c);
                    for (Isa isa : {Isa::sse42, Isa::avx2}) {
                        if (!runs_here(isa)) continue;
                        std::string why;
                        auto kern = make_matmul_pxfix_kernel(c.p, isa, why, false);
                        INFO(case_info(c, isa) << " declined: " << why);
                        REQUIRE(kern);
                        INFO(kern->name());
                        CHECK(kern->exec_type() == std::string("jit_") + jit::exec_isa_tag(isa) + "_pxfix_I8");
                        const int splits = variant % 4 == 0 ? 3 : 1;
                        const std::vector<uint8_t> got = run_guarded(*kern, c, splits, variant % 2 == 0);
                        REQUIRE(got.size() == want.size());
                        REQUIRE(std::memcmp(got.data(), want.data(), got.size()) == 0);
                        // Each range of units alone (a thread's share) with the job state of another run.
                        const std::vector<uint8_t> all = run_guarded(*kern, c, int(std::min<int64_t>(kern->work_units(), 5)), true);
                        REQUIRE(std::memcmp(all.data(), want.data(), all.size()) == 0);
                        ran.note(isa, kern->exec_type());
                    }
                }
            }
    ran.print("pxfix");
    CHECK(!ran.count.empty());
}

TEST_CASE("matmul pxfix: the registry picks it by cost at sse42 / avx2 only", "[kernels][matmul][jit]") {
    Ran ran;
    // BERT-like FC shapes (scaled down) with zoo-like weights: the cost model picks pxfix.
    for (const auto& s : {std::array<int64_t, 4>{1, 128, 256, 256}, std::array<int64_t, 4>{2, 33, 384, 160},
                          std::array<int64_t, 4>{1, 64, 512, 96}})
        for (ElemType a_t : {ElemType::u8, ElemType::s8}) {
            const Case c = shared_b(make_case(s[0], s[1], s[2], s[3], a_t, a_t == ElemType::u8 ? 7 : 0, Weights::zoo,
                                              int(s[1] + s[3]) + int(a_t), uint32_t(s[2])));
            REQUIRE(matmul_pack::count_unsafe_pairs(c.p.b.data(), s[0], s[2], s[3]) > 0);
            const std::vector<uint8_t> want = reference(c);
            for (Isa isa : jit::kAllIsas) {
                DeclineLog log;
                auto kern = create_matmul_kernel(c.p, isa, &log);
                INFO(case_info(c, isa) << " " << kern->name());
                const bool pxfix = kern->exec_type().find("pxfix") != std::string::npos;
                CHECK(pxfix == (isa == Isa::sse42 || isa == Isa::avx2));
                if (pxfix) CHECK(kern->exec_type() == std::string("jit_") + jit::exec_isa_tag(isa) + "_pxfix_I8");
                if (!runs_here(isa)) continue;
                const std::vector<uint8_t> got = run_guarded(*kern, c, 2, true);
                REQUIRE(std::memcmp(got.data(), want.data(), got.size()) == 0);
                ran.note(isa, kern->exec_type());
            }
        }
    ran.print("registry pxfix");

    // Where it declines, with the reason the registry logs.
    auto declines = [](const MatmulProblem& p, Isa isa, const char* why_has) {
        std::string why;
        CHECK_FALSE(make_matmul_pxfix_kernel(p, isa, why));
        INFO(why);
        CHECK(why.find(why_has) != std::string::npos);
    };
    const Case z = make_case(1, 64, 256, 128, ElemType::u8, 0, Weights::zoo, 0, 3);
    std::string why;
    CHECK(make_matmul_pxfix_kernel(z.p, Isa::avx2, why));
    declines(z.p, Isa::avx_vnni, "VNNI");
    declines(z.p, Isa::avx512_core, "sse42 / avx2 only");
    // Uniform 8-bit weights: too many corrections, the matmul's exact path is cheaper.
    declines(make_case(1, 64, 256, 128, ElemType::u8, 0, Weights::full, 0, 3).p, Isa::avx2, "not cheaper");
    declines(make_case(1, 64, 256, 128, ElemType::u8, 0, Weights::safe, 0, 3).p, Isa::avx2, "every B pair is safe");
    declines(make_case(1, 1, 256, 128, ElemType::u8, 0, Weights::zoo, 0, 3).p, Isa::avx2, "batch·M");
    declines(make_case(3, 5, 256, 128, ElemType::u8, 0, Weights::zoo, 0, 3).p, Isa::avx2, "differs between batch");
    MatmulProblem rt = z.p;
    rt.b_runtime = true;
    declines(rt, Isa::avx2, "run-time B");
    MatmulProblem grid = z.p;
    grid.a_grid_w = 8;
    declines(grid, Isa::avx2, "gathered A");
    // The registry logs the decline and falls back to the matmul's exact kernel.
    DeclineLog log;
    auto k = create_matmul_kernel(make_case(1, 64, 256, 128, ElemType::u8, 0, Weights::full, 0, 3).p, Isa::avx2, &log);
    CHECK(k->exec_type() == "jit_avx2_exact_I8");
    bool logged = false;
    for (const std::string& l : log) logged = logged || l.find("jit_pxfix_I8") != std::string::npos;
    CHECK(logged);
}
