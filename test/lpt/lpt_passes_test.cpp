// The low-precision transformations on small graphs: what each pass produces,
// fused == unfused int8 reference bit for bit, and the documented f32 fallbacks.
#include <catch2/catch.hpp>

#include <cmath>

#include "ir/ops/int8_ops.hpp"
#include "kernels/ref/ref.hpp"
#include "lpt/pass_manager.hpp"

using namespace octet;

namespace {

ir::Tensor filled(const ir::Shape& s, float start, float step) {
    ir::Tensor t(ir::ElemType::f32, s);
    for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = start + step * float((i * 37) % 101);
    return t;
}

ir::Tensor scalar(float v) {
    ir::Tensor t(ir::ElemType::f32, {1, 1, 1, 1});
    t.data<float>()[0] = v;
    return t;
}

ir::PortRef fq(ir::Graph& g, const std::string& name, ir::PortRef x, ir::Tensor lo, ir::Tensor hi, int64_t levels) {
    ir::Attributes a;
    a.set("levels", ir::AttrValue(levels));
    return g.add("FakeQuantize", name,
                 {x, g.constant(name + "/il", lo), g.constant(name + "/ih", hi), g.constant(name + "/ol", lo.clone()),
                  g.constant(name + "/oh", hi.clone())},
                 a);
}

ir::Attributes conv_attrs() {
    ir::Attributes a;
    a.set("strides", std::vector<int64_t>{1, 1});
    a.set("dilations", std::vector<int64_t>{1, 1});
    a.set("pads_begin", std::vector<int64_t>{1, 1});
    a.set("pads_end", std::vector<int64_t>{1, 1});
    return a;
}

// x -> FQ(s8) -> Conv(FQ weights) -> +bias -> Relu -> MaxPool -> FQ(u8) -> Conv -> +bias -> Add(residual) -> Result
ir::Graph small_net(int64_t act_levels) {
    ir::Graph g;
    ir::PortRef x = g.parameter("x", ir::ElemType::f32, {2, 4, 6, 6});
    ir::PortRef q = fq(g, "fq_x", x, scalar(-2.f), scalar(2.f * 127.f / 128.f), act_levels);
    ir::Tensor wr(ir::ElemType::f32, {8, 1, 1, 1});
    for (int i = 0; i < 8; ++i) wr.data<float>()[i] = 0.5f + 0.1f * float(i);
    ir::Tensor wl = wr.clone();
    for (int i = 0; i < 8; ++i) wl.data<float>()[i] = -wl.data<float>()[i];
    ir::PortRef w = fq(g, "fq_w", g.constant("w", filled({8, 4, 3, 3}, -0.5f, 0.01f)), wl, wr, 255);
    ir::PortRef c = g.add("Convolution", "conv", {q, w}, conv_attrs());
    c = g.add("Add", "conv/bias", {c, g.constant("b", filled({1, 8, 1, 1}, -0.2f, 0.05f))});
    c = g.add("Relu", "relu", {c});
    ir::Attributes pool;
    pool.set("kernel", std::vector<int64_t>{2, 2});
    pool.set("strides", std::vector<int64_t>{1, 1});
    pool.set("pads_begin", std::vector<int64_t>{0, 0});
    pool.set("pads_end", std::vector<int64_t>{1, 1});
    pool.set("rounding_type", "floor");
    c = g.add("MaxPool", "pool", {c}, pool);
    ir::PortRef q2 = fq(g, "fq_c", c, scalar(0.f), scalar(6.f), 256);
    ir::Tensor wr2 = wr.clone(), wl2 = wl.clone();
    ir::PortRef w2 = fq(g, "fq_w2", g.constant("w2", filled({8, 8, 3, 3}, -0.4f, 0.008f)), wl2, wr2, 255);
    ir::PortRef c2 = g.add("Convolution", "conv2", {q2, w2}, conv_attrs());
    c2 = g.add("Add", "conv2/bias", {c2, g.constant("b2", filled({1, 8, 1, 1}, 0.1f, 0.01f))});
    ir::PortRef r = g.add("Add", "residual", {c2, q2});
    g.result("y", r);
    g.infer();
    return g;
}

int count(const ir::Graph& g, const std::string& op) {
    int n = 0;
    for (const ir::Node& node : g.nodes()) n += node.op == op;
    return n;
}

const ir::Node& by_name(const ir::Graph& g, const std::string& name) { return g.node(g.find(name)); }

}  // namespace

