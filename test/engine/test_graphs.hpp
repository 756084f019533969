#pragma once
// Small graphs the engine tests share.
#include <cstdint>
#include <random>

#include "ir/graph.hpp"

namespace octet::test {

inline ir::Tensor random_tensor(ir::ElemType type, const ir::Shape& shape, uint32_t seed) {
    ir::Tensor t(type, shape);
    std::mt19937 rng(seed);
    std::normal_distribution<float> d(0.f, 1.f);
    for (int64_t i = 0; i < t.numel(); ++i) {
        if (type == ir::ElemType::f32) t.data<float>()[i] = d(rng);
        else if (type == ir::ElemType::u8) t.data<uint8_t>()[i] = uint8_t(rng() & 0xff);
        else if (type == ir::ElemType::s8) t.data<int8_t>()[i] = int8_t(rng() & 0xff);
        else t.data<int32_t>()[i] = int32_t(rng() % 2001) - 1000;
    }
    return t;
}

inline ir::Tensor scalar4d(float v) {
    ir::Tensor t(ir::ElemType::f32, {1, 1, 1, 1});
    t.data<float>()[0] = v;
    return t;
}

// x[1,2,6,6] -> Convolution(3x3, pad 1) -> Relu -> Add(bias) -> MaxPool 2x2 -> Result "y"
inline ir::Graph conv_graph() {
    ir::Graph g;
    auto x = g.parameter("x", ir::ElemType::f32, {1, 2, 6, 6});
    auto w = g.constant("w", random_tensor(ir::ElemType::f32, {3, 2, 3, 3}, 7));
    ir::Attributes conv;
    conv.set("strides", std::vector<int64_t>{1, 1});
    conv.set("dilations", std::vector<int64_t>{1, 1});
    conv.set("pads_begin", std::vector<int64_t>{1, 1});
    conv.set("pads_end", std::vector<int64_t>{1, 1});
    auto c = g.add("Convolution", "conv", {x, w}, conv);
    auto r = g.add("Relu", "relu", {c});
    auto b = g.constant("bias", random_tensor(ir::ElemType::f32, {1, 3, 1, 1}, 8));
    auto a = g.add("Add", "add", {r, b});
    ir::Attributes pool;
    pool.set("kernel", std::vector<int64_t>{2, 2});
    pool.set("strides", std::vector<int64_t>{2, 2});
    pool.set("pads_begin", std::vector<int64_t>{0, 0});
    pool.set("pads_end", std::vector<int64_t>{0, 0});
    auto p = g.add("MaxPool", "pool", {a}, pool);
    g.result("y", p);
    return g;
}

// The same graph with FakeQuantize on the input and after the convolution,
// the second one a chain of two.
inline ir::Graph conv_graph_with_fq() {
    ir::Graph g;
    auto fq = [&](const std::string& name, ir::PortRef in, float lo, float hi) {
        auto il = g.constant(name + "/il", scalar4d(lo));
        auto ih = g.constant(name + "/ih", scalar4d(hi));
        auto ol = g.constant(name + "/ol", scalar4d(lo));
        auto oh = g.constant(name + "/oh", scalar4d(hi));
        ir::Attributes a;
        a.set("levels", 256);
        return g.add("FakeQuantize", name, {in, il, ih, ol, oh}, a);
    };
    auto x = g.parameter("x", ir::ElemType::f32, {1, 2, 6, 6});
    auto xq = fq("fq_x", x, -3.f, 3.f);
    auto w = g.constant("w", random_tensor(ir::ElemType::f32, {3, 2, 3, 3}, 7));
    ir::Attributes conv;
    conv.set("strides", std::vector<int64_t>{1, 1});
    conv.set("dilations", std::vector<int64_t>{1, 1});
    conv.set("pads_begin", std::vector<int64_t>{1, 1});
    conv.set("pads_end", std::vector<int64_t>{1, 1});
    auto c = g.add("Convolution", "conv", {xq, w}, conv);
    auto cq = fq("fq_c2", fq("fq_c1", c, -8.f, 8.f), -7.f, 7.f);
    auto r = g.add("Relu", "relu", {cq});
    g.result("y", r);
    return g;
}

}  // namespace octet::test
