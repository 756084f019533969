// Structure of the zoo models: names, shapes, sizes, FakeQuantize placement,
// shared weights and determinism.
#include <catch2/catch.hpp>

#include <chrono>
#include <ctime>
#include <map>

#include "engine/zoo/zoo.hpp"
#include "ir/error.hpp"
#include "zoo_test_util.hpp"

using namespace octet;
using zoo::test::count_op;
using zoo::test::parameter_count;
using zoo::test::producer;

namespace {

const ir::Graph& cached(const std::string& name) {
    static std::map<std::string, ir::Graph> models;
    auto it = models.find(name);
    if (it == models.end()) {
        // CPU time as well as wall time: the test machines are shared.
        const std::clock_t cpu_start = std::clock();
        const auto start = std::chrono::steady_clock::now();
        it = models.emplace(name, zoo::make_model(name)).first;
        const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
        const double cpu_ms = 1000.0 * double(std::clock() - cpu_start) / CLOCKS_PER_SEC;
        WARN("make_model(\"" << name << "\"): " << ms << " ms wall, " << cpu_ms << " ms CPU, "
                              << it->second.size() << " nodes");
    }
    return it->second;
}

ir::Shape output_shape(const ir::Graph& g) {
    const std::vector<int> results = g.results();
    REQUIRE(results.size() == 1);
    return g.desc(g.node(results[0]).inputs[0]).shape;
}

ir::Shape input_shape(const ir::Graph& g) {
    const std::vector<int> params = g.parameters();
    REQUIRE(params.size() == 1);
    return g.node(params[0]).outputs.at(0).shape;
}

}  // namespace

TEST_CASE("zoo lists six models and rejects unknown names", "[zoo]") {
    const std::vector<std::string> names = zoo::model_names();
    CHECK(names == std::vector<std::string>{"resnet50", "resnet50-int8", "mobilenetv2", "mobilenetv2-int8",
                                            "bert-layer", "bert-layer-int8"});
    try {
        zoo::make_model("resnet18");
        FAIL("no exception for an unknown model");
    } catch (const ArgumentError& e) {
        const std::string msg = e.what();
        CHECK(msg.find("resnet18") != std::string::npos);
        CHECK(msg.find("mobilenetv2-int8") != std::string::npos);
    }
    CHECK_THROWS_AS(zoo::make_model("resnet50-int4"), ArgumentError);
    CHECK_THROWS_AS(zoo::make_model(""), ArgumentError);
}

TEST_CASE("zoo ResNet-50 v1.5: shapes, 53 convolutions, 25.5M parameters", "[zoo]") {
    const ir::Graph& g = cached("resnet50");
    CHECK(input_shape(g) == ir::Shape{1, 3, 224, 224});
    CHECK(output_shape(g) == ir::Shape{1, 1000});
    CHECK(count_op(g, "Convolution") == 53);
    CHECK(count_op(g, "FakeQuantize") == 0);
    const int64_t params = parameter_count(g);
    WARN("resnet50 parameters: " << params);
    CHECK(params > 25400000);
    CHECK(params < 25700000);
    // v1.5: the downsampling stride sits on the 3x3 convolution.
    CHECK(g.node(g.find("res3a_branch2a")).attrs.get_ints("strides") == std::vector<int64_t>{1, 1});
    CHECK(g.node(g.find("res3a_branch2b")).attrs.get_ints("strides") == std::vector<int64_t>{2, 2});
    CHECK(g.desc({g.find("res5c_relu"), 0}).shape == ir::Shape{1, 2048, 7, 7});
    CHECK(g.node(g.find("pool5")).attrs.get_ints("kernel") == std::vector<int64_t>{7, 7});
}

TEST_CASE("zoo MobileNetV2: shapes, depthwise groups, 3.5M parameters", "[zoo]") {
    const ir::Graph& g = cached("mobilenetv2");
    CHECK(input_shape(g) == ir::Shape{1, 3, 224, 224});
    CHECK(output_shape(g) == ir::Shape{1, 1000});
    CHECK(count_op(g, "Convolution") == 52);
    CHECK(count_op(g, "Add") == 52 + 1 + 10);  // bias Adds (52 convs + FC) and 10 residual Adds
    const ir::Node& dw = g.node(g.find("block_16_depthwise"));
    CHECK(dw.attrs.get_int("group") == 960);
    CHECK(g.desc(dw.inputs[1]).shape == ir::Shape{960, 1, 3, 3});
    CHECK(g.desc({g.find("conv_last_relu"), 0}).shape == ir::Shape{1, 1280, 7, 7});
    const int64_t params = parameter_count(g);
    WARN("mobilenetv2 parameters: " << params);
    CHECK(params > 3400000);
    CHECK(params < 3600000);
}

TEST_CASE("zoo BERT-base layer: shapes and 7.1M parameters", "[zoo]") {
    const ir::Graph& g = cached("bert-layer");
    CHECK(input_shape(g) == ir::Shape{1, 128, 768});
    CHECK(output_shape(g) == ir::Shape{1, 128, 768});
    CHECK(count_op(g, "MatMul") == 8);
    CHECK(g.desc({g.find("attention/self/probs"), 0}).shape == ir::Shape{1, 12, 128, 128});
    CHECK(g.desc({g.find("attention/self/context"), 0}).shape == ir::Shape{1, 12, 128, 64});
    const int64_t params = parameter_count(g);
    WARN("bert-layer parameters: " << params);
    // 4 x (768x768 + 768) + 768x3072 + 3072 + 3072x768 + 768 + 2 LayerNorms x 2 x 768, plus the 1/8 scale.
    CHECK(params == 7087872 + 1);
}

