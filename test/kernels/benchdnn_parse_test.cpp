// benchdnn descriptor parsers (conv, matmul, ip, pool) and the batch-file reader.
#include <catch2/catch.hpp>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <unistd.h>

#include "ir/error.hpp"
#include "kernels/common/benchdnn_batch.hpp"
#include "kernels/conv/desc.hpp"
#include "kernels/matmul/desc.hpp"
#include "kernels/pool/desc.hpp"

using namespace octet;
using namespace octet::kernels;
namespace fs = std::filesystem;

namespace {

// The benchdnn shape files: $OCTET_BENCHDNN_DIR, else data/benchdnn in the source
// tree, else ../shared/data/benchdnn beside it.
fs::path benchdnn_dir() {
    if (const char* env = std::getenv("OCTET_BENCHDNN_DIR")) return env;
    for (fs::path p : {fs::path(OCTET_SOURCE_DIR) / "data" / "benchdnn",
                       fs::path(OCTET_SOURCE_DIR) / ".." / "shared" / "data" / "benchdnn"})
        if (fs::exists(p / "conv_shapes_resnet_50")) return p;
    FAIL("benchdnn data not found: set OCTET_BENCHDNN_DIR or provide data/benchdnn in the source tree");
    return {};
}

// True when the descriptor has a 3D field such as "id5" (not "id" inside a name).
bool is_3d(const std::string& desc) {
    const std::string fields = desc.substr(0, desc.find('n'));
    for (const char* k : {"id", "od", "kd"}) {
        const size_t p = fields.find(k);
        if (p != std::string::npos && p + 2 < fields.size() && std::isdigit(static_cast<unsigned char>(fields[p + 2])))
            return true;
    }
    return false;
}

int64_t weighted_count(const BatchFile& b) {
    int64_t n = 0;
    for (const BatchEntry& e : b.entries) n += parse_conv_desc(e.desc).repeat;
    return n;
}

}  // namespace

TEST_CASE("conv desc: defaults, w copied from h, deduced output and end padding", "[kernels][int8ref][parse]") {
    ConvDesc d = parse_conv_desc("ic3ih224oc64oh112kh7sh2ph3n\"resnet_50_v1_5:conv1\"");
    CHECK(d.g == 1);
    CHECK(d.mb == 2);
    CHECK(d.ic == 3);
    CHECK(d.ih == 224); CHECK(d.iw == 224);
    CHECK(d.oc == 64);
    CHECK(d.oh == 112); CHECK(d.ow == 112);
    CHECK(d.kh == 7); CHECK(d.kw == 7);
    CHECK(d.sh == 2); CHECK(d.sw == 2);
    CHECK(d.ph == 3); CHECK(d.pw == 3);
    CHECK(d.ph_end == 2); CHECK(d.pw_end == 2);  // 111*2 - 224 + 7 - 3
    CHECK(d.dh == 0); CHECK(d.dw == 0);
    CHECK(d.name == "resnet_50_v1_5:conv1");
    CHECK(d.repeat == 1);

    // Output deduced from the (symmetric) padding, or with padding 0 when absent.
    ConvDesc o = parse_conv_desc("ic16ih5oc16kh3ph1");
    CHECK(o.oh == 5); CHECK(o.ow == 5); CHECK(o.ph_end == 1);
    ConvDesc o0 = parse_conv_desc("ic16ih5oc16kh3");
    CHECK(o0.oh == 3); CHECK(o0.ph == 0); CHECK(o0.ph_end == 0);

    // Padding deduced from the output: ((oh-1)*sh - ih + kh) / 2.
    ConvDesc p = parse_conv_desc("mb1ic64ih56oc64oh56kh3");
    CHECK(p.mb == 1); CHECK(p.ph == 1); CHECK(p.ph_end == 1);

    // Strided 1x1: the last input row is never read (negative end padding).
    ConvDesc s = parse_conv_desc("ic256ih56oc512oh28kh1sh2ph0");
    CHECK(s.ph_end == -1); CHECK(s.pw_end == -1);

    // Asymmetric: an output larger than the symmetric padding gives.
    ConvDesc a = parse_conv_desc("ic16oc16ih4oh7kh3ph3");
    CHECK(a.ph == 3); CHECK(a.ph_end == 2);  // 6 - 4 + 3 - 3

    // benchdnn dilation: d1 means one gap, extent (k-1)*2+1.
    ConvDesc dil = parse_conv_desc("mb2ic8ih10oc8kh3dh1");
    CHECK(dil.dh == 1); CHECK(dil.dw == 1); CHECK(dil.ext_kh() == 5); CHECK(dil.oh == 6);

    // Groups and depthwise.
    ConvDesc g = parse_conv_desc("g32mb1ic32ih112iw112oc32oh112ow112kh3kw3sh1sw1ph1pw1n\"mobilenet:conv2_1/dw\"");
    CHECK(g.g == 32); CHECK(g.icg() == 1); CHECK(g.ocg() == 1);
}

