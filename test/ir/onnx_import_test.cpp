// ONNX import: models built here with the protobuf API, checked for the graph
// they become, for results equal to a hand computation or to the same graph
// built in octet, for QDQ pairs lowering to ConvolutionI8, and for every kind
// of malformed input failing with the right exception class and message.
#include <catch2/catch.hpp>

#include <onnx/onnx_pb.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "engine/int8/int8_executables.hpp"
#include "ir/error.hpp"
#include "ir/import/onnx_import.hpp"
#include "kernels/ref/ref.hpp"
#include "octet/octet.hpp"

namespace fs = std::filesystem;
using namespace octet;
using TP = onnx::TensorProto;

namespace {

// A ModelProto under construction.
struct OnnxModel {
    onnx::ModelProto m;
    onnx::GraphProto* g;
    explicit OnnxModel(int opset = 13) {
        m.set_ir_version(8);
        auto* o = m.add_opset_import();
        o->set_domain("");
        o->set_version(opset);
        g = m.mutable_graph();
        g->set_name("test");
    }
    void input(const std::string& name, int type, std::vector<int64_t> dims) {
        auto* v = g->add_input();
        v->set_name(name);
        auto* tt = v->mutable_type()->mutable_tensor_type();
        tt->set_elem_type(type);
        for (int64_t d : dims) tt->mutable_shape()->add_dim()->set_dim_value(d);
    }
    void output(const std::string& name) { g->add_output()->set_name(name); }
    onnx::NodeProto* node(const std::string& op, std::vector<std::string> in, std::vector<std::string> out,
                          const std::string& name = "") {
        auto* n = g->add_node();
        n->set_op_type(op);
        n->set_name(name.empty() ? op + "_node" : name);
        for (auto& s : in) n->add_input(s);
        for (auto& s : out) n->add_output(s);
        return n;
    }
    TP* init(const std::string& name, int type, std::vector<int64_t> dims) {
        TP* t = g->add_initializer();
        t->set_name(name);
        t->set_data_type(type);
        for (int64_t d : dims) t->add_dims(d);
        return t;
    }
    void init_f32(const std::string& name, std::vector<int64_t> dims, std::vector<float> v) {
        TP* t = init(name, TP::FLOAT, dims);
        for (float x : v) t->add_float_data(x);
    }
    void init_i64(const std::string& name, std::vector<int64_t> dims, std::vector<int64_t> v) {
        TP* t = init(name, TP::INT64, dims);
        for (int64_t x : v) t->add_int64_data(x);
    }
    void init_int(const std::string& name, int type, std::vector<int64_t> dims, std::vector<int32_t> v) {
        TP* t = init(name, type, dims);
        for (int32_t x : v) t->add_int32_data(x);
    }
    std::string bytes() const {
        std::string s;
        m.SerializeToString(&s);
        return s;
    }
    ir::Graph import(const std::string& base_dir = "") const {
        const std::string b = bytes();
        return ir::import_onnx_bytes(b.data(), b.size(), base_dir);
    }
};

void attr_int(onnx::NodeProto* n, const std::string& name, int64_t v) {
    auto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(v);
}
void attr_float(onnx::NodeProto* n, const std::string& name, float v) {
    auto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::FLOAT);
    a->set_f(v);
}
void attr_ints(onnx::NodeProto* n, const std::string& name, std::vector<int64_t> v) {
    auto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INTS);
    for (int64_t x : v) a->add_ints(x);
}
void attr_string(onnx::NodeProto* n, const std::string& name, const std::string& v) {
    auto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::STRING);
    a->set_s(v);
}

int count_op(const ir::Graph& g, const std::string& op) {
    int c = 0;
    for (const ir::Node& n : g.nodes()) c += n.op == op;
    return c;
}

ir::Tensor f32_tensor(ir::Shape s, std::vector<float> v) {
    ir::Tensor t(ir::ElemType::f32, std::move(s));
    std::copy(v.begin(), v.end(), t.data<float>());
    return t;
}

template <class T> std::vector<T> values(const ir::Tensor& t) {
    return std::vector<T>(t.data<T>(), t.data<T>() + t.numel());
}

// Runs the imported graph through the engine (compile, infer).
std::vector<ir::Tensor> run_engine(ir::Graph g, const std::vector<ir::Tensor>& in) {
    CompileOptions o;
    o.threads = 1;
    CompiledModel c = compile(Model::from_graph(std::move(g)), o);
    InferRequest r = c.create_request();
    for (size_t i = 0; i < in.size(); ++i) r.set_input(i, in[i]);
    r.infer();
    std::vector<ir::Tensor> out;
    for (size_t i = 0; i < c.outputs().size(); ++i) out.push_back(r.output(i).clone());
    return out;
}

template <class E, class F> void expect_call_error(F&& call, const std::string& fragment) {
    try {
        call();
        FAIL("no exception; expected one containing '" << fragment << "'");
    } catch (const E& e) {
        INFO(e.what());
        CHECK(std::string(e.what()).find(fragment) != std::string::npos);
    }
}