TEST_CASE("zoo int8 variants: FakeQuantize placed as NNCF does", "[zoo]") {
    for (const std::string base : {"resnet50", "mobilenetv2", "bert-layer"}) {
        INFO(base);
        const ir::Graph& g = cached(base + "-int8");
        CHECK(output_shape(g) == output_shape(cached(base)));
        for (const ir::Node& n : g.nodes()) {
            if (n.op == "Convolution" || n.op == "MatMul") {
                INFO(n.name);
                for (size_t k = 0; k < 2; ++k) REQUIRE(producer(g, n, k).op == "FakeQuantize");
                const ir::Node& act = producer(g, n, 0);
                CHECK(act.attrs.get_int("levels") == 256);
                const ir::Node& w = producer(g, n, 1);
                if (producer(g, w, 0).op == "Constant") {
                    CHECK(w.name == n.name + "/fq_weights_1");
                    CHECK(w.attrs.get_int("levels") == 255);
                    const ir::Tensor& lo = producer(g, w, 1).value;
                    const ir::Tensor& hi = producer(g, w, 2).value;
                    const int64_t channels = n.op == "Convolution" ? g.desc(n.inputs[1]).shape[0] : 0;
                    if (n.op == "Convolution") CHECK(lo.shape() == ir::Shape{channels, 1, 1, 1});
                    for (int64_t c = 0; c < lo.numel(); ++c) CHECK(lo.data<float>()[c] == -hi.data<float>()[c]);
                } else {
                    CHECK(w.attrs.get_int("levels") == 256);  // activation x activation MatMul
                }
            }
            // Activations after ReLU / ReLU6 / Softmax get an unsigned range.
            if (n.op == "FakeQuantize") {
                const std::string src = producer(g, n, 0).op;
                if (src == "Relu" || src == "Clamp" || src == "Softmax") {
                    INFO(n.name);
                    CHECK(producer(g, n, 1).value.data<float>()[0] == 0.f);
                    CHECK(producer(g, n, 2).value.data<float>()[0] > 0.f);
                }
            }
        }
    }
    const ir::Graph& r = cached("resnet50-int8");
    // 54 weights (53 convs + fc); activations: the network input, per block its
    // input (shared by branch2a, branch1 and the identity Add), the inputs of
    // branch2b and branch2c, branch2c's output (and branch1's in the 4
    // projection blocks), the global AvgPool's input and the fc input.
    CHECK(count_op(r, "FakeQuantize") == 54 + 1 + 16 * 4 + 4 + 1 + 1);
    CHECK(producer(r, r.node(r.find("pool5")), 0).op == "FakeQuantize");
    // The network input is quantized s8-style, before conv1.
    const ir::Node& fq_in = r.node(r.find("conv1/fq_input_0"));
    CHECK(producer(r, fq_in, 0).op == "Parameter");
    CHECK(producer(r, fq_in, 1).value.data<float>()[0] < 0.f);
    // Both inputs of every residual Add are quantized.
    const ir::Node& add = r.node(r.find("res3b"));
    CHECK(producer(r, add, 0).op == "FakeQuantize");
    CHECK(producer(r, add, 1).op == "FakeQuantize");
    CHECK(producer(r, add, 1).name == "res3b_branch2a/fq_input_0");  // shared with the block's first conv
    // The Softmax stays f32 (no FakeQuantize after the logits).
    CHECK(producer(r, r.node(r.find("prob")), 0).op == "Add");
    // BERT: both operands of the two activation x activation MatMuls, not the residual Adds.
    const ir::Graph& bert = cached("bert-layer-int8");
    CHECK(producer(bert, bert.node(bert.find("attention/self/context")), 0).name ==
          "attention/self/context/fq_input_0");
    CHECK(producer(bert, bert.node(bert.find("attention/output/residual")), 0).op == "Add");
}

TEST_CASE("zoo int8 variants share the f32 weights exactly", "[zoo]") {
    for (const std::string base : {"resnet50", "mobilenetv2", "bert-layer"}) {
        INFO(base);
        const ir::Graph& f32 = cached(base);
        const ir::Graph& q = cached(base + "-int8");
        int matched = 0;
        for (const ir::Node& n : f32.nodes()) {
            const int j = q.find(n.name);
            REQUIRE(j >= 0);
            const ir::Node& m = q.node(j);
            CHECK(m.op == n.op);
            CHECK(m.attrs == n.attrs);
            if (n.op == "Constant") {
                CHECK(m.value.equals(n.value));
                ++matched;
            }
        }
        CHECK(matched > 0);
        CHECK(q.size() == f32.size() + 5 * size_t(count_op(q, "FakeQuantize")));
    }
}

TEST_CASE("zoo models are deterministic", "[zoo]") {
    for (const std::string name : {"resnet50-int8", "mobilenetv2-int8", "bert-layer-int8"}) {
        INFO(name);
        const ir::Graph& a = cached(name);
        const ir::Graph b = zoo::make_model("zoo:" + name);
        REQUIRE(a.size() == b.size());
        for (size_t i = 0; i < a.size(); ++i) {
            const ir::Node& x = a.node(int(i));
            const ir::Node& y = b.node(int(i));
            REQUIRE(x.name == y.name);
            CHECK(x.op == y.op);
            CHECK(x.inputs == y.inputs);
            CHECK(x.attrs == y.attrs);
            CHECK(x.outputs == y.outputs);
            if (x.op == "Constant") CHECK(x.value.equals(y.value));
        }
    }
}