TEST_CASE("conv desc: 1D descriptors have h = 1; underscores and the name's repeat suffix",
          "[kernels][int8ref][parse]") {
    ConvDesc d = parse_conv_desc("ic228oc126_iw48ow12kw1sw4dw0pw0n\"generated_strided_conv1d:1\"");
    CHECK(d.ih == 1); CHECK(d.oh == 1); CHECK(d.kh == 1); CHECK(d.sh == 1); CHECK(d.ph == 0); CHECK(d.ph_end == 0);
    CHECK(d.iw == 48); CHECK(d.ow == 12); CHECK(d.sw == 4); CHECK(d.pw_end == -3);

    ConvDesc r = parse_conv_desc("mb50ic64ih56oc256oh56kh1ph0n\"resnet_50:res2a_branch1*4\"");
    CHECK(r.name == "resnet_50:res2a_branch1");
    CHECK(r.repeat == 4);
    CHECK(to_string(r) == "g1mb50ic64ih56iw56oc256oh56ow56kh1kw1sh1sw1ph0pw0dh0dw0n\"resnet_50:res2a_branch1*4\"");

    // A '*' not followed by a count is part of the name; unquoted names run to the end.
    CHECK(parse_conv_desc("ic1ih1oc1kh1n\"a*b\"").name == "a*b");
    CHECK(parse_conv_desc("ic1ih1oc1kh1nplain_name").name == "plain_name");
}

TEST_CASE("conv desc: canonical form round-trips", "[kernels][int8ref][parse]") {
    ConvDesc d = parse_conv_desc("ic3ih224oc64oh112kh7sh2ph3n\"resnet_50_v1_5:conv1\"");
    const std::string canon = to_string(d);
    CHECK(canon == "g1mb2ic3ih224iw224oc64oh112ow112kh7kw7sh2sw2ph3pw3dh0dw0n\"resnet_50_v1_5:conv1\"");
    CHECK(parse_conv_desc(canon) == d);
    CHECK(to_string(parse_conv_desc("ic4ih4oc4kh1")) == "g1mb2ic4ih4iw4oc4oh4ow4kh1kw1sh1sw1ph0pw0dh0dw0");

    for (const char* file : {"conv_shapes_resnet_50", "conv_shapes_resnet_50_v1_5", "conv_shapes_mobilenet",
                             "conv_shapes_mobilenet_dw", "conv_shapes_1x1"}) {
        for (const BatchEntry& e : read_benchdnn_batch((benchdnn_dir() / file).string()).entries) {
            INFO(file << ": " << e.desc);
            ConvDesc x = parse_conv_desc(e.desc);
            CHECK(parse_conv_desc(to_string(x)) == x);
        }
    }
}

