// Nearest Interpolate on int8: the Dequantize moves below it
// (lpt/passes/propagate_dequantization.cpp, per tensor or per channel) and a
// FakeQuantize after it moves above it (move_fake_quantize_up.cpp); linear
// Interpolate stays f32. Fused == unfused int8 reference bit for bit, equal
// to the FakeQuantize graph up to the conv's f32 rounding, and through the
// engine the int8 Interpolate runs the JIT nearest kernel, bit-exact at every ISA.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>

#include "lpt_test_graphs.hpp"

using namespace octet;
using namespace octet::lpt_test;

namespace {

ir::PortRef resize(ir::Graph& g, ir::PortRef x, const std::string& mode) {
    ir::Attributes a;
    a.set("mode", mode.c_str());
    a.set("sizes", std::vector<int64_t>{10, 7});
    a.set("coordinate_transformation_mode", "asymmetric");
    a.set("nearest_mode", "floor");
    return g.add("Interpolate", "resize", {x}, a);
}

// fq_first: x -> FQ -> Interpolate -> Conv 1x1; else x -> Interpolate -> FQ -> Conv 1x1.
ir::Graph resize_net(const std::string& mode, bool fq_first) {
    ir::Graph g;
    ir::PortRef x = g.parameter("x", ir::ElemType::f32, {2, 3, 5, 4});
    ir::PortRef r = fq_first ? resize(g, fq(g, "fq", x, -1.f, 1.55f), mode) : fq(g, "fq", resize(g, x, mode), -1.f, 1.55f);
    g.result("y", conv1x1(g, "conv", r, 3, 2));
    g.infer();
    return g;
}

}  // namespace

TEST_CASE("lpt: nearest Interpolate runs on int8, linear stays f32", "[lpt][interpolate]") {
    const ir::Tensor x = input({2, 3, 5, 4});
    for (const char* mode : {"nearest", "linear"})
        for (bool fq_first : {true, false}) {
            INFO(mode << " fq first " << fq_first);
            const bool nearest = std::string(mode) == "nearest";
            const ir::Graph g = resize_net(mode, fq_first);
            const ir::Graph fused = lpt::transform(g);
            const ir::Node& r = fused.node(fused.find("resize"));
            CHECK(ir::is_int8(r.outputs[0].type) == nearest);
            const ir::Tensor a = kernels::ref::run_graph(fused, {x}).at(0);
            CHECK(a.equals(kernels::ref::run_graph(lpt::transform(g, {false}), {x}).at(0)));
            if (nearest) {
                const ir::Tensor f = kernels::ref::run_graph(g, {x}).at(0);
                for (int64_t i = 0; i < f.numel(); ++i)
                    REQUIRE(std::fabs(a.data<float>()[i] - f.data<float>()[i]) < 1e-4f);
            }
        }
}

TEST_CASE("lpt + engine: the int8 nearest Interpolate runs the JIT kernel, bit-exact at every ISA",
          "[lpt][interpolate][engine]") {
    for (bool fq_first : {true, false}) check_engine(resize_net("nearest", fq_first), {input({2, 3, 5, 4})}, "resize");
}
