// jitbench's single-layer modes: flags, option-list expansion, problem building with
// the bit-exact check, and whole runs over a small batch file.
#include <catch2/catch.hpp>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <unistd.h>

#include "args.hpp"
#include "ir/error.hpp"
#include "jit/cpu.hpp"
#include "layer_args.hpp"
#include "layer_problem.hpp"
#include "layer_run.hpp"

using namespace octet;
using namespace octet::tools;
using Catch::Matchers::Contains;

namespace {

std::string run_mode(const std::vector<std::string>& argv, int& rc) {
    std::ostringstream out, err;
    rc = run_layer_mode(parse_layer_args(argv), out, err);
    return out.str() + err.str();
}

}  // namespace

TEST_CASE("single-layer flags parse in both benchdnn spellings", "[tools][layer]") {
    CHECK(is_layer_mode({"--conv", "mb1ic4ih4oc4oh4kh1"}));
    CHECK(is_layer_mode({"-niter", "2", "--batch=file"}));
    CHECK_FALSE(is_layer_mode({"-m", "zoo:resnet50-int8", "-niter", "2"}));

    const LayerArgs a = parse_layer_args({"--conv", "mb1ic4ih4oc4oh4kh1", "--dt=s8:s8:s32", "--post", "relu,sum",
                                          "-niter", "3", "-nthreads", "1", "--mb", "2", "--check", "-json",
                                          "--attr-scales", "src:common:2"});
    CHECK(a.family == "conv");
    CHECK(a.desc == "mb1ic4ih4oc4oh4kh1");
    CHECK(a.options.at("dt") == "s8:s8:s32");
    CHECK(a.options.at("attr-post-ops") == "relu+sum");  // --post's commas become benchdnn's '+'
    CHECK(a.options.at("attr-scales") == "src:common:2");
    CHECK(a.niter == 3);
    CHECK(a.nthreads == 1);
    CHECK(*a.mb == 2);
    CHECK((a.check && a.json));

    const LayerArgs b = parse_layer_args({"--batch", "dir/matmul_shapes_bert", "--driver=ip"});
    CHECK(b.batch_file == "dir/matmul_shapes_bert");
    CHECK(b.family == "ip");
    CHECK_FALSE(b.check);
    CHECK(b.niter == 10);

    CHECK_THROWS_WITH(parse_layer_args({"--conv"}), Contains("--conv needs a value"));
    CHECK_THROWS_AS(parse_layer_args({"--conv", "x", "--matmul", "y"}), UsageError);
    CHECK_THROWS_AS(parse_layer_args({"--conv", "x", "--batch", "y"}), UsageError);
    CHECK_THROWS_WITH(parse_layer_args({"--conv", "x", "--mb", "0"}), Contains("--mb expects an integer from 1"));
    CHECK_THROWS_AS(parse_layer_args({"--conv", "x", "--check=1"}), UsageError);
    CHECK_THROWS_AS(parse_layer_args({"--conv", "x", "--post", "relu", "--attr-post-ops", "sum"}), UsageError);
    CHECK_THROWS_AS(parse_layer_args({"--conv", "x", "--driver", "conv"}), UsageError);
    CHECK_THROWS_AS(parse_layer_args({"--batch", "x", "--driver", "lrn"}), UsageError);
    CHECK_THROWS_WITH(parse_layer_args({"--conv", "x", "--bogus"}), Contains("unknown flag '--bogus'"));
    CHECK_THROWS_AS(parse_layer_args({"-niter", "2"}), UsageError);
}

TEST_CASE("comma lists of benchdnn options expand into every combination", "[tools][layer]") {
    const auto sets = expand_option_lists(
        {{"dt", "u8:s8:u8,s8:s8:s32"}, {"attr-post-ops", "relu,sum:0.5+relu:0.5"}, {"skip-impl", "ref,x64:gemm"}});
    REQUIRE(sets.size() == 4);
    CHECK(sets[0].at("dt") == "u8:s8:u8");
    CHECK(sets[0].at("attr-post-ops") == "relu");
    CHECK(sets[3].at("dt") == "s8:s8:s32");
    CHECK(sets[3].at("attr-post-ops") == "sum:0.5+relu:0.5");
    CHECK(sets[3].at("skip-impl") == "ref,x64:gemm");  // not a list of alternatives
    CHECK(expand_option_lists({}).size() == 1);

    CHECK(family_of_batch_file("/a/b/conv_shapes_1x1") == "conv");
    CHECK(family_of_batch_file("matmul_shapes_bert") == "matmul");
    CHECK(family_of_batch_file("ip_test_ip_int8") == "ip");
    CHECK(family_of_batch_file("shapes_1x1").empty());
}