template <class E> void expect_error(const OnnxModel& m, const std::string& fragment, const std::string& base = "") {
    try {
        m.import(base);
        FAIL("no exception; expected one containing '" << fragment << "'");
    } catch (const E& e) {
        INFO(e.what());
        CHECK(std::string(e.what()).find(fragment) != std::string::npos);
    }
}

}  // namespace

TEST_CASE("onnx import: Conv with group, pads and bias equals the same octet graph", "[ir][onnx]") {
    OnnxModel m;
    m.input("x", TP::FLOAT, {1, 4, 5, 5});
    std::vector<float> w(4 * 2 * 3 * 3);
    for (size_t i = 0; i < w.size(); ++i) w[i] = float(int(i % 7) - 3) * 0.25f;
    m.init_f32("w", {4, 2, 3, 3}, w);
    m.init_f32("b", {4}, {0.5f, -1.f, 2.f, 0.f});
    auto* c = m.node("Conv", {"x", "w", "b"}, {"y"}, "conv1");
    attr_int(c, "group", 2);
    attr_ints(c, "pads", {1, 0, 0, 1});
    attr_ints(c, "strides", {2, 1});
    m.output("y");
    const ir::Graph g = m.import();
    REQUIRE(count_op(g, "Convolution") == 1);
    REQUIRE(count_op(g, "Add") == 1);
    const ir::Node& conv = g.node(g.find("conv1"));
    CHECK(conv.attrs.get_ints("pads_begin") == std::vector<int64_t>{1, 0});
    CHECK(conv.attrs.get_ints("pads_end") == std::vector<int64_t>{0, 1});
    CHECK(conv.attrs.get_int("group") == 2);

    // The same computation written directly in octet's IR.
    ir::Graph ref;
    ir::PortRef x = ref.parameter("x", ir::ElemType::f32, {1, 4, 5, 5});
    ir::Attributes a;
    a.set("strides", std::vector<int64_t>{2, 1});
    a.set("pads_begin", std::vector<int64_t>{1, 0});
    a.set("pads_end", std::vector<int64_t>{0, 1});
    a.set("group", 2);
    ir::PortRef y = ref.add("Convolution", "c", {x, ref.constant("w", f32_tensor({4, 2, 3, 3}, w))}, a);
    y = ref.add("Add", "b", {y, ref.constant("bias", f32_tensor({1, 4, 1, 1}, {0.5f, -1.f, 2.f, 0.f}))});
    ref.result("y", y);
    ref.infer();
    ir::Tensor in(ir::ElemType::f32, {1, 4, 5, 5});
    for (int64_t i = 0; i < in.numel(); ++i) in.data<float>()[i] = float(i % 11) - 5.f;
    CHECK(kernels::ref::run_graph(g, {in})[0].equals(kernels::ref::run_graph(ref, {in})[0]));
}

TEST_CASE("onnx import: Gemm alpha, beta, transA, transB", "[ir][onnx]") {
    OnnxModel m(11);
    m.input("a", TP::FLOAT, {3, 2});  // transA: A is [K, M]
    m.init_f32("b", {4, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});  // transB: B is [N, K]
    m.init_f32("c", {4}, {1, -1, 2, -2});
    auto* n = m.node("Gemm", {"a", "b", "c"}, {"y"});
    attr_float(n, "alpha", 2.f);
    attr_float(n, "beta", 0.5f);
    attr_int(n, "transA", 1);
    attr_int(n, "transB", 1);
    m.output("y");
    const ir::Graph g = m.import();
    const std::vector<float> a = {1, 2, 3, 4, 5, 6};
    const ir::Tensor y = run_engine(g, {f32_tensor({3, 2}, a)})[0];
    REQUIRE(y.shape() == ir::Shape{2, 4});
    const float b[4][3] = {{1, 2, 3}, {4, 5, 6}, {7, 8, 9}, {10, 11, 12}}, c[4] = {1, -1, 2, -2};
    for (int i = 0; i < 2; ++i)
        for (int j = 0; j < 4; ++j) {
            float s = 0;
            for (int k = 0; k < 3; ++k) s += a[size_t(k * 2 + i)] * b[j][k];
            CHECK(y.data<float>()[i * 4 + j] == 2.f * s + 0.5f * c[j]);
        }
}

TEST_CASE("onnx import: Softmax before opset 13 works on the 2-D coercion, from 13 on one axis", "[ir][onnx]") {
    ir::Tensor x(ir::ElemType::f32, {2, 2, 3});
    for (int64_t i = 0; i < x.numel(); ++i) x.data<float>()[i] = float(i % 5) * 0.5f;
    for (int opset : {11, 13}) {
        OnnxModel m(opset);
        m.input("x", TP::FLOAT, {2, 2, 3});
        attr_int(m.node("Softmax", {"x"}, {"y"}), "axis", 1);
        m.output("y");
        const ir::Tensor y = kernels::ref::run_graph(m.import(), {x})[0];
        REQUIRE(y.shape() == ir::Shape{2, 2, 3});
        // opset 11: each batch row of 6 sums to 1; opset 13: each column of 2 along axis 1 does.
        for (int b = 0; b < 2; ++b) {
            if (opset == 11) {
                double s = 0;
                for (int i = 0; i < 6; ++i) s += y.data<float>()[b * 6 + i];
                CHECK(s == Approx(1.0));
            } else {
                for (int k = 0; k < 3; ++k)
                    CHECK(y.data<float>()[b * 6 + k] + y.data<float>()[b * 6 + 3 + k] == Approx(1.0));
            }
        }
    }
}