TEST_CASE("conv desc: malformed descriptors are ArgumentError naming the field", "[kernels][int8ref][parse]") {
    using Catch::Contains;
    CHECK_THROWS_WITH(parse_conv_desc("ic3ih4oc4kh1zz2"), Contains("unknown field 'zz'"));
    CHECK_THROWS_WITH(parse_conv_desc("ic3ic4ih4oc4kh1"), Contains("'ic' is given twice"));
    CHECK_THROWS_WITH(parse_conv_desc("ic3ih4oc4"), Contains("'kh'"));
    // w is copied from h only when no w field is given at all (benchdnn's rule).
    CHECK_THROWS_WITH(parse_conv_desc("ic3ih4iw4oc4kh1"), Contains("'kw'"));
    CHECK_THROWS_WITH(parse_conv_desc("ic3ih4kh1"), Contains("'oc'"));
    CHECK_THROWS_WITH(parse_conv_desc("oc3ih4kh1"), Contains("'ic'"));
    CHECK_THROWS_WITH(parse_conv_desc("g2ic3oc4ih4kh1"), Contains("'ic'") && Contains("divisible"));
    CHECK_THROWS_WITH(parse_conv_desc("g2ic4oc3ih4kh1"), Contains("'oc'") && Contains("divisible"));
    CHECK_THROWS_WITH(parse_conv_desc("g0ic4oc4ih4kh1"), Contains("'g'"));
    CHECK_THROWS_WITH(parse_conv_desc("mb0ic4oc4ih4kh1"), Contains("'mb'"));
    CHECK_THROWS_WITH(parse_conv_desc("ic4oc4ih4kh1sh0"), Contains("'sh'"));
    CHECK_THROWS_WITH(parse_conv_desc("ic1ih2oc1kh5"), Contains("larger than the padded input"));
    CHECK_THROWS_WITH(parse_conv_desc("ic99999999999999999999999ih4oc4kh1"), Contains("'ic'"));
    CHECK_THROWS_WITH(parse_conv_desc("ic1073741825ih4oc4kh1"), Contains("'ic'"));
    CHECK_THROWS_WITH(parse_conv_desc("mb1073741824ic1073741824ih1oc1kh1"), Contains("source tensor"));
    CHECK_THROWS_WITH(parse_conv_desc("ic4oc4ih4kh"), Contains("'kh' has no value"));
    CHECK_THROWS_WITH(parse_conv_desc("ic4oc4"), Contains("no spatial size"));
    CHECK_THROWS_WITH(parse_conv_desc("ic4oc4ih4kh1n\"unterminated"), Contains("closing quote"));
    CHECK_THROWS_WITH(parse_conv_desc("ic4oc4ih4kh1n\"a\"junk"), Contains("after the name"));
    CHECK_THROWS_WITH(parse_conv_desc("ic4oc4ih4kh1n\"a*0\""), Contains("repeat count"));
    CHECK_THROWS_WITH(parse_conv_desc("ic4oc4ih4kh1-3"), Contains("unexpected character"));
    CHECK_THROWS_AS(parse_conv_desc(""), ArgumentError);
    CHECK_THROWS_AS(parse_conv_desc("ic4oc4ih4kh1#"), ArgumentError);
    CHECK_THROWS_AS(parse_conv_desc("mb48ic128id3ih3iw3oc288od3oh3ow3kd1kh1kw1"), UnsupportedError);
}

TEST_CASE("matmul desc: benchdnn form, batch dims, short form and ip", "[kernels][int8ref][parse]") {
    MatmulDesc a = parse_matmul_desc("384x1024:1024x1024n\"BERT:MM_1*48\"");
    CHECK(a.batch_dims.empty());
    CHECK(a.m == 384); CHECK(a.k == 1024); CHECK(a.n == 1024);
    CHECK(a.name == "BERT:MM_1"); CHECK(a.repeat == 48);
    CHECK(to_string(a) == "384x1024:1024x1024n\"BERT:MM_1*48\"");
    CHECK(parse_matmul_desc(to_string(a)) == a);

    MatmulDesc b = parse_matmul_desc("12x128x64:12x64x128_n\"encoder:QK_matmul:12\"");
    CHECK(b.batch_dims == std::vector<int64_t>{12});
    CHECK(b.m == 128); CHECK(b.k == 64); CHECK(b.n == 128);
    CHECK(b.name == "encoder:QK_matmul:12"); CHECK(b.repeat == 1);
    CHECK(b.macs() == 12 * 128 * 128 * 64);

    MatmulDesc c = parse_matmul_desc("56x16x384x64:56x16x64x384");
    CHECK(c.batch_dims == std::vector<int64_t>{56, 16});
    CHECK(c.batch() == 56 * 16);
    CHECK(parse_matmul_desc(to_string(c)) == c);
    CHECK(parse_matmul_desc("2x3:3x4:2x4").n == 4);

    MatmulDesc s = parse_matmul_desc("mb1m128n768k768");
    CHECK(s.batch_dims.empty()); CHECK(s.m == 128); CHECK(s.n == 768); CHECK(s.k == 768);
    MatmulDesc s4 = parse_matmul_desc("mb4m2n3k5n\"x\"");
    CHECK(s4.batch_dims == std::vector<int64_t>{4}); CHECK(s4.name == "x");
    CHECK(to_string(s4) == "4x2x5:4x5x3n\"x\"");

    MatmulDesc ip = parse_ip_desc("ic2048oc1000n\"resnet:ip1\"");
    CHECK(ip.m == 2); CHECK(ip.k == 2048); CHECK(ip.n == 1000); CHECK(ip.name == "resnet:ip1");
    CHECK(parse_ip_desc("mb2ic64ih7oc10").k == 64 * 49);
    CHECK(parse_ip_desc("mb1ic3iw5oc2").k == 15);
}

