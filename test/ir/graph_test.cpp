#include <catch2/catch.hpp>

#include "ir/error.hpp"
#include "ir/graph.hpp"

using namespace octet;
using namespace octet::ir;

TEST_CASE("graph: topological order and cycle detection", "[ir][graph]") {
    Graph g;
    PortRef x = g.parameter("x", ElemType::f32, {1, 3});
    g.result("y", x);
    g.infer();
    REQUIRE(g.topo_order() == std::vector<int>{0, 1});
    REQUIRE(g.desc(x).shape == Shape{1, 3});

    Graph c;
    c.parameter("x", ElemType::f32, {1});
    Node a; a.name = "a"; a.op = "Result"; a.inputs = {{2, 0}};
    Node b; b.name = "b"; b.op = "Result"; b.inputs = {{1, 0}};
    c.add_node(a); c.add_node(b);
    REQUIRE_THROWS_AS(c.topo_order(), ValidationError);
}

TEST_CASE("graph: dangling input and duplicate names are errors naming the node", "[ir][graph]") {
    Graph g;
    g.parameter("x", ElemType::f32, {1});
    Node r; r.name = "out"; r.op = "Result"; r.inputs = {{7, 0}};
    g.add_node(r);
    REQUIRE_THROWS_WITH(g.infer(), Catch::Contains("node 'out'") && Catch::Contains("does not exist"));

    Graph d;
    d.parameter("x", ElemType::f32, {1});
    d.result("x", {0, 0});
    REQUIRE_THROWS_WITH(d.infer(), Catch::Contains("'x' is used twice"));
}

TEST_CASE("tensor: element counts never overflow", "[ir][tensor]") {
    REQUIRE_THROWS_AS(num_elements({int64_t(1) << 40, 2}), ValidationError);
    REQUIRE_THROWS_AS(num_elements({-1}), ValidationError);
    REQUIRE(num_elements({}) == 1);
    REQUIRE(num_elements({3, 0, 5}) == 0);
}

TEST_CASE("tensor: a zero dim does not hide an absurd one, in any order", "[ir][tensor]") {
    const int64_t big = int64_t(1) << 40;
    REQUIRE_THROWS_AS(num_elements({4, 0, 7, big}), ValidationError);
    REQUIRE_THROWS_AS(num_elements({big, 4, 0, 7}), ValidationError);
    REQUIRE(num_elements({big, 0}) == 0);
}
