// A selection of the benchdnn shapes (../shared/data/benchdnn: ResNet-50, MobileNet,
// the int8 harness files), scaled down so that each case runs in well under a second
// inside Bochs: the emu lane cannot read ../shared, so the lines are embedded here in
// benchdnn's own syntax. They are read with octet's batch reader and checked the way
// `jitbench --batch <file> --check` checks a layer: jitbench's problem builder
// (seeded data with the pmaddubsw saturation corner, the registry's kernel at the ISA,
// the reference) and its bit-exact comparison, at every ISA the sweep executes.
#include <catch2/catch.hpp>

#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "ir/error.hpp"
#include "jit/isa.hpp"
#include "kernel_test_util.hpp"
#include "kernels/common/benchdnn_batch.hpp"
#include "tools/jitbench/layer_problem.hpp"
#include "tools/jitbench/layer_run.hpp"

using namespace octet;
using jit::Isa;

namespace {

// Each block is one batch file; its label's prefix (conv_, matmul_, ip_, pool_) is the
// family, as for the files in shared/data. Comments say where each line comes from and
// what it covers; sizes are cut down (mb, ih/iw, ic/oc) keeping the code path.
struct Selection {
    const char* label;
    const char* text;
};

const Selection kSelections[] = {
    {"conv_emu_selection", R"(
# ResNet-50 (conv_shapes_resnet_50), u8 -> u8, bias + relu as in an int8 ResNet
--reset --dir=FWD_B --mb=1 --dt=u8:s8:u8 --attr-post-ops=relu
ic3ih19oc16oh10kh7sh2ph3n"conv1:first_layer_ic3"
ic16ih7oc16oh7kh1ph0n"res2a_branch2a:1x1"
ic16ih7oc16oh7kh3ph1n"res2a_branch2b:3x3"
ic32ih8oc24oh4kh1sh2ph0n"res3a_branch1:strided_1x1"
ic24ih9oc40oh5kh3sh2ph1n"res3a_branch2b:strided_3x3"
# tails of ic, oc and width; dilation; asymmetric padding (conv_test_conv_int8 style)
--dt=u8:s8:s32 --attr-post-ops=
ic19ih5iw11oc21oh5ow11kh3kw3ph1pw1n"tails:ic19oc21ow11"
--dt=u8:s8:f32
ic8ih10oc12oh6kh3dh1ph0n"dilation"
ic8ih7iw9oc8oh6ow10kh3kw2ph1pw2n"asymmetric_padding"
# groups (conv_harness_conv_int8's set_conv_all), s8 source, residual sum then relu
--dt=s8:s8:s8 --attr-post-ops=sum:0.5+relu
g4ic16ih9oc16oh9kh3ph1n"groups:icg4"
g2ic10ih6oc6oh6kh3ph1n"groups:odd_icg"
# depthwise (conv_shapes_mobilenet_dw, conv_harness_conv_depthwise_int8)
--dt=u8:s8:u8 --attr-post-ops=relu
g32ic32ih14oc32oh14kh3ph1n"mobilenet:conv2_2/dw"
g24ic24ih15oc24oh8kh3sh2ph1n"mobilenet:conv3_1/dw_strided"
--dt=s8:s8:f32,u8:s8:s8 --attr-scales=src:common:0.25+wei:per_oc+dst:common:2 --attr-post-ops=sum:1.5+relu
g19ic19ih7oc19oh7kh3ph1n"dw:channel_tail"
# source zero point (conv_harness_conv_zero_points), clipped linear chain
--reset --dir=FWD_B --mb=1 --dt=u8:s8:u8 --attr-zero-points=src:common:5 --attr-post-ops=linear:0.0018857:141.975
ic3ih12oc16oh12kh3ph1n"zero_points:ic3"
--dt=s8:s8:s8 --attr-post-ops=clip:-50:90+linear:0.5:-3
ic16ih10oc16oh10kh3ph1n"zero_points:s8_clip"
# saturation (conv_harness_conv_saturation_int8): a dst scale that saturates everything
--reset --mb=1 --dir=FWD_B --dt=u8:s8:u8,u8:s8:s8,u8:s8:s32
--attr-scales=src:common:0.25+wei:common:0.5+dst:common:4294967295
ic16oc16ih4oh4kh1ph0n"saturation:1x1"
ic16oc16ih4oh4kh3ph0n"saturation:3x3"
)"},
    {"matmul_emu_selection", R"(
# matmul_shapes_bert / matmul_shapes_2d scaled, matmul_test_matmul_int8's attributes
--reset --dt=u8:s8:u8 --attr-post-ops=relu
1x64:64x48n"gemv:M1"
12x40:40x33n"tails:M12K40N33"
2x16x24:2x24x20n"bert:QK_batched"
--dt=s8:s8:f32,u8:s8:s8 --attr-scales=src:common:0.25+wei:per_oc+dst:common:4 --attr-post-ops=sum
7x36:36x29n"scales_sum"
--dt=s8:s8:s32 --attr-scales= --attr-post-ops=
5x19:19x17n"s32_out"
)"},
    {"ip_emu_selection", R"(
# ip_shapes_resnet_50 (fc1000) scaled, ip_test_ip_int8's attributes
--reset --dir=FWD_B --mb=1 --dt=u8:s8:u8
ic64oc40n"resnet:ip1_M1"
--mb=3 --dt=s8:s8:s8 --attr-scales=src:common:0.25+wei:per_oc+dst:common:2.25 --attr-post-ops=sum:0.5+relu
ic37oc19n"tails:ic37oc19"
--mb=2 --dt=u8:s8:f32 --attr-post-ops=
ic2ih3iw3oc5n"spatial_ip"
)"},
    {"pool_emu_selection", R"(
# ResNet-50 pool1 (max 3x3 s2) and the global average pools, scaled
--reset --mb=1 --dt=u8 --alg=max
ic16ih15oh8kh3sh2ph1n"resnet:pool1"
--dt=s8
ic67ih5oh5kh3ph1n"max:channel_tail_s8"
--alg=avg_np --dt=u8
ic64ih7oh1kh7n"resnet:pool5_gavg"
--alg=avg_p --dt=s8
ic19ih9oh5kh3sh2ph1n"avg_p:tail_padding"
)"},
};

struct IsaTally {
    int cases = 0;
    std::map<std::string, std::set<std::string>> exec_types;  // family -> exec types
    std::set<std::string> dst_types;
};

}  // namespace

