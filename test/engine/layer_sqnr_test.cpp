// Per-layer SQNR of a FakeQuantize model against its f32 counterpart.
#include <catch2/catch.hpp>

#include <cmath>

#include "engine/layer_sqnr.hpp"
#include "engine/strip_fake_quantize.hpp"
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