TEST_CASE("onnx import: Clip bounds from attributes (opset 10) and constant inputs (opset 12)", "[ir][onnx]") {
    for (int opset : {10, 12}) {
        OnnxModel m(opset);
        m.input("x", TP::FLOAT, {4});
        auto* n = m.node("Clip", opset < 11 ? std::vector<std::string>{"x"} : std::vector<std::string>{"x", "lo", "hi"}, {"y"});
        if (opset < 11) {
            attr_float(n, "min", -1.f);
            attr_float(n, "max", 2.f);
        } else {
            m.init_f32("lo", {}, {-1.f});
            m.init_f32("hi", {}, {2.f});
        }
        m.output("y");
        const ir::Tensor y = run_engine(m.import(), {f32_tensor({4}, {-5, 0.5f, 1.5f, 9})})[0];
        CHECK(values<float>(y) == std::vector<float>{-1, 0.5f, 1.5f, 2});
    }
}

TEST_CASE("onnx import: shape ops (Reshape, Flatten, Transpose, Squeeze, Unsqueeze)", "[ir][onnx]") {
    OnnxModel m(13);
    m.input("x", TP::FLOAT, {2, 3, 1, 4});
    m.init_i64("shape", {3}, {0, -1, 2});
    m.node("Reshape", {"x", "shape"}, {"r"});               // [2, 6, 2]
    attr_ints(m.node("Transpose", {"r"}, {"t"}), "perm", {2, 0, 1});  // [2, 2, 6]
    attr_int(m.node("Flatten", {"t"}, {"f"}), "axis", -1);  // [4, 6]
    m.init_i64("axes", {2}, {0, -1});
    m.node("Unsqueeze", {"f", "axes"}, {"u"});              // [1, 4, 6, 1]
    m.init_i64("sq", {1}, {-1});
    m.node("Squeeze", {"u", "sq"}, {"s"});                  // [1, 4, 6]
    m.output("s");
    const ir::Graph g = m.import();
    CHECK(g.desc(g.node(g.results()[0]).inputs[0]).shape == ir::Shape{1, 4, 6});
    CHECK(g.node(g.find("Reshape_node")).attrs.get_bool("special_zero") == true);
}

TEST_CASE("onnx import: standalone QuantizeLinear keeps ONNX's rounding (half to even, then zero point)", "[ir][onnx]") {
    OnnxModel m(13);
    m.input("x", TP::FLOAT, {6});
    m.init_f32("s", {}, {1.f});
    m.init_int("zp", TP::UINT8, {}, {1});
    m.node("QuantizeLinear", {"x", "s", "zp"}, {"q"});
    m.output("q");
    const ir::Graph g = m.import();
    REQUIRE(count_op(g, "QuantizeLinear") == 1);
    const ir::Tensor q = run_engine(g, {f32_tensor({6}, {0.5f, 1.5f, 2.5f, -0.5f, -3.f, 300.f})})[0];
    // round(x) + 1: 0+1, 2+1, 2+1, -0+1, saturate(-3+1), saturate(301). A quantizer that adds the
    // zero point before rounding would give 2, 2, 4, 0 for the first four.
    CHECK(values<uint8_t>(q) == std::vector<uint8_t>{1, 3, 3, 1, 0, 255});
}

TEST_CASE("onnx import: per-axis DequantizeLinear of an s8 activation input", "[ir][onnx]") {
    OnnxModel m(13);
    m.input("q", TP::INT8, {2, 3});
    m.init_f32("s", {3}, {0.5f, 2.f, 0.25f});
    m.init_int("zp", TP::INT8, {3}, {0, -1, 4});
    attr_int(m.node("DequantizeLinear", {"q", "s", "zp"}, {"y"}), "axis", 1);
    m.output("y");
    ir::Tensor q(ir::ElemType::s8, {2, 3});
    const int8_t v[6] = {-128, 0, 127, 4, -1, 8};
    std::copy(v, v + 6, q.data<int8_t>());
    const ir::Tensor y = run_engine(m.import(), {q})[0];
    CHECK(values<float>(y) == std::vector<float>{-64.f, 2.f, 30.75f, 2.f, 0.f, 1.f});
}