TEST_CASE("first_mismatch compares bits and names the first difference", "[tools][layer]") {
    const uint8_t a[] = {1, 2, 5, 9}, b[] = {1, 2, 7, 8};
    CHECK(first_mismatch(ir::ElemType::u8, a, a, 4).empty());
    CHECK(first_mismatch(ir::ElemType::u8, a, b, 4) == "first mismatch at index 2: got 5, want 7 (2 of 4 elements differ)");
    const int8_t s[] = {-128, 3}, t[] = {127, 3};
    CHECK_THAT(first_mismatch(ir::ElemType::s8, s, t, 2), Contains("index 0: got -128, want 127"));
    const float z[] = {0.f, 1.f}, nz[] = {-0.f, 1.f};  // equal as numbers, not as bits
    CHECK_THAT(first_mismatch(ir::ElemType::f32, nz, z, sizeof z), Contains("got -0, want 0"));
    const int32_t i[] = {5, 70000}, j[] = {5, 70001};
    CHECK_THAT(first_mismatch(ir::ElemType::s32, i, j, sizeof i), Contains("index 1: got 70000, want 70001"));
}

TEST_CASE("a prepared conv layer holds the saturation case and matches its reference", "[tools][layer]") {
    LayerSpec s{"conv", "mb2ic8ih5oc4oh5kh3ph1", {{"dt", "s8:s8:s32"}, {"attr-post-ops", "sum:0.5"}}, int64_t(1)};
    auto L = prepare_layer(s, jit::best_isa());
    REQUIRE(L->kernel);
    CHECK(L->dst.size() == size_t(1 * 5 * 5 * 4 * 4));  // mb overridden to 1, s32
    CHECK(L->residual.size() == size_t(5 * 5 * 4 * 4));  // the sum's s32 residual
    CHECK(L->work == 2.0 * 5 * 5 * 4 * 8 * 9);
    for (int c = 0; c < 8; ++c) CHECK(int8_t(L->src[size_t(c)]) == 127);  // shifts to 255
    L->run(0, L->kernel->work_units());
    std::vector<uint8_t> want(L->dst.size());
    L->reference(want.data());
    CHECK(first_mismatch(L->dst_type, L->dst.data(), want.data(), want.size()).empty());
    L->dst[4] ^= 1;  // the check catches a single flipped bit
    CHECK_FALSE(first_mismatch(L->dst_type, L->dst.data(), want.data(), want.size()).empty());

    const LayerSpec pool{"pool", "mb1ic3ih6oh3kh2sh2", {{"alg", "avg_np"}, {"dt", "s8"}}, {}};
    auto P = prepare_layer(pool, jit::best_isa());
    CHECK(P->work_is_bytes);
    CHECK(P->work == double(6 * 6 * 3 + 3 * 3 * 3));

    auto reject = [](LayerSpec bad) { return prepare_layer(bad, jit::best_isa()); };
    CHECK_THROWS_WITH(reject({"conv", "mb1ic4ih4oc4oh4kh1", {{"dir", "BWD_D"}}, {}}), Contains("forward inference"));
    CHECK_THROWS_WITH(reject({"conv", "mb1ic4ih4oc4oh4kh1", {{"cfg", "u8s8u8"}}, {}}),
                      Contains("option --cfg=u8s8u8 is not supported"));
    CHECK_THROWS_AS(reject({"conv", "mb1ic4ih4oc4oh4kh1", {{"attr-post-ops", "round"}}, {}}), UnsupportedError);
    CHECK_THROWS_AS(reject({"conv", "mb1ic4id4ih4oc4oh4kh1", {}, {}}), UnsupportedError);  // 3D
    CHECK_THROWS_AS(reject({"conv", "mb1ic0ih4oc4oh4kh1", {}, {}}), ArgumentError);
    CHECK_THROWS_AS(reject({"pool", "mb1ic4ih4oh4kh1", {{"attr-post-ops", "relu"}}, {}}), UnsupportedError);
    CHECK_THROWS_AS(reject({"matmul", "4x8:8x3", {{"bia-dt", "f32"}, {"bia_mask", "1"}}, {}}), UnsupportedError);
    CHECK_THROWS_AS(reject({"lrn", "mb1ic4ih4", {}, {}}), ArgumentError);
}