TEST_CASE("benchdnn selection: bit-exact through jitbench's check path", "[kernels][benchdnn][emu]") {
    std::map<std::string, IsaTally> tally;
    int lines = 0;
    for (const Selection& sel : kSelections) {
        const std::string family = tools::family_of_batch_file(sel.label);
        REQUIRE(!family.empty());
        const kernels::BatchFile batch = kernels::parse_benchdnn_batch(sel.text, ".", sel.label);
        REQUIRE(batch.missing_batches.empty());
        REQUIRE(!batch.entries.empty());
        for (const kernels::BatchEntry& e : batch.entries) {
            for (const auto& options : tools::expand_option_lists(e.options)) {
                ++lines;
                const tools::LayerSpec spec{family, e.desc, options, std::nullopt};
                for (Isa isa : kernel_test::executed_isas()) {
                    std::string dt;
                    if (auto it = options.find("dt"); it != options.end()) dt = it->second;
                    INFO(sel.label << ":" << e.line << " " << family << " " << e.desc << " --dt=" << dt << " at "
                                   << jit::isa_name(isa));
                    std::unique_ptr<tools::PreparedLayer> L;
                    try {
                        L = tools::prepare_layer(spec, isa);
                    } catch (const UnsupportedError& err) {
                        FAIL("the selection holds only lines octet runs, but it skipped this one: " << err.what());
                    }
                    const std::string et = L->kernel->exec_type();
                    INFO("exec type " << et);
                    // The selection exists to run generated code: a reference kernel here means
                    // the registry declined the JIT for a shape it should take.
                    CHECK(et.rfind("jit_", 0) == 0);
                    L->run(0, L->kernel->work_units());
                    std::vector<uint8_t> want(L->dst.size());
                    L->reference(want.data());
                    const std::string mismatch = tools::first_mismatch(L->dst_type, L->dst.data(), want.data(),
                                                                       want.size());
                    REQUIRE(mismatch == "");
                    IsaTally& t = tally[jit::isa_name(isa)];
                    ++t.cases;
                    t.exec_types[family].insert(et);
                    t.dst_types.insert(ir::to_string(L->dst_type));
                    emu::note_case(isa, et);
                }
            }
        }
    }
    for (Isa isa : kernel_test::executed_isas()) {
        const IsaTally& t = tally[jit::isa_name(isa)];
        std::string types;
        for (const auto& [family, set] : t.exec_types) {
            types += " " + family + ":";
            for (const std::string& s : set) types += " " + s;
        }
        std::string dsts;
        for (const std::string& s : t.dst_types) dsts += " " + s;
        std::printf("benchdnn selection at %s: %d cases of %d lines, dst%s;%s\n", jit::isa_name(isa), t.cases, lines,
                    dsts.c_str(), types.c_str());
        CHECK(t.cases == lines);  // every line ran at every ISA the sweep executes
    }
    REQUIRE(lines > 0);
}