TEST_CASE("onnx import: a QDQ Conv becomes FakeQuantize and lowers to ConvolutionI8", "[ir][onnx][qdq]") {
    OnnxModel m(13);
    m.input("x", TP::FLOAT, {1, 3, 6, 6});
    m.init_f32("xs", {}, {0.05f});
    m.init_int("xzp", TP::UINT8, {}, {128});
    m.node("QuantizeLinear", {"x", "xs", "xzp"}, {"xq"});
    m.node("DequantizeLinear", {"xq", "xs", "xzp"}, {"xd"});
    std::vector<int32_t> w(4 * 3 * 3 * 3);
    for (size_t i = 0; i < w.size(); ++i) w[i] = int32_t(i * 37 % 255) - 127;
    m.init_int("wq", TP::INT8, {4, 3, 3, 3}, w);
    m.init_f32("ws", {4}, {0.01f, 0.02f, 0.015f, 0.005f});
    m.init_int("wzp", TP::INT8, {4}, {0, 0, 0, 0});
    attr_int(m.node("DequantizeLinear", {"wq", "ws", "wzp"}, {"wd"}), "axis", 0);
    attr_ints(m.node("Conv", {"xd", "wd"}, {"c"}, "conv"), "pads", {1, 1, 1, 1});
    m.node("Relu", {"c"}, {"r"});
    m.init_f32("ys", {}, {0.1f});
    m.init_int("yzp", TP::UINT8, {}, {0});
    m.node("QuantizeLinear", {"r", "ys", "yzp"}, {"rq"});
    m.node("DequantizeLinear", {"rq", "ys", "yzp"}, {"y"});
    m.output("y");
    ir::Graph g = m.import();
    CHECK(count_op(g, "FakeQuantize") == 3);  // x, weights, output
    CHECK(count_op(g, "QuantizeLinear") == 0);
    ir::Graph lowered = g;
    engine::int8::lower(lowered);
    CHECK(count_op(lowered, "ConvolutionI8") == 1);
    CHECK(count_op(lowered, "Convolution") == 0);

    ir::Tensor x(ir::ElemType::f32, {1, 3, 6, 6});
    for (int64_t i = 0; i < x.numel(); ++i) x.data<float>()[i] = std::sin(float(i)) * 4.f;
    const ir::Tensor y = run_engine(g, {x})[0];
    const ir::Tensor y_f32 = kernels::ref::run_graph(g, {x})[0];
    REQUIRE(y.shape() == ir::Shape{1, 4, 6, 6});
    // Both on the output grid of step 0.1; the int8 path may differ by one step.
    for (int64_t i = 0; i < y.numel(); ++i) CHECK(std::fabs(y.data<float>()[i] - y_f32.data<float>()[i]) <= 0.1001f);
}

TEST_CASE("onnx import: QLinearConv with u8 weights beyond s8 is exact through the f32 path", "[ir][onnx][qoperator]") {
    for (bool u8_weights : {false, true}) {
        OnnxModel m(13);
        m.input("x", TP::UINT8, {1, 2, 3, 3});
        m.init_f32("xs", {}, {0.5f});
        m.init_int("xzp", TP::UINT8, {}, {100});
        std::vector<int32_t> w(3 * 2 * 2 * 2);
        for (size_t i = 0; i < w.size(); ++i) w[i] = u8_weights ? int32_t(i * 53 % 256) : int32_t(i * 53 % 256) - 128;
        m.init_int("w", u8_weights ? TP::UINT8 : TP::INT8, {3, 2, 2, 2}, w);
        m.init_f32("ws", {}, {0.25f});
        m.init_int("wzp", u8_weights ? TP::UINT8 : TP::INT8, {}, {u8_weights ? 3 : 0});
        m.init_f32("ys", {}, {8.f});
        m.init_int("yzp", TP::UINT8, {}, {7});
        m.init_int("b", TP::INT32, {3}, {100, -2000, 5});
        m.node("QLinearConv", {"x", "xs", "xzp", "w", "ws", "wzp", "ys", "yzp", "b"}, {"y"});
        m.output("y");
        const ir::Graph g = m.import();
        CHECK(count_op(g, "ConvolutionI8") == (u8_weights ? 0 : 1));
        ir::Tensor x(ir::ElemType::u8, {1, 2, 3, 3});
        for (int64_t i = 0; i < x.numel(); ++i) x.data<uint8_t>()[i] = uint8_t(i * 29 % 256);
        const ir::Tensor y = run_engine(g, {x})[0];
        REQUIRE(y.shape() == ir::Shape{1, 3, 2, 2});
        const int32_t bias[3] = {100, -2000, 5};
        for (int oc = 0; oc < 3; ++oc)
            for (int oy = 0; oy < 2; ++oy)
                for (int ox = 0; ox < 2; ++ox) {
                    int32_t acc = bias[oc];
                    for (int c = 0; c < 2; ++c)
                        for (int ky = 0; ky < 2; ++ky)
                            for (int kx = 0; kx < 2; ++kx)
                                acc += (x.data<uint8_t>()[(c * 3 + oy + ky) * 3 + ox + kx] - 100) *
                                       (w[size_t(((oc * 2 + c) * 2 + ky) * 2 + kx)] - (u8_weights ? 3 : 0));
                    const float v = std::nearbyint(float(acc) * (0.5f * 0.25f / 8.f)) + 7.f;
                    CHECK(int(y.data<uint8_t>()[(oc * 2 + oy) * 2 + ox]) == int(std::min(255.f, std::max(0.f, v))));
                }
    }
}

