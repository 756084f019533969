// The generator base: ABI frame, W^X memory, dump and listing hooks.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "ir/error.hpp"
#include "jit/cpu.hpp"
#include "jit/dump.hpp"
#include "jit/generator.hpp"
#include "jit/kernel_requantize.hpp"
#include "../scoped_env.hpp"

using namespace octet;
using namespace octet::jit;
namespace fs = std::filesystem;

namespace {

using test::ScopedEnv;

fs::path temp_dir(const std::string& tag) {
    std::string tmpl = (fs::temp_directory_path() / ("octet_jit_" + tag + "_XXXXXX")).string();
    REQUIRE(mkdtemp(tmpl.data()) != nullptr);
    return tmpl;
}

// Clobbers every callee-saved register (rbp too, when it has no frame) and
// reports rsp % 64 inside its frame through *rdi.
class Clobberer : public Generator {
public:
    Clobberer(Isa isa, int frame) : Generator(isa), frame_(frame) {}
    std::string name() const override { return "test_clobber_" + std::string(isa_name(isa())) + "_f" + std::to_string(frame_); }
private:
    void generate() override {
        preamble(frame_);
        mov(rax, rsp);
        and_(rax, 63);
        mov(ptr[rdi], rax);
        if (frame_ > 0) {
            mov(qword[frame(0)], -1);
            mov(qword[frame(frame_ - 8)], -1);
        } else {
            mov(rbp, -1);
        }
        for (const Xbyak::Reg64& r : {rbx, r12, r13, r14, r15}) mov(r, -1);
        if (isa() != Isa::sse42) vxorps(ymm1, ymm1, ymm1);  // dirty upper state: postamble vzerouppers
        postamble();
    }
    int frame_;
};

// Loads known values into the callee-saved registers, calls fn(arg), and
// writes the registers as the callee left them to out[0..5].
class Checker : public Generator {
public:
    Checker() : Generator(Isa::sse42) {}
    std::string name() const override { return "test_abi_checker"; }
    static constexpr uint64_t kSeed = 0x0123456789abcd00ull;
private:
    void generate() override {
        preamble();
        const Xbyak::Reg64 regs[] = {rbx, rbp, r12, r13, r14, r15};
        for (int i = 0; i < 6; ++i) mov(regs[i], kSeed + i);
        push(rdi);  // also aligns rsp to 16 for the call
        mov(rdi, rdx);
        call(rsi);
        pop(rdi);
        for (int i = 0; i < 6; ++i) mov(ptr[rdi + 8 * i], regs[i]);
        postamble();
    }
};

// Permissions ("r-xp") of the mapping that holds addr, "" if none.
std::string perms_of(const void* addr, std::vector<std::string>* all_perms = nullptr) {
    std::ifstream maps("/proc/self/maps");
    std::string line, found;
    const auto a = reinterpret_cast<uintptr_t>(addr);
    while (std::getline(maps, line)) {
        std::istringstream in(line);
        std::string range, perms;
        in >> range >> perms;
        const auto dash = range.find('-');
        const uintptr_t lo = std::stoull(range.substr(0, dash), nullptr, 16);
        const uintptr_t hi = std::stoull(range.substr(dash + 1), nullptr, 16);
        if (all_perms) all_perms->push_back(perms + " " + line);
        if (a >= lo && a < hi) found = perms;
    }
    return found;
}

}  // namespace

TEST_CASE("preamble/postamble keep the System V callee-saved registers", "[jit]") {
    Checker checker;
    checker.create();
    for (Isa isa : {Isa::sse42, Isa::avx2}) {
        if (!isa_supported(isa)) continue;
        for (int frame : {0, 8, 100, 256}) {
            Clobberer k(isa, frame);
            k.create();
            uint64_t regs[6] = {};
            uint64_t rsp_mod = 99;
            checker.function<void(uint64_t*, const void*, uint64_t*)>()(regs, k.code(), &rsp_mod);
            for (int i = 0; i < 6; ++i) CHECK(regs[i] == Checker::kSeed + i);
            if (frame > 0) CHECK(rsp_mod == 0);  // frame aligned for zmm
        }
    }
}

TEST_CASE("frame() refuses offsets outside the frame", "[jit]") {
    class Bad : public Generator {
    public:
        Bad() : Generator(Isa::sse42) {}
        std::string name() const override { return "test_bad_frame"; }
        void generate() override { preamble(16); mov(qword[frame(16)], 0); postamble(); }
    } bad;
    CHECK_THROWS_AS(bad.create(), Error);
}

TEST_CASE("created code is read+exec, and nothing in the process is writable and executable", "[jit]") {
    ir::Epilogue e;
    e.scale = {0.5f};
    e.dst_type = ir::ElemType::u8;
    RequantizeKernel k(Isa::sse42, e, 13);
    const Generator& g = k.generator();
    REQUIRE(g.created());
    REQUIRE(g.code_size() > 0);
    std::vector<std::string> all;
    CHECK(perms_of(g.code(), &all) == "r-xp");
    CHECK(perms_of(g.code() + g.code_size() - 1) == "r-xp");
    for (const std::string& p : all) {
        INFO(p);
        CHECK(p.substr(0, 3) != "rwx");
    }
    // It runs.
    int32_t acc[13];
    uint8_t dst[13];
    for (int i = 0; i < 13; ++i) acc[i] = 2 * i + 1;
    k(acc, nullptr, dst, 1);
    for (int i = 0; i < 13; ++i) CHECK(dst[i] == uint8_t(ir::saturate_round(float(2 * i + 1) * 0.5f, ir::ElemType::u8)));
}