TEST_CASE("lpt: convolutions become int8 with fused post-ops", "[lpt]") {
    const ir::Graph g = small_net(256);
    const ir::Graph t = lpt::transform(g);
    CHECK(count(t, "FakeQuantize") == 0);
    CHECK(count(t, "Convolution") == 0);
    CHECK(count(t, "ConvolutionI8") == 2);
    CHECK(count(t, "Relu") == 0);
    CHECK(count(t, "Add") == 0);
    // Weight compression: s8 constants, per-channel scales in the epilogue.
    const ir::Node& conv = by_name(t, "conv");
    CHECK(t.node(conv.inputs[1].node).value.type() == ir::ElemType::s8);
    const ir::Epilogue e = ir::epilogue_from_attrs(conv.attrs);
    CHECK(e.scale.size() == 8);
    CHECK(e.bias.size() == 8);
    REQUIRE(e.post_ops.size() == 1);
    CHECK(e.post_ops[0].kind == ir::PostOp::Kind::relu);
    CHECK(e.dst_type == ir::ElemType::u8);  // fq_c moved above the pool and fused
    CHECK(by_name(t, "pool").outputs[0].type == ir::ElemType::u8);
    // The residual Add is conv2's sum post-op with the u8 residual.
    const ir::Epilogue e2 = ir::epilogue_from_attrs(by_name(t, "conv2").attrs);
    REQUIRE(e2.sum_op());
    CHECK(e2.sum_op()->sum_type == ir::ElemType::u8);
    CHECK(e2.dst_type == ir::ElemType::f32);
    // The activation zero point of fq_x (s8 grid of [-2, 2*127/128]) is 0.
    CHECK(conv.attrs.get_int("src_zero_point") == 0);
    // Every original node is still accounted for.
    const std::string fused = conv.attrs.get_string("fused_names");
    CHECK(fused.find("relu") != std::string::npos);
    CHECK(fused.find("fq_w") != std::string::npos);
    CHECK(fused.find("conv/bias") != std::string::npos);
}

TEST_CASE("lpt: fused equals the unfused int8 reference bit for bit, and is close to the FakeQuantize graph", "[lpt]") {
    const ir::Graph g = small_net(256);
    const ir::Graph fused = lpt::transform(g);
    const ir::Graph unfused = lpt::transform(g, {false});
    CHECK(count(unfused, "Dequantize") > 0);
    CHECK(count(unfused, "Relu") == 1);
    const ir::Tensor x = filled({2, 4, 6, 6}, -2.5f, 0.05f);
    const ir::Tensor a = kernels::ref::run_graph(fused, {x}).at(0);
    const ir::Tensor b = kernels::ref::run_graph(unfused, {x}).at(0);
    CHECK(a.equals(b));
    const ir::Tensor f = kernels::ref::run_graph(g, {x}).at(0);
    double m = 0;
    for (int64_t i = 0; i < f.numel(); ++i) m = std::max(m, double(std::fabs(a.data<float>()[i] - f.data<float>()[i])));
    // Bound: a few activation steps (6/255) propagated through two 3x3 convolutions.
    CHECK(m < 0.25);
}

TEST_CASE("lpt: a FakeQuantize with 16 levels stays f32", "[lpt]") {
    const ir::Graph g = small_net(16);
    const ir::Graph t = lpt::transform(g);
    const ir::Node& fq = by_name(t, "fq_x");
    CHECK(fq.op == "FakeQuantize");
    CHECK(by_name(t, "conv").op == "Convolution");  // its input is not int8
    const ir::Tensor x = filled({2, 4, 6, 6}, -2.5f, 0.05f);
    const ir::Tensor a = kernels::ref::run_graph(t, {x}).at(0);
    const ir::Tensor b = kernels::ref::run_graph(lpt::transform(g, {false}), {x}).at(0);
    CHECK(a.equals(b));
}

TEST_CASE("lpt: a non-integer zero point and non-constant ranges stay f32", "[lpt]") {
    ir::Graph g;
    ir::PortRef x = g.parameter("x", ir::ElemType::f32, {1, 2, 2, 2});
    ir::PortRef lo = g.parameter("lo", ir::ElemType::f32, {1, 1, 1, 1});
    ir::Attributes a;
    a.set("levels", ir::AttrValue(int64_t(256)));
    ir::PortRef q1 = g.add("FakeQuantize", "dynamic", {x, lo, g.constant("ih", scalar(1.f)), g.constant("ol", scalar(-1.f)),
                                                       g.constant("oh", scalar(1.f))}, a);
    ir::PortRef q2 = fq(g, "odd_zp", q1, scalar(-0.3f), scalar(1.f), 256);  // zp = 0.3*255/1.3: not an integer
    g.result("y", q2);
    g.infer();
    const ir::Graph t = lpt::transform(g);
    CHECK(count(t, "FakeQuantize") == 2);
    CHECK(count(t, "Quantize") == 0);
}

TEST_CASE("lpt: print_graph shows what was fused", "[lpt]") {
    const std::string s = lpt::print_graph(lpt::transform(small_net(256)));
    CHECK(s.find("conv = ConvolutionI8 (was Convolution)") != std::string::npos);
    CHECK(s.find("relu") != std::string::npos);
    CHECK(s.find("sum") != std::string::npos);
}