TEST_CASE("onnx import: MatMulInteger with u8 B and per-column zero points is exact", "[ir][onnx][qoperator]") {
    OnnxModel m(13);
    m.input("a", TP::UINT8, {2, 3});
    m.init_int("b", TP::UINT8, {3, 2}, {255, 0, 200, 17, 3, 128});
    m.init_int("azp", TP::UINT8, {}, {12});
    m.init_int("bzp", TP::UINT8, {2}, {1, 130});
    m.node("MatMulInteger", {"a", "b", "azp", "bzp"}, {"y"});
    m.output("y");
    ir::Tensor a(ir::ElemType::u8, {2, 3});
    const uint8_t av[6] = {0, 255, 12, 200, 1, 77};
    std::copy(av, av + 6, a.data<uint8_t>());
    const ir::Tensor y = run_engine(m.import(), {a})[0];
    REQUIRE(y.type() == ir::ElemType::s32);
    const int b[3][2] = {{255, 0}, {200, 17}, {3, 128}}, bzp[2] = {1, 130};
    for (int i = 0; i < 2; ++i)
        for (int j = 0; j < 2; ++j) {
            int32_t acc = 0;
            for (int k = 0; k < 3; ++k) acc += (av[i * 3 + k] - 12) * (b[k][j] - bzp[j]);
            CHECK(y.data<int32_t>()[i * 2 + j] == acc);
        }
}

TEST_CASE("onnx import: LayerNormalization is MVN over the trailing axes, times scale, plus bias", "[ir][onnx]") {
    OnnxModel m(17);
    m.input("x", TP::FLOAT, {2, 4});
    m.init_f32("g", {4}, {1.f, 2.f, 0.5f, -1.f});
    m.init_f32("b", {4}, {0.f, 1.f, 0.f, 3.f});
    auto* n = m.node("LayerNormalization", {"x", "g", "b"}, {"y"});
    attr_float(n, "epsilon", 1e-5f);
    m.output("y");
    const ir::Graph g = m.import();
    CHECK(count_op(g, "MVN") == 1);
    const std::vector<float> x = {1, 2, 3, 4, -2, 0, 2, 8};
    const ir::Tensor y = run_engine(g, {f32_tensor({2, 4}, x)})[0];
    const float gamma[4] = {1.f, 2.f, 0.5f, -1.f}, beta[4] = {0.f, 1.f, 0.f, 3.f};
    for (int r = 0; r < 2; ++r) {
        double mean = 0, var = 0;
        for (int i = 0; i < 4; ++i) mean += x[size_t(r * 4 + i)] / 4.0;
        for (int i = 0; i < 4; ++i) var += (x[size_t(r * 4 + i)] - mean) * (x[size_t(r * 4 + i)] - mean) / 4.0;
        for (int i = 0; i < 4; ++i)
            CHECK(y.data<float>()[r * 4 + i] ==
                  Approx((x[size_t(r * 4 + i)] - mean) / std::sqrt(var + 1e-5) * gamma[i] + beta[i]).epsilon(1e-5));
    }
}

TEST_CASE("onnx import: 1-D MaxPool and AveragePool run as 2-D over a unit axis", "[ir][onnx]") {
    for (const char* op : {"MaxPool", "AveragePool"}) {
        OnnxModel m(13);
        m.input("x", TP::FLOAT, {1, 1, 5});
        auto* n = m.node(op, {"x"}, {"y"});
        attr_ints(n, "kernel_shape", {2});
        attr_ints(n, "strides", {2});
        attr_ints(n, "pads", {0, 1});
        m.output("y");
        const ir::Tensor y = run_engine(m.import(), {f32_tensor({1, 1, 5}, {1, 5, 2, 8, 4})})[0];
        REQUIRE(y.shape() == ir::Shape{1, 1, 3});
        if (std::string(op) == "MaxPool")
            CHECK(values<float>(y) == std::vector<float>{5, 8, 4});
        else
            CHECK(values<float>(y) == std::vector<float>{3, 5, 4});  // the padded slot is not counted
    }
}

TEST_CASE("onnx import: Resize nearest with scales becomes Interpolate", "[ir][onnx]") {
    OnnxModel m(13);
    m.input("x", TP::FLOAT, {1, 1, 2, 2});
    m.init_f32("scales", {4}, {1, 1, 2, 2});
    auto* n = m.node("Resize", {"x", "", "scales"}, {"y"});
    attr_string(n, "mode", "nearest");
    attr_string(n, "coordinate_transformation_mode", "asymmetric");
    attr_string(n, "nearest_mode", "floor");
    m.output("y");
    const ir::Graph g = m.import();
    REQUIRE(count_op(g, "Interpolate") == 1);
    const ir::Tensor y = run_engine(g, {f32_tensor({1, 1, 2, 2}, {1, 2, 3, 4})})[0];
    CHECK(values<float>(y) == std::vector<float>{1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4});
}

