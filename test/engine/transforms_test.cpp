// strip_fake_quantize, output comparison, and saving/loading through Model.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <string>

#include "engine/compare.hpp"
#include "engine/strip_fake_quantize.hpp"
#include "kernels/ref/ref.hpp"
#include "octet/octet.hpp"
#include "test_graphs.hpp"

using namespace octet;

TEST_CASE("strip_fake_quantize bypasses every FakeQuantize and its ranges", "[engine]") {
    ir::Graph quantized = test::conv_graph_with_fq();
    quantized.infer();
    const ir::Graph stripped = engine::strip_fake_quantize(quantized);
    for (const ir::Node& n : stripped.nodes()) {
        CHECK(n.op != "FakeQuantize");
        CHECK(n.name.find("fq_") == std::string::npos);  // range constants dropped too
    }
    // x -> conv(w) -> relu -> y
    CHECK(stripped.size() == 5);
    const ir::Node& conv = stripped.node(stripped.find("conv"));
    CHECK(stripped.node(conv.inputs[0].node).name == "x");
    const ir::Node& relu = stripped.node(stripped.find("relu"));
    CHECK(stripped.node(relu.inputs[0].node).name == "conv");

    // Same results as the graph built without FakeQuantize.
    ir::Graph plain;
    {
        auto x = plain.parameter("x", ir::ElemType::f32, {1, 2, 6, 6});
        auto w = plain.constant("w", test::random_tensor(ir::ElemType::f32, {3, 2, 3, 3}, 7));
        ir::Attributes conv_attrs = quantized.node(quantized.find("conv")).attrs;
        auto c = plain.add("Convolution", "conv", {x, w}, conv_attrs);
        plain.result("y", plain.add("Relu", "relu", {c}));
        plain.infer();
    }
    ir::Tensor x = test::random_tensor(ir::ElemType::f32, {1, 2, 6, 6}, 5);
    CHECK(kernels::ref::run_graph(stripped, {x}).at(0).equals(kernels::ref::run_graph(plain, {x}).at(0)));
    // And the quantized graph really differs, so the test can tell them apart.
    CHECK_FALSE(kernels::ref::run_graph(quantized, {x}).at(0).equals(kernels::ref::run_graph(plain, {x}).at(0)));
}

TEST_CASE("strip_fake_quantize keeps a graph without FakeQuantize intact", "[engine]") {
    ir::Graph g = test::conv_graph();
    g.infer();
    const ir::Graph s = engine::strip_fake_quantize(g);
    REQUIRE(s.size() == g.size());
    for (size_t i = 0; i < g.size(); ++i) {
        CHECK(s.node(int(i)).name == g.node(int(i)).name);
        CHECK(s.node(int(i)).inputs == g.node(int(i)).inputs);
    }
}

TEST_CASE("compare_outputs measures agreement", "[engine]") {
    ir::Tensor a(ir::ElemType::f32, {1, 10}), b(ir::ElemType::f32, {1, 10});
    for (int i = 0; i < 10; ++i) {
        a.data<float>()[i] = float(i);
        b.data<float>()[i] = float(i);
    }
    engine::OutputAgreement same = engine::compare_outputs(a, b);
    CHECK(same.cosine_similarity == Approx(1.0));
    CHECK(same.max_abs_diff == 0);
    CHECK(same.top5_overlap == 5);

    b.data<float>()[9] = -1.f;  // the top class drops out of b's top 5
    engine::OutputAgreement moved = engine::compare_outputs(a, b);
    CHECK(moved.top5_overlap == 4);
    CHECK(moved.max_abs_diff == 10.0);
    CHECK(moved.cosine_similarity < 0.9);

    ir::Tensor c(ir::ElemType::f32, {2, 5});
    CHECK(engine::compare_outputs(c, c).top5_overlap == -1);
    CHECK(engine::compare_outputs(c, c).cosine_similarity == 1.0);  // both all zero
    CHECK_THROWS_AS(engine::compare_outputs(a, c), ArgumentError);
}

TEST_CASE("Model saves and loads back to the same results", "[engine]") {
    const std::string json = std::string(OCTET_BINARY_DIR) + "/engine_test_model.json";
    const std::string bin = std::string(OCTET_BINARY_DIR) + "/engine_test_model.bin";
    Model model = Model::from_graph(test::conv_graph());
    model.save(json, bin);
    Model loaded = Model::load(json);
    CHECK(loaded.inputs().size() == 1);
    CHECK(loaded.outputs().at(0).desc == model.outputs().at(0).desc);
    ir::Tensor x = test::random_tensor(ir::ElemType::f32, {1, 2, 6, 6}, 9);
    auto run = [&](const Model& m) {
        InferRequest r = compile(m).create_request();
        r.set_input(0, x);
        r.infer();
        return r.output(0);
    };
    CHECK(run(loaded).equals(run(model)));
    std::remove(json.c_str());
    std::remove(bin.c_str());
}
