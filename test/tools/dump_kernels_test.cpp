// jitbench --dump-kernels (issue 4): a single-layer run writes each generated kernel as
// <dir>/<name>.bin with an objdump listing <name>.s beside it, and the listing is the
// ISA's code (vpdpbusd with VNNI, pmaddubsw below it). Runs the same
// run_layer_mode the binary runs, once per ISA this CPU executes (OCTET_MAX_ISA caps).
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "args.hpp"
#include "jit/cpu.hpp"
#include "jit/dump.hpp"
#include "layer_args.hpp"
#include "layer_run.hpp"

using namespace octet;
using namespace octet::tools;
namespace fs = std::filesystem;

namespace {

// Sets OCTET_MAX_ISA for the scope and puts back what was there.
class IsaCap {
public:
    explicit IsaCap(const char* isa) {
        if (const char* old = std::getenv("OCTET_MAX_ISA")) old_ = old, had_ = true;
        setenv("OCTET_MAX_ISA", isa, 1);
    }
    ~IsaCap() {
        if (had_) setenv("OCTET_MAX_ISA", old_.c_str(), 1);
        else unsetenv("OCTET_MAX_ISA");
    }

private:
    std::string old_;
    bool had_ = false;
};

std::string read_text(const fs::path& p) {
    std::ifstream f(p);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
}

}  // namespace

TEST_CASE("--dump-kernels and -dump_kernels parse in both modes", "[tools][dump]") {
    CHECK(parse_layer_args({"--conv", "mb1ic4ih4oc4oh4kh1", "--dump-kernels", "d"}).dump_kernels == "d");
    CHECK(parse_layer_args({"--conv", "mb1ic4ih4oc4oh4kh1", "--dump-kernels=d2"}).dump_kernels == "d2");
    CHECK(parse_layer_args({"--conv", "mb1ic4ih4oc4oh4kh1", "-dump_kernels", "d3"}).dump_kernels == "d3");
    CHECK_THROWS_AS(parse_layer_args({"--conv", "mb1ic4ih4oc4oh4kh1", "--dump-kernels"}), UsageError);
    CHECK(parse_args({"-m", "zoo:resnet50-int8", "--dump-kernels", "k"}).dump_kernels == "k");
    CHECK(parse_args({"-m", "zoo:resnet50-int8", "-dump_kernels", "k"}).dump_kernels == "k");
}

TEST_CASE("--dump-kernels writes each kernel's .bin and its listing", "[tools][dump]") {
    if (!jit::objdump_available()) FAIL("objdump is not on PATH: binutils is a build dependency (scripts/setup.sh)");
    struct Want {
        jit::Isa isa;
        const char* mnemonic;  // what the conv's dot product is made of at that ISA
    };
    const Want wants[] = {{jit::Isa::sse42, "pmaddubsw"},
                          {jit::Isa::avx2, "vpmaddubsw"},
                          {jit::Isa::avx512_core, "vpmaddubsw"},
                          {jit::Isa::avx512_core_vnni, "vpdpbusd"}};
    int ran = 0;
    for (const Want& w : wants) {
        if (!jit::isa_supported(w.isa)) continue;
        const char* isa = jit::isa_name(w.isa);
        INFO("isa " << isa);
        const IsaCap cap(isa);
        const fs::path dir = fs::temp_directory_path() / ("octet_dump_test_" + std::to_string(getpid()) + "_" + isa);
        fs::remove_all(dir);
        std::ostringstream out, err;
        const int rc = run_layer_mode(parse_layer_args({"--conv", "mb1ic16ih8oc16oh8kh3ph1", "--dt", "u8:s8:u8",
                                                        "--check", "-niter", "1", "-nthreads", "1",
                                                        "--dump-kernels", dir.string()}),
                                      out, err);
        INFO(out.str() << err.str());
        CHECK(rc == 0);
        // The conv kernel; at sse42 / avx2 the cost model may add its pixel-lane
        // correction (pxfix_*), a kernel of its own.
        std::vector<fs::path> bins, convs;
        for (const auto& e : fs::directory_iterator(dir))
            if (e.path().extension() == ".bin") bins.push_back(e.path());
        for (const fs::path& b : bins) {
            const std::string name = b.filename().string();
            if (name.rfind("conv_", 0) == 0) convs.push_back(b);
            else CHECK((name.rfind("pxfix_", 0) == 0 && (w.isa == jit::Isa::sse42 || w.isa == jit::Isa::avx2)));
        }
        CHECK_THAT(out.str(), Catch::Matchers::Contains("--dump-kernels: " + std::to_string(bins.size()) +
                                                        " kernel(s) and " + std::to_string(bins.size()) + " listing(s)"));
        REQUIRE(convs.size() == 1);
        const fs::path bin = convs[0];
        INFO("kernel file " << bin);
        CHECK(bin.filename().string().rfind(std::string("conv_") + isa + "_", 0) == 0);  // the name says what it is
        CHECK(fs::file_size(bin) > 64);
        fs::path listing = bin;
        listing.replace_extension(".s");
        REQUIRE(fs::exists(listing));
        const std::string text = read_text(listing);
        CHECK_THAT(text, Catch::Matchers::Contains("file format binary"));
        CHECK_THAT(text, Catch::Matchers::Contains(w.mnemonic));
        if (w.isa != jit::Isa::avx512_core_vnni) CHECK_THAT(text, !Catch::Matchers::Contains("vpdpbusd"));
        fs::remove_all(dir);
        ++ran;
    }
    CHECK(ran > 0);
    // After the run the dump is off again: later kernels are not written.
    CHECK(jit::dump_dir() == (std::getenv("OCTET_JIT_DUMP") ? std::getenv("OCTET_JIT_DUMP") : ""));
}