TEST_CASE("onnx import: Identity, inference Dropout and Constant add no work", "[ir][onnx]") {
    OnnxModel m(13);
    m.input("x", TP::FLOAT, {3});
    m.node("Identity", {"x"}, {"i"});
    m.node("Dropout", {"i"}, {"d"});
    auto* c = m.node("Constant", {}, {"c"});
    auto* a = c->add_attribute();
    a->set_name("value_floats");
    a->set_type(onnx::AttributeProto::FLOATS);
    for (float v : {10.f, 20.f, 30.f}) a->add_floats(v);
    m.node("Add", {"d", "c"}, {"y"});
    m.output("y");
    const ir::Graph g = m.import();
    CHECK(g.size() == 4);  // Parameter, Constant, Add, Result
    CHECK(values<float>(run_engine(g, {f32_tensor({3}, {1, 2, 3})})[0]) == std::vector<float>{11, 22, 33});
}

TEST_CASE("onnx import: QLinearMatMul with batched B runs MatMulI8 and requantizes exactly", "[ir][onnx][qoperator]") {
    OnnxModel m(13);
    m.input("a", TP::INT8, {2, 2, 3});
    m.init_f32("as", {}, {0.5f});
    m.init_int("az", TP::INT8, {}, {-3});
    m.init_int("b", TP::INT8, {2, 3, 2}, {1, -2, 3, 4, -5, 6, 7, 8, -9, 10, 11, -12});
    m.init_f32("bs", {}, {0.25f});
    m.init_int("bz", TP::INT8, {}, {0});
    m.init_f32("ys", {}, {0.125f});
    m.init_int("yz", TP::INT8, {}, {5});
    m.node("QLinearMatMul", {"a", "as", "az", "b", "bs", "bz", "ys", "yz"}, {"y"});
    m.output("y");
    const ir::Graph g = m.import();
    CHECK(count_op(g, "MatMulI8") == 1);
    ir::Tensor a(ir::ElemType::s8, {2, 2, 3});
    const int8_t av[12] = {-128, 127, 0, 5, -3, 9, 1, 2, 3, -100, 50, 60};
    std::copy(av, av + 12, a.data<int8_t>());
    const ir::Tensor y = run_engine(g, {a})[0];
    const int b[12] = {1, -2, 3, 4, -5, 6, 7, 8, -9, 10, 11, -12};
    for (int bt = 0; bt < 2; ++bt)
        for (int i = 0; i < 2; ++i)
            for (int j = 0; j < 2; ++j) {
                int acc = 0;
                for (int k = 0; k < 3; ++k) acc += (av[bt * 6 + i * 3 + k] + 3) * b[bt * 6 + k * 2 + j];
                const float v = std::nearbyint(float(acc) * (0.5f * 0.25f / 0.125f)) + 5.f;
                CHECK(int(y.data<int8_t>()[bt * 4 + i * 2 + j]) == int(std::min(127.f, std::max(-128.f, v))));
            }
}

TEST_CASE("onnx import: the erf form of GELU becomes one Gelu node", "[ir][onnx]") {
    OnnxModel m(13);
    m.input("x", TP::FLOAT, {4});
    m.init_f32("sqrt2", {}, {1.41421356f});
    m.init_f32("one", {}, {1.f});
    m.init_f32("half", {}, {0.5f});
    m.node("Div", {"x", "sqrt2"}, {"d"});
    m.node("Erf", {"d"}, {"e"});
    m.node("Add", {"one", "e"}, {"a"});
    m.node("Mul", {"x", "a"}, {"xm"});
    m.node("Mul", {"xm", "half"}, {"y"}, "gelu");
    m.output("y");
    const ir::Graph g = m.import();
    REQUIRE(count_op(g, "Gelu") == 1);
    CHECK(g.size() == 3);  // Parameter, Gelu, Result
    const ir::Tensor y = run_engine(g, {f32_tensor({4}, {-2.f, -0.5f, 0.f, 1.5f})})[0];
    const float x[4] = {-2.f, -0.5f, 0.f, 1.5f};
    for (int i = 0; i < 4; ++i)
        CHECK(y.data<float>()[i] == Approx(0.5 * x[i] * (1 + std::erf(x[i] / std::sqrt(2.0)))).margin(1e-6));

    // A partial result read outside the pattern is named.
    OnnxModel bad = m;
    bad.g = bad.m.mutable_graph();
    bad.node("Relu", {"e"}, {"r"}, "stray");
    bad.output("r");
    expect_error<UnsupportedError>(bad, "node 'stray' (Relu): reads 'e', a partial result of Div/Erf");
}

TEST_CASE("onnx import: a graph input that is also a graph output", "[ir][onnx]") {
    OnnxModel m(13);
    m.input("x", TP::FLOAT, {2});
    m.node("Relu", {"x"}, {"y"});
    m.output("x");
    m.output("y");
    const ir::Graph g = m.import();
    const std::vector<ir::Tensor> out = run_engine(g, {f32_tensor({2}, {-1.f, 3.f})});
    CHECK(values<float>(out[0]) == std::vector<float>{-1.f, 3.f});
    CHECK(values<float>(out[1]) == std::vector<float>{0.f, 3.f});
}