TEST_CASE("matmul desc: malformed descriptors", "[kernels][int8ref][parse]") {
    using Catch::Contains;
    CHECK_THROWS_WITH(parse_matmul_desc("2x3:4x5"), Contains("K of A"));
    CHECK_THROWS_WITH(parse_matmul_desc("2x2x3:3x5"), Contains("ranks"));
    CHECK_THROWS_AS(parse_matmul_desc("2x3x4:1x4x5"), UnsupportedError);
    CHECK_THROWS_WITH(parse_matmul_desc("2x3:3x4:2x5"), Contains("dst dims"));
    CHECK_THROWS_WITH(parse_matmul_desc("0x3:3x4"), Contains("positive"));
    CHECK_THROWS_WITH(parse_matmul_desc("2xx3:3x4"), Contains("empty dimension"));
    CHECK_THROWS_WITH(parse_matmul_desc("2x3"), Contains("MxK:KxN"));
    CHECK_THROWS_WITH(parse_matmul_desc("3:3"), Contains("at least 2 dims"));
    CHECK_THROWS_WITH(parse_matmul_desc("2x99999999999:99999999999x4"), Contains("larger than 2^30"));
    CHECK_THROWS_WITH(parse_matmul_desc("2097152x1048576:1048576x1"), Contains("tensor A"));
    CHECK_THROWS_WITH(parse_matmul_desc("m1n2"), Contains("'k'"));
    CHECK_THROWS_WITH(parse_matmul_desc("2x3:3x4q"), Contains("unknown field 'q'"));
    CHECK_THROWS_AS(parse_matmul_desc(""), ArgumentError);
    CHECK_THROWS_WITH(parse_ip_desc("mb2oc3"), Contains("'ic'"));
    CHECK_THROWS_AS(parse_ip_desc("mb2ic3id2ih2iw2oc3"), UnsupportedError);
}

TEST_CASE("pool desc: deduction, algorithms and errors", "[kernels][int8ref][parse]") {
    PoolDesc d = parse_pool_desc("mb1ic64ih112oh56kh3sh2ph1n\"resnet:pool1\"", PoolAlg::max);
    CHECK(d.iw == 112); CHECK(d.ow == 56); CHECK(d.kw == 3); CHECK(d.sw == 2); CHECK(d.pw == 1);
    CHECK(d.ph_end == 0);  // 55*2 - 112 + 3 - 1
    CHECK(to_string(d) == "mb1ic64ih112iw112oh56ow56kh3kw3sh2sw2ph1pw1n\"resnet:pool1\"");
    CHECK(parse_pool_desc(to_string(d)) == d);
    PoolDesc dflt = parse_pool_desc("ic8ih4kh2sh2");
    CHECK(dflt.mb == 2); CHECK(dflt.oh == 2); CHECK(dflt.alg == PoolAlg::max);

    CHECK(parse_pool_alg("avg_np") == PoolAlg::avg_np);
    CHECK(parse_pool_alg("pooling_avg_include_padding") == PoolAlg::avg_p);
    CHECK(parse_pool_alg("max") == PoolAlg::max);
    CHECK(std::string(to_string(PoolAlg::avg_p)) == "avg_p");
    CHECK_THROWS_WITH(parse_pool_alg("median"), Catch::Contains("median"));
    CHECK_THROWS_AS(parse_pool_desc("ic8ih4kh2dh1"), UnsupportedError);
    CHECK_THROWS_AS(parse_pool_desc("ic8id4ih4kh2"), UnsupportedError);
    CHECK_THROWS_WITH(parse_pool_desc("ic8ih4oc3kh2"), Catch::Contains("unknown field 'oc'"));
    CHECK_THROWS_WITH(parse_pool_desc("ic8ih4096kh4096"), Catch::Contains("window"));
}

