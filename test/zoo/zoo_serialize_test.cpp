#include <catch2/catch.hpp>

#include "engine/zoo/zoo.hpp"
#include "ir/serialize/model_format.hpp"

using namespace octet;

// Every zoo model survives the JSON format exactly: names, ops, inputs,
// attributes and constant bytes.
TEST_CASE("zoo: every model round-trips through the JSON format", "[zoo][format]") {
    for (const std::string& name : zoo::model_names()) {
        INFO(name);
        ir::Graph g = zoo::make_model(name);
        auto [json, bin] = ir::serialize_model(g);
        ir::Graph back = ir::parse_model(json, bin.data(), bin.size());
        REQUIRE(back.size() == g.size());
        for (size_t i = 0; i < g.size(); ++i) {
            const ir::Node& a = g.node(int(i));
            const ir::Node& b = back.node(int(i));
            REQUIRE(a.name == b.name);
            REQUIRE(a.op == b.op);
            REQUIRE(a.inputs == b.inputs);
            REQUIRE(a.attrs == b.attrs);
            REQUIRE(a.outputs == b.outputs);
            REQUIRE(a.value.empty() == b.value.empty());
            if (!a.value.empty()) REQUIRE(a.value.equals(b.value));
        }
        auto again = ir::serialize_model(back);
        REQUIRE(again.first == json);
        REQUIRE(again.second == bin);
    }
}