TEST_CASE("onnx import: external data is read relative to the model's folder", "[ir][onnx]") {
    const fs::path dir = fs::temp_directory_path() / ("octet_onnx_ext_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const float w[4] = {1.f, 2.f, 3.f, 4.f};
    {
        std::ofstream f(dir / "weights.bin", std::ios::binary);
        f.write("pad!", 4);
        f.write(reinterpret_cast<const char*>(w), sizeof w);
    }
    OnnxModel m;
    m.input("x", TP::FLOAT, {4});
    TP* t = m.init("w", TP::FLOAT, {4});
    t->set_data_location(TP::EXTERNAL);
    auto kv = [&](const char* k, const char* v) {
        auto* e = t->add_external_data();
        e->set_key(k);
        e->set_value(v);
    };
    kv("location", "weights.bin");
    kv("offset", "4");
    kv("length", "16");
    m.node("Mul", {"x", "w"}, {"y"});
    m.output("y");
    {
        std::ofstream f(dir / "model.onnx", std::ios::binary);
        f << m.bytes();
    }
    const Model model = Model::load((dir / "model.onnx").string());
    const ir::Tensor y = run_engine(model.graph(), {f32_tensor({4}, {1, 1, 2, 0.5f})})[0];
    CHECK(values<float>(y) == std::vector<float>{1, 2, 6, 2});
    // The same bytes with the offset past the end of the file.
    t->mutable_external_data(1)->set_value("8");
    expect_error<FormatError>(m, "past the end", dir.string());
    fs::remove_all(dir);
}

// ---- malformed and unsupported input ----

OnnxModel relu_model() {
    OnnxModel m;
    m.input("x", TP::FLOAT, {1, 4});
    m.node("Relu", {"x"}, {"y"}, "relu");
    m.output("y");
    return m;
}

TEST_CASE("onnx import rejects broken protobuf bytes", "[ir][onnx][bad]") {
    const std::string good = relu_model().bytes();
    SECTION("truncated") {
        expect_call_error<FormatError>([&] { ir::import_onnx_bytes(good.data(), good.size() / 2); }, "truncated or corrupted");
    }
    SECTION("corrupted varint") {
        std::string bad = good;
        bad.insert(0, std::string("\x08\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", 12));
        expect_call_error<FormatError>([&] { ir::import_onnx_bytes(bad.data(), bad.size()); }, "not a valid ONNX ModelProto");
    }
    SECTION("empty") {
        expect_call_error<FormatError>([&] { ir::import_onnx_bytes("", 0); }, "empty input");
    }
    SECTION("missing file") {
        expect_call_error<FormatError>([&] { ir::import_onnx_file("/nonexistent/model.onnx"); }, "cannot open ONNX model '/nonexistent/model.onnx'");
    }
}

TEST_CASE("onnx import rejects malformed graphs and tensors", "[ir][onnx][bad]") {
    SECTION("wrong attribute type") {
        OnnxModel m;
        m.input("x", TP::FLOAT, {1, 1, 4, 4});
        m.output("p");
        auto* c = m.node("MaxPool", {"x"}, {"p"}, "pool");
        attr_float(c, "kernel_shape", 2.f);
        expect_error<FormatError>(m, "node 'pool' (MaxPool): attribute 'kernel_shape' has type FLOAT, expected INTS");
    }
    SECTION("dims overflow") {
        OnnxModel m = relu_model();
        m.init("big", TP::FLOAT, {int64_t(1) << 31, int64_t(1) << 31, int64_t(1) << 31});
        expect_error<FormatError>(m, "initializer 'big': shape");
    }
    SECTION("negative dims") {
        OnnxModel m = relu_model();
        m.init("neg", TP::FLOAT, {2, -3});
        expect_error<FormatError>(m, "initializer 'neg': dims[1] = -3 is negative");
    }
    SECTION("huge graph input dims") {
        OnnxModel m;
        m.input("x", TP::FLOAT, {int64_t(1) << 50});
        m.node("Relu", {"x"}, {"y"});
        m.output("y");
        expect_error<FormatError>(m, "graph input 'x': shape [1125899906842624] has more than 2^40 elements");
    }
    SECTION("negative graph input dim") {
        OnnxModel m;
        m.input("x", TP::FLOAT, {1, -4});
        m.node("Relu", {"x"}, {"y"});
        m.output("y");
        expect_error<FormatError>(m, "graph input 'x' has a negative dimension -4");
    }
    SECTION("data size does not match the shape") {
        OnnxModel m = relu_model();
        m.init_f32("w", {2, 2}, {1, 2, 3});
        expect_error<FormatError>(m, "initializer 'w' holds 3 values in float_data, its shape [2,2] needs 4");
    }
    SECTION("raw_data size does not match the shape") {
        OnnxModel m = relu_model();
        m.init("w", TP::FLOAT, {3})->set_raw_data(std::string(10, '\0'));
        expect_error<FormatError>(m, "initializer 'w' holds 2 values in raw_data");
    }
    SECTION("typed value out of range") {
        OnnxModel m = relu_model();
        m.init_int("q", TP::UINT8, {1}, {300});
        expect_error<FormatError>(m, "value 300 does not fit UINT8");
    }
    SECTION("external data escaping the folder") {
        OnnxModel m = relu_model();
        TP* t = m.init("w", TP::FLOAT, {1});
        t->set_data_location(TP::EXTERNAL);
        auto* e = t->add_external_data();
        e->set_key("location");
        e->set_value("../../etc/passwd");
        expect_error<FormatError>(m, "leaves the model's folder", fs::temp_directory_path().string());
        e->set_value("/etc/passwd");
        expect_error<FormatError>(m, "must be a relative path", fs::temp_directory_path().string());
        e->set_value("w.bin");
        expect_error<FormatError>(m, "without a base folder");
    }
    SECTION("dangling edge") {
        OnnxModel m = relu_model();
        m.node("Add", {"y", "nowhere"}, {"z"}, "add");
        expect_error<ValidationError>(m, "node 'add' (Add): input 'nowhere' is not a graph input, an initializer or any node's output");
    }
    SECTION("missing input") {
        OnnxModel m;
        m.input("x", TP::FLOAT, {1, 1, 4, 4});
        m.node("Conv", {"x"}, {"y"}, "conv");
        m.output("y");
        expect_error<ValidationError>(m, "node 'conv' (Conv): input 1 is missing");
    }
    SECTION("cycle") {
        OnnxModel m;
        m.input("x", TP::FLOAT, {4});
        m.node("Add", {"x", "b"}, {"a"}, "first");
        m.node("Relu", {"a"}, {"b"}, "second");
        m.output("b");
        expect_error<ValidationError>(m, "is part of a cycle");
    }
    SECTION("value defined twice") {
        OnnxModel m = relu_model();
        m.node("Relu", {"x"}, {"y"}, "again");
        expect_error<ValidationError>(m, "output 'y' is defined more than once");
    }
    SECTION("undefined graph output") {
        OnnxModel m = relu_model();
        m.output("ghost");
        expect_error<ValidationError>(m, "graph output 'ghost' is not defined by any node");
    }
}

TEST_CASE("onnx import names what it does not support", "[ir][onnx][bad]") {
    SECTION("op") {
        OnnxModel m = relu_model();
        m.node("LSTM", {"y"}, {"z"}, "rnn");
        expect_error<UnsupportedError>(m, "node 'rnn' (LSTM): op type 'LSTM' is not supported");
    }
    SECTION("attribute value") {
        OnnxModel m;
        m.input("x", TP::FLOAT, {1, 1, 4, 4});
        m.init_f32("w", {1, 1, 1, 1}, {1.f});
        attr_string(m.node("Conv", {"x", "w"}, {"y"}, "conv"), "auto_pad", "SAME_SIDEWAYS");
        m.output("y");
        expect_error<UnsupportedError>(m, "node 'conv' (Conv): attribute 'auto_pad' = 'SAME_SIDEWAYS' is not supported");
    }
    SECTION("unknown attribute") {
        OnnxModel m = relu_model();
        attr_int(m.g->mutable_node(0), "consumed_inputs", 1);
        expect_error<UnsupportedError>(m, "node 'relu' (Relu): attribute 'consumed_inputs' is not supported");
    }
    SECTION("non-constant shape") {
        OnnxModel m;
        m.input("x", TP::FLOAT, {2, 2});
        m.input("s", TP::INT32, {1});
        m.node("Reshape", {"x", "s"}, {"y"}, "reshape");
        m.output("y");
        expect_error<UnsupportedError>(m, "node 'reshape' (Reshape): input 1 (shape, 's') must be a constant");
    }
    SECTION("dynamic dimension") {
        OnnxModel m;
        auto* v = m.g->add_input();
        v->set_name("x");
        auto* tt = v->mutable_type()->mutable_tensor_type();
        tt->set_elem_type(TP::FLOAT);
        tt->mutable_shape()->add_dim()->set_dim_param("batch");
        m.node("Relu", {"x"}, {"y"});
        m.output("y");
        expect_error<UnsupportedError>(m, "graph input 'x' has a dynamic dimension 'batch'");
    }
    SECTION("opset") {
        OnnxModel m(18);
        m.input("x", TP::FLOAT, {4});
        m.node("Relu", {"x"}, {"y"});
        m.output("y");
        expect_error<UnsupportedError>(m, "ONNX opset 18 is not supported");
    }
    SECTION("element type") {
        OnnxModel m;
        m.input("x", TP::DOUBLE, {4});
        m.node("Relu", {"x"}, {"y"});
        m.output("y");
        expect_error<UnsupportedError>(m, "graph input 'x' has element type DOUBLE");
    }
}
