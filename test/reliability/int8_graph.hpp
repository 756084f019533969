#pragma once
// A small graph that the LPT lowers to int8 kernels (quantize, int8 conv,
// requantize): FakeQuantize on the input, on the weights (255 levels, as NNCF
// places them) and after the convolution. The reliability tests need the int8
// path to run, not the f32 reference.
#include "../engine/test_graphs.hpp"

namespace octet::test {

inline ir::Graph int8_conv_graph() {
    ir::Graph g;
    auto fq = [&](const std::string& name, ir::PortRef in, float lo, float hi, int levels) {
        ir::Attributes a;
        a.set("levels", levels);
        return g.add("FakeQuantize", name,
                     {in, g.constant(name + "/il", scalar4d(lo)), g.constant(name + "/ih", scalar4d(hi)),
                      g.constant(name + "/ol", scalar4d(lo)), g.constant(name + "/oh", scalar4d(hi))},
                     a);
    };
    auto x = g.parameter("x", ir::ElemType::f32, {1, 8, 6, 6});
    auto xq = fq("fq_x", x, -3.f, 3.f, 256);
    auto w = fq("fq_w", g.constant("w", random_tensor(ir::ElemType::f32, {16, 8, 3, 3}, 7)), -2.f, 2.f, 255);
    ir::Attributes conv;
    conv.set("strides", std::vector<int64_t>{1, 1});
    conv.set("dilations", std::vector<int64_t>{1, 1});
    conv.set("pads_begin", std::vector<int64_t>{1, 1});
    conv.set("pads_end", std::vector<int64_t>{1, 1});
    auto c = g.add("Convolution", "conv", {xq, w}, conv);
    auto r = g.add("Relu", "relu", {c});
    g.result("y", fq("fq_y", r, 0.f, 20.f, 256));
    return g;
}

}  // namespace octet::test