TEST_CASE("batch reader: options in force, --reset, comments, quotes and line breaks", "[kernels][int8ref][parse]") {
    const std::string text =
        "# header comment\n"
        "--reset --mb=2\n"
        "--dt=u8:s8:u8 --attr-post-ops=relu   # trailing comment\n"
        "ic4ih4oc4kh1n\"a#b\"  ic8ih4oc8kh3ph1 # jit\n"
        "--attr-zero-points=src:common:1, \\\n"
        "     src:common:2\n"
        "--reset --dt=s8:s8:s32 mb1ic1ih1oc1kh1\n"
        "--batch=not_there\n";
    BatchFile b = parse_benchdnn_batch(text, "/nonexistent", "conv_test");
    REQUIRE(b.entries.size() == 3);
    CHECK(b.entries[0].desc == "ic4ih4oc4kh1n\"a#b\"");
    CHECK(b.entries[0].line == 4);
    CHECK(b.entries[0].option("mb") == "2");
    CHECK(b.entries[0].option("dt") == "u8:s8:u8");
    CHECK(b.entries[0].option("attr-post-ops") == "relu");
    CHECK(b.entries[1].desc == "ic8ih4oc8kh3ph1");
    CHECK(b.entries[2].desc == "mb1ic1ih1oc1kh1");
    CHECK(b.entries[2].line == 7);
    CHECK(b.entries[2].options == std::map<std::string, std::string>{{"dt", "s8:s8:s32"}});
    REQUIRE(b.missing_batches.size() == 1);
    CHECK_THAT(b.missing_batches[0], Catch::StartsWith("not_there") && Catch::Contains("conv_test:8"));

    BatchFile z = parse_benchdnn_batch("--attr-zero-points=src:common:1, \\\n   src:common:2\nic1ih1oc1kh1", "", "x");
    REQUIRE(z.entries.size() == 1);
    CHECK(z.entries[0].option("attr-zero-points") == "src:common:1,src:common:2");

    CHECK_THROWS_AS(parse_benchdnn_batch("ic1ih1oc1kh1n\"open\n", "", "x"), FormatError);
    CHECK_THROWS_AS(read_benchdnn_batch("/nonexistent/batch_file"), ArgumentError);
}

