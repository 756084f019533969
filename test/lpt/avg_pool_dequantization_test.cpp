// Dequantization through AvgPool (lpt/passes/propagate_dequantization.cpp):
// which pools run on int8, fused == unfused int8 reference bit for bit, and
// agreement with the FakeQuantize graph within the rounding of the int8 mean;
// then the same graphs through the engine, where the int8 AvgPool runs the JIT
// pooling kernel (engine/int8) and the output stays bit-exact at every ISA.
#include <catch2/catch.hpp>

#include <cmath>

#include "lpt_test_graphs.hpp"

using namespace octet;
using namespace octet::lpt_test;

namespace {

struct PoolCase {
    float lo, hi;          // the input grid: [0, 2.55] u8 (zp 0) or [-1, 1.55] s8 (zp -28)
    int64_t k, pad;        // square window and pads
    bool exclude_pad;
};

// x[2,4,6,6] -> FQ -> AvgPool -> FQ(u8) -> Convolution 1x1 -> Result
ir::Graph pool_net(const PoolCase& c) {
    ir::Graph g;
    ir::PortRef x = g.parameter("x", ir::ElemType::f32, {2, 4, 6, 6});
    ir::Attributes pool = pool_attrs(c.k, 1, c.pad);
    pool.set("exclude_pad", c.exclude_pad);
    ir::PortRef p = g.add("AvgPool", "pool", {fq(g, "fq_x", x, c.lo, c.hi)}, pool);
    g.result("y", conv1x1(g, "conv", fq(g, "fq_p", p, 0.f, 1.5f), 4, 3));
    g.infer();
    return g;
}

}  // namespace

TEST_CASE("lpt: AvgPool runs on int8 where the mean commutes with the dequantization", "[lpt][avgpool]") {
    struct Expect {
        PoolCase c;
        bool int8;
    };
    const Expect cases[] = {
        {{0.f, 2.55f, 3, 1, false}, true},    // zp 0: padded zeros are q = 0
        {{-1.f, 1.55f, 3, 1, false}, false},  // zp -28 with counted pads: stays f32
        {{-1.f, 1.55f, 3, 1, true}, true},    // exclude_pad: pads never count
        {{-1.f, 1.55f, 6, 0, false}, true},   // global pool, no pads
        {{-1.f, 1.55f, 2, 0, false}, true},
    };
    const ir::Tensor x = input({2, 4, 6, 6});
    for (const Expect& e : cases) {
        INFO("k " << e.c.k << " pad " << e.c.pad << " exclude_pad " << e.c.exclude_pad << " lo " << e.c.lo);
        const ir::Graph g = pool_net(e.c);
        const ir::Graph fused = lpt::transform(g);
        const ir::Graph unfused = lpt::transform(g, {false});
        const ir::Node& pool = fused.node(fused.find("pool"));
        CHECK(ir::is_int8(fused.desc(pool.inputs[0]).type) == e.int8);
        CHECK(ir::is_int8(pool.outputs[0].type) == e.int8);
        const ir::Tensor a = kernels::ref::run_graph(fused, {x}).at(0);
        const ir::Tensor b = kernels::ref::run_graph(unfused, {x}).at(0);
        CHECK(a.equals(b));
        // Against the FakeQuantize graph: the int8 mean is off by at most half an
        // input step (0.01 / 2), which may move fq_p by one step (1.5 / 255), times
        // the 1x1 conv's |w| sum over 4 channels (<= 0.6).
        const ir::Tensor f = kernels::ref::run_graph(g, {x}).at(0);
        double m = 0;
        for (int64_t i = 0; i < f.numel(); ++i)
            m = std::max(m, double(std::fabs(a.data<float>()[i] - f.data<float>()[i])));
        CHECK(m <= 0.6 * (1.5 / 255 + 0.005) + 1e-4);
    }
}

TEST_CASE("lpt + engine: the int8 AvgPool runs the JIT pooling kernel, bit-exact at every ISA", "[lpt][avgpool][engine]") {
    for (const PoolCase& c : {PoolCase{0.f, 2.55f, 3, 1, false}, PoolCase{-1.f, 1.55f, 3, 1, true},
                              PoolCase{-1.f, 1.55f, 6, 0, false}})
        check_engine(pool_net(c), {input({2, 4, 6, 6})}, "pool");
}