TEST_CASE("code() before create() and a second create() are errors", "[jit]") {
    Clobberer k(Isa::sse42, 0);
    CHECK_THROWS_AS(k.code(), Error);
    k.create();
    CHECK_THROWS_AS(k.create(), Error);
}

TEST_CASE("OCTET_JIT_PROFILE=1 names each created kernel in perf's /tmp/perf-<pid>.map", "[jit]") {
    ir::Epilogue e;
    e.dst_type = ir::ElemType::u8;
    const std::string path = perf_map_path();
    CHECK(path == "/tmp/perf-" + std::to_string(getpid()) + ".map");
    fs::remove(path);
    auto map_text = [&] {
        std::ifstream in(path);
        return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    };
    auto line_of = [](const Generator& g) {
        char b[64];
        std::snprintf(b, sizeof b, "%llx %zx ", static_cast<unsigned long long>(reinterpret_cast<uintptr_t>(g.code())),
                      g.code_size());
        return std::string(b) + "octet_" + g.name() + "\n";
    };
    {
        ScopedEnv env("OCTET_JIT_PROFILE", nullptr);
        RequantizeKernel k(Isa::sse42, e, 9);
        CHECK_FALSE(fs::exists(path));
    }
    {
        ScopedEnv env("OCTET_JIT_PROFILE", "1");
        RequantizeKernel a(Isa::sse42, e, 11);
        RequantizeKernel b(Isa::avx2, e, 12);
        const std::string text = map_text();
        CHECK(text == line_of(a.generator()) + line_of(b.generator()));
        // Removed between two kernels (perf record's own cleanup does): the next one is still written.
        fs::remove(path);
        RequantizeKernel c(Isa::avx2, e, 13);
        CHECK(map_text() == line_of(c.generator()));
    }
    {
        ScopedEnv env("OCTET_JIT_PROFILE", "0");
        RequantizeKernel k(Isa::sse42, e, 14);
        CHECK(map_text().find(k.name()) == std::string::npos);
    }
    fs::remove(path);
}

TEST_CASE("OCTET_JIT_DUMP writes each created kernel as <name>.bin; listings beside it", "[jit]") {
    const fs::path dir = temp_dir("dump");
    ir::Epilogue e;
    e.dst_type = ir::ElemType::u8;
    e.post_ops = {ir::PostOp::relu()};
    {
        ScopedEnv env("OCTET_JIT_DUMP", dir.c_str());
        for (Isa isa : kAllIsas) {  // every ISA generates (and dumps) here, runnable or not
            RequantizeKernel k(isa, e, 67);
            const fs::path bin = dir / (k.name() + ".bin");
            INFO(bin);
            REQUIRE(fs::exists(bin));
            const Generator& g = k.generator();
            CHECK(fs::file_size(bin) == g.code_size());
            std::ifstream in(bin, std::ios::binary);
            std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            REQUIRE(bytes.size() == g.code_size());
            CHECK(std::memcmp(bytes.data(), g.code(), bytes.size()) == 0);
        }
        CHECK(fs::exists(dir / "requant_avx2_s32u8_relu_c67.bin"));
        CHECK(fs::exists(dir / "requant_avx512_core_vnni_s32u8_relu_c67.bin"));
    }
    {
        ScopedEnv env("OCTET_JIT_DUMP", nullptr);
        RequantizeKernel k(Isa::sse42, e, 5);
        CHECK_FALSE(fs::exists(dir / (k.name() + ".bin")));
    }
    if (objdump_available()) {
        const std::string listing = write_listing((dir / "requant_avx2_s32u8_relu_c67.bin").string());
        CHECK(listing == (dir / "requant_avx2_s32u8_relu_c67.s").string());
        std::ifstream in(listing);
        const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        CHECK(text.find("vcvtdq2ps") != std::string::npos);
        CHECK(text.find("ret") != std::string::npos);

        // The programmatic switch (jitbench --dump-kernels) writes both at creation.
        const fs::path dir2 = temp_dir("dump_listing");
        set_dump_dir(dir2.string(), true);
        RequantizeKernel k(Isa::avx512_core, e, 20);
        set_dump_dir("", false);
        CHECK(fs::exists(dir2 / (k.name() + ".bin")));
        CHECK(fs::file_size(dir2 / (k.name() + ".s")) > 0);
        fs::remove_all(dir2);
    } else {
        WARN("objdump not found: listing not tested");
        CHECK_THROWS_AS(write_listing((dir / "requant_avx2_s32u8_relu_c67.bin").string()), Error);
    }
    fs::remove_all(dir);
}
