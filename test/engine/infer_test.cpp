// compile + InferRequest against the reference executor, and concurrency.
#include <catch2/catch.hpp>

#include <thread>

#include "kernels/ref/ref.hpp"
#include "octet/octet.hpp"
#include "test_graphs.hpp"

using namespace octet;

TEST_CASE("compiled model infers bit-exactly like ref::run_graph", "[engine]") {
    Model model = Model::from_graph(test::conv_graph());
    // sse42: no generated f32 conv there, so the plan runs the reference kernels
    // (the generated ones are held to a relative bound: test/kernels/f32_*_test.cpp).
    CompileOptions reference_isa;
    reference_isa.max_isa = "sse42";
    CompiledModel compiled = compile(model, reference_isa);
    REQUIRE(compiled.inputs().size() == 1);
    CHECK(compiled.inputs()[0].name == "x");
    CHECK(compiled.inputs()[0].desc == ir::TensorDesc{ir::ElemType::f32, {1, 2, 6, 6}});
    REQUIRE(compiled.outputs().size() == 1);
    CHECK(compiled.outputs()[0].name == "y");
    CHECK(compiled.outputs()[0].desc == ir::TensorDesc{ir::ElemType::f32, {1, 3, 3, 3}});

    InferRequest request = compiled.create_request();
    for (uint32_t seed = 1; seed <= 3; ++seed) {
        ir::Tensor x = test::random_tensor(ir::ElemType::f32, {1, 2, 6, 6}, seed);
        request.set_input(0, x);
        request.infer();
        const std::vector<ir::Tensor> expected = kernels::ref::run_graph(model.graph(), {x});
        CHECK(request.output(0).equals(expected.at(0)));
        CHECK(request.output("y").equals(expected.at(0)));
    }
}

TEST_CASE("outputs of an earlier infer() are not overwritten by the next", "[engine]") {
    CompiledModel compiled = compile(Model::from_graph(test::conv_graph()));
    InferRequest request = compiled.create_request();
    request.set_input("x", test::random_tensor(ir::ElemType::f32, {1, 2, 6, 6}, 1));
    request.infer();
    ir::Tensor first = request.output(0);
    ir::Tensor first_copy = first.clone();
    request.set_input("x", test::random_tensor(ir::ElemType::f32, {1, 2, 6, 6}, 2));
    request.infer();
    CHECK(first.equals(first_copy));
    CHECK_FALSE(request.output(0).equals(first_copy));
}

TEST_CASE("an output that views a constant is a copy", "[engine]") {
    ir::Graph g;
    g.parameter("x", ir::ElemType::f32, {2});
    auto c = g.constant("c", test::random_tensor(ir::ElemType::f32, {2, 3}, 3));
    ir::Attributes a;
    a.set("shape", std::vector<int64_t>{3, 2});
    g.result("y", g.add("Reshape", "r", {c}, a));
    CompiledModel compiled = compile(Model::from_graph(g));
    InferRequest request = compiled.create_request();
    request.set_input(0, ir::Tensor(ir::ElemType::f32, {2}));
    request.infer();
    ir::Tensor y = request.output(0);
    y.data<float>()[0] = 12345.f;
    request.infer();
    CHECK(request.output(0).data<float>()[0] != 12345.f);
}

TEST_CASE("two requests on two threads match sequential results", "[engine]") {
    Model model = Model::from_graph(test::conv_graph());
    const CompiledModel compiled = compile(model);
    constexpr int kRuns = 20;
    std::vector<ir::Tensor> inputs, expected;
    InferRequest sequential = compiled.create_request();  // the same kernels, one at a time
    for (int i = 0; i < 2 * kRuns; ++i) {
        inputs.push_back(test::random_tensor(ir::ElemType::f32, {1, 2, 6, 6}, uint32_t(100 + i)));
        sequential.set_input(0, inputs.back());
        sequential.infer();
        expected.push_back(sequential.output(0));
    }
    std::vector<ir::Tensor> got(inputs.size());
    auto worker = [&](int first) {
        InferRequest request = compiled.create_request();
        for (int i = first; i < int(inputs.size()); i += 2) {
            request.set_input(0, inputs[size_t(i)]);
            request.infer();
            got[size_t(i)] = request.output(0);
        }
    };
    std::thread a(worker, 0), b(worker, 1);
    a.join();
    b.join();
    for (size_t i = 0; i < inputs.size(); ++i) CHECK(got[i].equals(expected[i]));
}