TEST_CASE("batch reader: nested batches inherit and keep options; cycles are errors", "[kernels][int8ref][parse]") {
    const fs::path dir = fs::temp_directory_path() / ("octet_batch_test_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    auto write = [&](const char* name, const char* text) { std::ofstream(dir / name) << text; };
    write("conv_top", "--dt=u8:s8:u8\n--batch=inner\nic2ih2oc2kh1\n");
    write("conv_inner", "ic1ih1oc1kh1\n--dt=s8:s8:s8\n");  // found as <driver>_inner
    write("conv_loop", "--batch=conv_loop\n");
    BatchFile b = read_benchdnn_batch((dir / "conv_top").string());
    REQUIRE(b.entries.size() == 2);
    CHECK(b.entries[0].desc == "ic1ih1oc1kh1");
    CHECK(b.entries[0].option("dt") == "u8:s8:u8");
    CHECK(b.entries[0].file == (dir / "conv_inner").string());
    CHECK(b.entries[1].option("dt") == "s8:s8:s8");  // set inside the nested file, still in force
    CHECK(b.missing_batches.empty());
    CHECK_THROWS_WITH(read_benchdnn_batch((dir / "conv_loop").string()), Catch::Contains("deeper"));
    fs::remove_all(dir);
}

TEST_CASE("batch reader: every benchdnn file in the data set parses", "[kernels][int8ref][parse]") {
    const fs::path dir = benchdnn_dir();
    int files = 0;
    for (const fs::directory_entry& f : fs::directory_iterator(dir)) {
        const std::string name = f.path().filename().string();
        const std::string driver = name.substr(0, name.find('_'));
        if (driver != "conv" && driver != "matmul" && driver != "ip") continue;
        ++files;
        BatchFile b = read_benchdnn_batch(f.path().string());
        for (const BatchEntry& e : b.entries) {
            INFO(e.file << ":" << e.line << ": " << e.desc);
            if (driver == "conv") {
                if (is_3d(e.desc)) CHECK_THROWS_AS(parse_conv_desc(e.desc), UnsupportedError);
                else CHECK_NOTHROW(parse_conv_desc(e.desc));
            } else if (driver == "ip") {
                CHECK_NOTHROW(parse_ip_desc(e.desc));
            } else {
                CHECK_NOTHROW(parse_matmul_desc(e.desc));
            }
        }
    }
    CHECK(files == 18);
}

TEST_CASE("batch reader: ResNet-50 and the harness files give the expected layers", "[kernels][int8ref][parse]") {
    const fs::path dir = benchdnn_dir();
    // 20 distinct lines that stand for the 53 convolutions of ResNet-50 ("*N" weights).
    BatchFile r50 = read_benchdnn_batch((dir / "conv_shapes_resnet_50").string());
    CHECK(r50.entries.size() == 20);
    CHECK(weighted_count(r50) == 53);
    BatchFile r15 = read_benchdnn_batch((dir / "conv_shapes_resnet_50_v1_5").string());
    CHECK(weighted_count(r15) == 53);
    CHECK(parse_conv_desc(r50.entries[0].desc).name == "resnet_50:conv1");
    CHECK(parse_conv_desc(r50.entries[0].desc).mb == 50);

    // Depthwise harness: 3 inclusions of the 9 MobileNet dw layers plus one inline layer;
    // shapes_regression_dw is not in the data set.
    BatchFile dw = read_benchdnn_batch((dir / "conv_harness_conv_depthwise_int8").string());
    CHECK(dw.entries.size() == 28);
    REQUIRE(dw.missing_batches.size() == 1);
    CHECK_THAT(dw.missing_batches[0], Catch::StartsWith("shapes_regression_dw"));
    CHECK(dw.entries[0].option("dt") == "u8:s8:u8");
    CHECK(dw.entries[0].option("dir") == "FWD_D");
    CHECK(dw.entries[0].option("attr-post-ops").empty());
    CHECK(dw.entries[9].option("attr-post-ops") == "sum:1.5+relu");
    CHECK(dw.entries[9].option("dt") == "s8:s8:f32,u8:s8:u8");
    const BatchEntry& last = dw.entries.back();
    CHECK(parse_conv_desc(last.desc).name == "depthwise:conv1");
    CHECK(last.option("dt") == "s8:s8:u8,u8:s8:s8");
    CHECK(last.option("attr-post-ops") == "sum:1.5:2");
    CHECK(last.option("mb") == "2");

    BatchFile zp = read_benchdnn_batch((dir / "conv_harness_conv_zero_points").string());
    REQUIRE(zp.entries.size() == 74);
    CHECK(zp.entries[0].option("attr-zero-points") == "src:common:5+wei:common:3:s8");
    CHECK(zp.entries[0].option("attr-post-ops") == "linear:0.0018857:141.975");
    CHECK(zp.entries[0].option("dt") == "u8:s8:u8");
    CHECK(zp.entries[24].option("attr-post-ops").empty());  // --reset on every line

    BatchFile bert = read_benchdnn_batch((dir / "matmul_harness_matmul_bert_inf_lb_int8").string());
    REQUIRE(bert.entries.size() == 7);
    int64_t layers = 0;
    for (const BatchEntry& e : bert.entries) layers += parse_matmul_desc(e.desc).repeat;
    CHECK(layers == 48 + 6 * 24);
    CHECK(bert.entries[0].option("attr-zero-points") == "dst:common:7+src:common:3");

    // The line break inside --attr-zero-points joins the list.
    BatchFile mm = read_benchdnn_batch((dir / "matmul_test_matmul_int8").string());
    bool saw_joined = false;
    for (const BatchEntry& e : mm.entries)
        saw_joined |= e.option("attr-zero-points") ==
                      "src:common:1+wei:common:-1+dst:common:2,src:common:-1+wei:common:1,"
                      "src:per_dim_1+wei:common:1+dst:common:2";
    CHECK(saw_joined);
    CHECK(mm.entries.back().desc == "832x2944:2944x92");
    CHECK(mm.entries.back().option("dt") == "s8:u8:f16");
}

TEST_CASE("descriptor parsers: random text parses or throws octet::Error, never anything else",
          "[kernels][int8ref][parse]") {
    // Untrusted input: fragments of real syntax glued at random, plus stray characters.
    const std::vector<std::string> parts = {"g",  "mb", "ic", "ih", "iw", "oc", "oh", "ow", "kh", "kw", "sh", "sw",
                                            "ph", "pw", "dh", "dw", "id", "m",  "n",  "k",  "x",  ":",  "_",  "\"",
                                            "*",  "0",  "1",  "3",  "7",  "64", "1073741824", "99999999999", "-", " "};
    std::mt19937 rng(12345);
    for (int iter = 0; iter < 20000; ++iter) {
        std::string text;
        const int n = std::uniform_int_distribution<int>(0, 14)(rng);
        for (int i = 0; i < n; ++i) text += parts[rng() % parts.size()];
        INFO(text);
        try { (void)parse_conv_desc(text); } catch (const Error&) {}
        try { (void)parse_pool_desc(text); } catch (const Error&) {}
        try { (void)parse_matmul_desc(text); } catch (const Error&) {}
        try { (void)parse_ip_desc(text); } catch (const Error&) {}
        try { (void)parse_benchdnn_batch(text, "/nonexistent", "conv_fuzz"); } catch (const Error&) {}
    }
    SUCCEED("no crash and no foreign exception");
}
