// Relu / Clamp in the integer domain (lpt/passes/clamp_in_integer_domain.cpp):
// a bound on the grid or one that never binds moves the dequantization below
// an integer Clamp; an off-grid bound keeps the op in f32. Fused == unfused
// int8 reference bit for bit, equal to the FakeQuantize graph up to the conv's
// f32 rounding, and through the engine the integer Clamp runs the JIT kernel,
// bit-exact at every ISA.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>

#include "lpt_test_graphs.hpp"

using namespace octet;
using namespace octet::lpt_test;

namespace {

struct ClampCase {
    float lo, hi;               // the input grid
    std::string op;             // "Relu" or "Clamp"
    double min, max;            // Clamp bounds
    bool int8;                  // expected to run on the integers
    bool identity;              // ... where it binds nowhere: dropped
};

// x[2,4,5,5] -> FQ -> Relu|Clamp -> Convolution 1x1 -> Result
ir::Graph clamp_net(const ClampCase& c) {
    ir::Graph g;
    ir::PortRef x = g.parameter("x", ir::ElemType::f32, {2, 4, 5, 5});
    ir::Attributes bounds;
    if (c.op == "Clamp") {
        bounds.set("min", ir::AttrValue(c.min));
        bounds.set("max", ir::AttrValue(c.max));
    }
    ir::PortRef r = g.add(c.op, "act", {fq(g, "fq", x, c.lo, c.hi)}, bounds);
    g.result("y", conv1x1(g, "conv", r, 4, 3));
    g.infer();
    return g;
}

const ClampCase kCases[] = {
    {-1.f, 1.55f, "Relu", 0, 0, true, false},            // s8, zp -28: 0 is the grid point q = zp
    {0.f, 2.55f, "Relu", 0, 0, true, true},              // u8, zp 0: never binds
    {-1.f, 1.55f, "Clamp", 0, 0.5, true, false},          // ReLU-like with an on-grid top (q = 22)
    {0.f, 2.55f, "Clamp", 0, 6, true, true},             // ReLU6 on a [0, 2.55] grid: binds nowhere
    {-1.f, 1.55f, "Clamp", -0.503, 1e9, false, false},  // an off-grid bound that binds: stays f32
    {-1.f, 1.55f, "Clamp", -5, 5, true, true},           // neither bound binds
};

}  // namespace

TEST_CASE("lpt: Relu / Clamp run on the integers where the bounds allow", "[lpt][clamp]") {
    const ir::Tensor x = input({2, 4, 5, 5});
    for (const ClampCase& c : kCases) {
        INFO(c.op << " [" << c.min << ", " << c.max << "] grid [" << c.lo << ", " << c.hi << "]");
        const ir::Graph g = clamp_net(c);
        const ir::Graph fused = lpt::transform(g);
        const ir::Graph unfused = lpt::transform(g, {false});
        CHECK((fused.find("act") < 0) == c.identity);
        if (!c.identity) {
            const ir::Node& act = fused.node(fused.find("act"));
            CHECK(ir::is_int8(act.outputs[0].type) == c.int8);
            if (c.int8) CHECK(act.op == "Clamp");
        }
        const ir::Tensor a = kernels::ref::run_graph(fused, {x}).at(0);
        CHECK(a.equals(kernels::ref::run_graph(unfused, {x}).at(0)));
        const ir::Tensor f = kernels::ref::run_graph(g, {x}).at(0);
        for (int64_t i = 0; i < f.numel(); ++i) REQUIRE(std::fabs(a.data<float>()[i] - f.data<float>()[i]) < 1e-4f);
    }
}

TEST_CASE("lpt + engine: the integer Clamp runs the JIT kernel, bit-exact at every ISA", "[lpt][clamp][engine]") {
    for (const ClampCase& c : kCases)
        if (c.int8 && !c.identity) check_engine(clamp_net(c), {input({2, 4, 5, 5})}, "act");
}
