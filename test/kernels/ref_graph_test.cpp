#include "ref_util.hpp"

using namespace reftest;
using octet::ir::Attributes;

TEST_CASE("ref run_graph: Parameter -> Add(Constant) -> Relu -> Result", "[kernels][ref]") {
    octet::ir::Graph g;
    auto x = g.parameter("x", ElemType::f32, {1, 4});
    auto c = g.constant("bias", make<float>({4}, {1, -1, 1, -10}));
    auto add = g.add("Add", "add", {x, c});
    auto relu = g.add("Relu", "relu", {add});
    g.result("out", relu);
    g.result("sum", add);
    g.infer();
    const auto out = octet::kernels::ref::run_graph(g, {make<float>({1, 4}, {1, 2, -3, 4})});
    REQUIRE(out.size() == 2);
    CHECK(values<float>(out[0]) == std::vector<float>{2, 1, 0, 0});
    CHECK(values<float>(out[1]) == std::vector<float>{2, 1, -2, -6});
    CHECK_THROWS_WITH(octet::kernels::ref::run_graph(g, {make<float>({1, 3}, {1, 2, 3})}), Catch::Contains("'x'"));
    CHECK_THROWS_AS(octet::kernels::ref::run_graph(g, {}), octet::ArgumentError);
}

TEST_CASE("ref eval_node: unknown ops and missing inference are clear errors", "[kernels][ref]") {
    auto n = node("Frobnicate", {}, ElemType::f32, {1});
    CHECK_THROWS_AS(eval1(n, {iota({1})}), octet::UnsupportedError);
    octet::ir::Node r;
    r.name = "relu0";
    r.op = "Relu";
    CHECK_THROWS_WITH(eval1(r, {iota({1})}), Catch::Contains("relu0") && Catch::Contains("infer"));
}
