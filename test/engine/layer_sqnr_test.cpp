// Per-layer SQNR of a FakeQuantize model against its f32 counterpart.
#include <catch2/catch.hpp>

#include <cmath>
#include <map>

#include "engine/layer_sqnr.hpp"
#include "engine/strip_fake_quantize.hpp"
#include "../lpt/lpt_test_graphs.hpp"
#include "octet/octet.hpp"
#include "test_graphs.hpp"

using namespace octet;

TEST_CASE("sqnr_db follows 10 log10(signal / noise)", "[engine][sqnr]") {
    ir::Tensor ref(ir::ElemType::f32, {4}), x(ir::ElemType::f32, {4});
    for (int i = 0; i < 4; ++i) ref.data<float>()[i] = x.data<float>()[i] = 1.f;  // signal 4
    CHECK(std::isinf(engine::sqnr_db(ref, x)));
    CHECK(engine::sqnr_db(ref, x) > 0);
    x.data<float>()[0] = 1.2f;  // noise 0.04 -> 100x -> 20 dB
    CHECK(engine::sqnr_db(ref, x) == Approx(20.0).margin(1e-4));
    CHECK_THROWS_AS(engine::sqnr_db(ref, ir::Tensor(ir::ElemType::f32, {2, 2})), ArgumentError);
    CHECK_THROWS_AS(engine::sqnr_db(ref, ir::Tensor(ir::ElemType::u8, {4})), ArgumentError);
}

TEST_CASE("per_layer_sqnr matches layers by name and measures the quantization noise", "[engine][sqnr]") {
    const ir::Graph fq = [] { ir::Graph g = test::conv_graph_with_fq(); g.infer(); return g; }();
    const ir::Graph f32 = engine::strip_fake_quantize(fq);
    const std::vector<ir::Tensor> in = {test::random_tensor(ir::ElemType::f32, {1, 2, 6, 6}, 11)};
    const std::vector<engine::LayerSqnr> rows = engine::per_layer_sqnr(fq, f32, in);
    REQUIRE(rows.size() == 2);  // conv and relu; the FakeQuantize nodes have no f32 counterpart
    CHECK(rows[0].name == "conv");
    CHECK(rows[1].name == "relu");
    // 8-bit input over [-3, 3]: noise well below the signal, but not zero.
    CHECK(rows[0].sqnr_db > 20);
    CHECK(std::isfinite(rows[0].sqnr_db));
    // Against itself every layer is exact.
    for (const engine::LayerSqnr& r : engine::per_layer_sqnr(f32, f32, in)) CHECK(std::isinf(r.sqnr_db));
}

// The int8 tensors of a compiled model: x -> FQ s8 -> conv 1x1 -> +bias -> Relu -> FQ u8
// -> MaxPool -> conv 1x1 -> Result. The first conv's u8 output (bias, ReLU and the
// requantization fused) stands for "relu"; the pool keeps that grid.
TEST_CASE("per_layer_sqnr_int8 reads the compiled model's int8 tensors through their grids", "[engine][sqnr]") {
    ir::Graph g;
    ir::PortRef x = lpt_test::fq(g, "fq_x", g.parameter("x", ir::ElemType::f32, {1, 4, 6, 6}), -2.f, 2.f * 127.f / 128.f);
    ir::PortRef c = lpt_test::conv1x1(g, "conv", x, 4, 8);
    ir::Tensor b(ir::ElemType::f32, {1, 8, 1, 1});
    for (int i = 0; i < 8; ++i) b.data<float>()[i] = 0.02f * float(i) - 0.05f;
    c = g.add("Add", "conv/bias", {c, g.constant("conv/b", b)});
    c = g.add("Relu", "relu", {c});
    c = lpt_test::fq(g, "fq_relu", c, 0.f, 1.5f);
    c = g.add("MaxPool", "pool", {c}, lpt_test::pool_attrs(2, 2, 0));
    g.result("y", lpt_test::conv1x1(g, "conv2", c, 8, 3));
    g.infer();
    const ir::Graph f32 = engine::strip_fake_quantize(g);
    const std::vector<ir::Tensor> in = {lpt_test::input({1, 4, 6, 6}, 5)};
    const CompiledModel compiled = compile(Model::from_graph(g));
    const std::vector<engine::LayerSqnr> rows = engine::per_layer_sqnr_int8(compiled.graph(), f32, in);
    std::map<std::string, engine::LayerSqnr> by_name;
    for (const engine::LayerSqnr& r : rows) by_name[r.name] = r;
    REQUIRE(by_name.count("relu"));
    CHECK(by_name["relu"].computed_by == "conv (ConvolutionI8)");
    REQUIRE(by_name.count("pool"));
    CHECK(by_name["pool"].computed_by == "pool (MaxPool)");
    REQUIRE(by_name.count("conv2"));
    CHECK(by_name["conv2"].computed_by == "conv2 (ConvolutionI8)");
    // 8-bit grids: noise well below the signal but present.
    for (const engine::LayerSqnr& r : rows) {
        INFO(r.name << " " << r.sqnr_db);
        CHECK(std::isfinite(r.sqnr_db));
        CHECK(r.sqnr_db > 20);
    }
    // Where the FakeQuantize graph holds the same values (after fq_relu: the pool,
    // conv2) the int8 tensors read back give the same SQNR within a fraction of a
    // dB (rounding ties); "relu" is the requantized u8 tensor in the int8 model,
    // the f32 value before fq_relu in the FakeQuantize graph: more noise.
    for (const engine::LayerSqnr& r : engine::per_layer_sqnr(g, f32, in)) {
        if (!by_name.count(r.name)) continue;
        INFO(r.name << " int8 " << by_name[r.name].sqnr_db << " fq " << r.sqnr_db);
        if (r.name == "relu") CHECK(by_name[r.name].sqnr_db < r.sqnr_db);
        else CHECK(std::fabs(by_name[r.name].sqnr_db - r.sqnr_db) < 0.5);
    }
    // A coarser grid on the ReLU shows up as lost precision at that layer.
    ir::Graph coarse = g;
    for (const char* k : {"fq_relu/ih", "fq_relu/oh"}) coarse.node(coarse.find(k)).value.data<float>()[0] = 400.f;
    coarse.infer();
    for (const engine::LayerSqnr& r :
         engine::per_layer_sqnr_int8(compile(Model::from_graph(coarse)).graph(), f32, in))
        if (r.name == "relu") CHECK(r.sqnr_db < by_name["relu"].sqnr_db - 10);
}
