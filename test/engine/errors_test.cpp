// What the API rejects, and how it says so.
#include <catch2/catch.hpp>

#include "ir/error.hpp"
#include "octet/octet.hpp"
#include "test_graphs.hpp"

using namespace octet;
using Catch::Matchers::Contains;

TEST_CASE("set_input rejects a wrong shape, type, index or name", "[engine]") {
    CompiledModel compiled = compile(Model::from_graph(test::conv_graph()));
    InferRequest request = compiled.create_request();
    CHECK_THROWS_AS(request.set_input(0, ir::Tensor(ir::ElemType::f32, {1, 2, 6, 7})), ArgumentError);
    CHECK_THROWS_WITH(request.set_input(0, ir::Tensor(ir::ElemType::f32, {1, 2, 6, 7})),
                      Contains("'x' expects f32 [1,2,6,6], got f32 [1,2,6,7]"));
    CHECK_THROWS_WITH(request.set_input(0, ir::Tensor(ir::ElemType::u8, {1, 2, 6, 6})),
                      Contains("got u8 [1,2,6,6]"));
    CHECK_THROWS_AS(request.set_input(0, ir::Tensor()), ArgumentError);
    CHECK_THROWS_WITH(request.set_input(1, ir::Tensor(ir::ElemType::f32, {1, 2, 6, 6})),
                      Contains("input index 1 is out of range"));
    CHECK_THROWS_WITH(request.set_input("data", ir::Tensor(ir::ElemType::f32, {1, 2, 6, 6})),
                      Contains("no input named 'data'") && Contains("'x'"));
}

TEST_CASE("infer and output refuse to run on missing state", "[engine]") {
    CompiledModel compiled = compile(Model::from_graph(test::conv_graph()));
    InferRequest request = compiled.create_request();
    CHECK_THROWS_WITH(request.infer(), Contains("input 'x' is not set"));
    CHECK_THROWS_WITH(request.output(0), Contains("before infer()"));
    request.set_input(0, ir::Tensor(ir::ElemType::f32, {1, 2, 6, 6}));
    request.infer();
    CHECK_THROWS_WITH(request.output(1), Contains("output index 1 is out of range"));
    CHECK_THROWS_WITH(request.output("z"), Contains("no output named 'z'"));
}

TEST_CASE("compile validates its options", "[engine]") {
    Model model = Model::from_graph(test::conv_graph());
    CompileOptions bad_threads;
    bad_threads.threads = -1;
    CHECK_THROWS_AS(compile(model, bad_threads), ArgumentError);
    CompileOptions bad_streams;
    bad_streams.streams = 0;
    CHECK_THROWS_AS(compile(model, bad_streams), ArgumentError);
    CompileOptions bad_isa;
    bad_isa.max_isa = "avx9000";
    CHECK_THROWS_AS(compile(model, bad_isa), ArgumentError);
    CompileOptions capped;
    capped.max_isa = "sse42";
    CHECK(compile(model, capped).isa() == "sse42");
}

TEST_CASE("Model rejects invalid graphs and unknown formats", "[engine]") {
    ir::Graph dangling;
    auto x = dangling.parameter("x", ir::ElemType::f32, {2});
    dangling.add("Relu", "r", {ir::PortRef{5, 0}});
    dangling.result("y", x);
    CHECK_THROWS_AS(Model::from_graph(dangling), ValidationError);
    // Missing files of the imported formats: a FormatError naming the file.
    CHECK_THROWS_AS(Model::load("/nonexistent/model.onnx"), FormatError);
    CHECK_THROWS_WITH(Model::load("/nonexistent/model.onnx"), Contains("cannot open ONNX model '/nonexistent/model.onnx'"));
    CHECK_THROWS_AS(Model::load("/nonexistent/model.xml"), FormatError);
    CHECK_THROWS_WITH(Model::load("/nonexistent/model.xml"), Contains("/nonexistent/model.xml"));
    CHECK_THROWS_WITH(Model::load("model.txt"), Contains("unknown model format"));
    CHECK_THROWS_AS(Model::load("/nonexistent/model.json"), Error);
    CHECK_THROWS_AS(Model::from_zoo("no-such-model"), Error);
}