TEST_CASE("single-layer runs report, skip with reasons and count", "[tools][layer]") {
    int rc = -1;
    const std::string one = run_mode({"--conv", "mb1ic16ih6oc8oh6kh3ph1n\"tiny\"", "--check", "-niter", "2",
                                      "-nthreads", "2", "--attr-zero-points", "src:common:5"},
                                     rc);
    CHECK(rc == 0);
    CHECK_THAT(one, Contains("check pass"));
    CHECK_THAT(one, Contains("1 run: 1 pass, 0 fail, 0 unchecked; 0 skipped"));

    const std::string js = run_mode({"--ip", "mb1ic64oc10", "-json", "-niter", "1", "--check"}, rc);
    CHECK(rc == 0);
    CHECK_THAT(js, Contains("{\"desc\":\"mb1ic64oc10\",\"name\":\"\",\"exec_type\":\""));
    CHECK_THAT(js, Contains(",\"check\":\"pass\"}"));

    const std::string matmul = run_mode({"--matmul", "2x16x8:2x8x24", "--dt", "u8:s8:f32", "--attr-scales",
                                         "src:common:0.5+wei:per_oc", "--post", "sum", "-niter", "1", "--check"},
                                        rc);
    CHECK(rc == 0);
    CHECK_THAT(matmul, Contains("check pass"));

    const std::string off = run_mode({"--pool", "mb1ic4ih8oh4kh3sh2ph1", "--alg", "avg_p", "-niter", "1"}, rc);
    CHECK(rc == 0);
    CHECK_THAT(off, Contains("GB/s, check off"));
    CHECK_THAT(off, Contains("1 run: 0 pass, 0 fail, 1 unchecked"));

    const std::string bad = run_mode({"--conv", "mb1ic4ih4oc0oh4kh1", "-niter", "1"}, rc);
    CHECK(rc == 1);
    CHECK_THAT(bad, Contains("error: "));
}

TEST_CASE("a batch file runs every combination, honours --mb and counts skips", "[tools][layer]") {
    namespace fs = std::filesystem;
    const fs::path dir = fs::temp_directory_path() / ("octet_layer_test_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    {
        std::ofstream f(dir / "conv_mini");
        f << "# two shapes, two data types, two post-op chains of which one is not expressible\n"
             "--reset --mb=3 --dir=FWD_B --skip-impl=ref\n"
             "--dt=u8:s8:u8,u8:s8:s32 --attr-post-ops=relu,round\n"
             "mb2ic4ih5oc6oh5kh3ph1n\"a\" g2ic4ih4oc4oh2kh1sh2n\"b\"\n"
             "--reset --dir=BWD_D ic4ih4oc4oh4kh1\n"
             "--batch=shapes_absent\n";
    }
    int rc = -1;
    const std::string out = run_mode({"--batch", (dir / "conv_mini").string(), "--mb", "1", "--check", "-niter", "1"}, rc);
    CHECK(rc == 0);
    CHECK_THAT(out, Contains("4 run: 4 pass, 0 fail, 0 unchecked; 5 skipped; 0 error(s); 1 nested batch file(s) not found"));
    CHECK_THAT(out, Contains("skipped: eltwise post-op 'round'"));
    CHECK_THAT(out, Contains("skipped: direction BWD_D"));
    CHECK_THAT(out, Contains("nested batch file not found: shapes_absent"));
    CHECK_THAT(out, Contains("--attr-post-ops=relu --dir=FWD_B --dt=u8:s8:s32 --mb=1 mb2ic4ih5oc6oh5kh3ph1n\"a\""));

    // Without the command line's --mb, the file's --mb=3 wins over the descriptor's mb2.
    const std::string json = run_mode({"--batch", (dir / "conv_mini").string(), "-json", "-niter", "1"}, rc);
    CHECK_THAT(json, Contains("\"desc\":\"--attr-post-ops=relu --dir=FWD_B --dt=u8:s8:u8 --mb=3 mb2ic4ih5oc6oh5kh3ph1n\\\"a\\\"\",\"name\":\"a\""));
    CHECK_THAT(json, Contains("\"check\":\"skipped\",\"reason\":\"eltwise post-op 'round'"));
    fs::remove_all(dir);
}
