// ONNX export: small graphs written with octet's builder, exported, parsed
// back with the ONNX protobuf API (what a peer runtime reads) and, through
// octet's ONNX importer, run again: the exported model must compute what the
// original computes. FakeQuantize nodes must become QDQ with the right types,
// scales, zero points and int8 weights, or be refused with a clear error.
#include <catch2/catch.hpp>

#include <onnx/onnx_pb.h>

#include <cmath>
#include <cstring>
#include <map>

#include "ir/error.hpp"
#include "ir/export/onnx_export.hpp"
#include "ir/import/onnx_import.hpp"
#include "octet/octet.hpp"

using namespace octet;
using namespace octet::ir;

namespace {

Tensor filled(const Shape& s, float scale, float offset = 0.f, int mod = 17) {
    Tensor t(ElemType::f32, s);
    for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = float(int(i * 5 % mod) - mod / 2) * scale + offset;
    return t;
}

Tensor scalar1(float v) {
    Tensor t(ElemType::f32, {1});
    t.data<float>()[0] = v;
    return t;
}

Attributes ints_attrs(std::initializer_list<std::pair<const char*, std::vector<int64_t>>> list) {
    Attributes a;
    for (const auto& e : list) a.set(e.first, AttrValue(e.second));
    return a;
}

onnx::ModelProto parse(const std::string& bytes) {
    onnx::ModelProto m;
    REQUIRE(m.ParseFromString(bytes));
    return m;
}

std::map<std::string, int> op_counts(const onnx::ModelProto& m) {
    std::map<std::string, int> r;
    for (const onnx::NodeProto& n : m.graph().node()) ++r[n.op_type()];
    return r;
}

const onnx::TensorProto* initializer(const onnx::ModelProto& m, const std::string& name) {
    for (const onnx::TensorProto& t : m.graph().initializer())
        if (t.name() == name) return &t;
    return nullptr;
}

Tensor run(const Graph& g, const Tensor& x) {
    CompileOptions opt;
    opt.threads = 1;
    CompiledModel cm = compile(Model::from_graph(g), opt);
    InferRequest rq = cm.create_request();
    rq.set_input(size_t(0), x);
    rq.infer();
    return rq.output(size_t(0)).clone();
}

double max_abs_diff(const Tensor& a, const Tensor& b) {
    REQUIRE(a.shape() == b.shape());
    double m = 0;
    for (int64_t i = 0; i < a.numel(); ++i) m = std::max(m, double(std::fabs(a.data<float>()[i] - b.data<float>()[i])));
    return m;
}

// Conv -> Relu -> MaxPool -> (Interpolate, AvgPool, Concat) -> Transpose ->
// Reshape -> MatMul(transpose_b) + bias -> Clamp -> Unsqueeze/Squeeze -> Softmax.
Graph f32_graph() {
    Graph g;
    PortRef x = g.parameter("x", ElemType::f32, {1, 3, 8, 8});
    PortRef c = g.add("Convolution", "conv", {x, g.constant("w", filled({4, 3, 3, 3}, 0.1f))},
                      ints_attrs({{"pads_begin", {1, 1}}, {"pads_end", {1, 1}}}));
    PortRef r = g.add("Relu", "relu", {c});
    PortRef mp = g.add("MaxPool", "mp", {r}, ints_attrs({{"kernel", {2, 2}}, {"strides", {2, 2}}}));
    Attributes up;
    up.set("mode", "nearest");
    up.set("sizes", AttrValue(std::vector<int64_t>{8, 8}));
    PortRef it = g.add("Interpolate", "up", {mp}, up);
    Attributes ap = ints_attrs({{"kernel", {3, 3}}, {"pads_begin", {1, 1}}, {"pads_end", {1, 1}}});
    ap.set("exclude_pad", true);
    PortRef avg = g.add("AvgPool", "avg", {r}, ap);
    Attributes cat;
    cat.set("axis", 1);
    PortRef cc = g.add("Concat", "cat", {it, avg}, cat);
    PortRef tr = g.add("Transpose", "tr", {cc}, ints_attrs({{"order", {0, 2, 3, 1}}}));
    PortRef rs = g.add("Reshape", "rs", {tr}, ints_attrs({{"shape", {0, -1}}}));
    Attributes mm;
    mm.set("transpose_b", true);
    PortRef fc = g.add("MatMul", "fc", {rs, g.constant("fc_w", filled({10, 512}, 0.01f))}, mm);
    PortRef b = g.add("Add", "fc_bias", {fc, g.constant("fc_b", filled({1, 10}, 0.5f))});
    Attributes cl;
    cl.set("min", -3.f);
    cl.set("max", 3.f);
    PortRef clamp = g.add("Clamp", "clamp", {b}, cl);
    PortRef un = g.add("Unsqueeze", "un", {clamp}, ints_attrs({{"axes", {0}}}));
    PortRef sq = g.add("Squeeze", "sq", {un}, ints_attrs({{"axes", {0}}}));
    Attributes sm;
    sm.set("axis", 1);
    g.result("prob", g.add("Softmax", "softmax", {sq}, sm));
    g.infer();
    return g;
}

PortRef fq(Graph& g, const std::string& name, PortRef x, float lo, float hi, int levels, float olo, float ohi) {
    Attributes a;
    a.set("levels", levels);
    return g.add("FakeQuantize", name,
                 {x, g.constant(name + "/il", scalar1(lo)), g.constant(name + "/ih", scalar1(hi)),
                  g.constant(name + "/ol", scalar1(olo)), g.constant(name + "/oh", scalar1(ohi))},
                 a);
}

// x -> FQ(s8-style) -> Conv(FQ per-channel weights) -> Relu -> FQ(u8) -> Result
Graph fq_graph(int act_levels = 256, float out_hi = 4.f, float in_lo = -2.f) {
    Graph g;
    PortRef x = g.parameter("x", ElemType::f32, {1, 4, 6, 6});
    PortRef a = fq(g, "fq_in", x, in_lo, -in_lo * 127.f / 128.f, act_levels, in_lo, -in_lo * 127.f / 128.f);
    Tensor lo(ElemType::f32, {8, 1, 1, 1}), hi(ElemType::f32, {8, 1, 1, 1});
    for (int c = 0; c < 8; ++c) {
        hi.data<float>()[c] = 0.1f + 0.05f * float(c);
        lo.data<float>()[c] = -hi.data<float>()[c];
    }
    Attributes wl;
    wl.set("levels", 255);
    PortRef w = g.add("FakeQuantize", "fq_w",
                      {g.constant("w", filled({8, 4, 3, 3}, 0.02f, 0.f, 23)), g.constant("w_lo", lo),
                       g.constant("w_hi", hi), g.constant("w_olo", lo), g.constant("w_ohi", hi)},
                      wl);
    PortRef c = g.add("Convolution", "conv", {a, w}, ints_attrs({{"pads_begin", {1, 1}}, {"pads_end", {1, 1}}}));
    PortRef r = g.add("Relu", "relu", {c});
    g.result("y", fq(g, "fq_out", r, 0.f, out_hi, 256, 0.f, 4.f));
    g.infer();
    return g;
}

}  // namespace

TEST_CASE("onnx export: an f32 graph parses as opset 17 and computes the same", "[ir][onnx_export]") {
    const Graph g = f32_graph();
    const std::string bytes = export_onnx_bytes(g);
    const onnx::ModelProto m = parse(bytes);
    REQUIRE(m.opset_import_size() == 1);
    CHECK(m.opset_import(0).version() == 17);
    REQUIRE(m.graph().input_size() == 1);
    CHECK(m.graph().input(0).name() == "x");
    CHECK(m.graph().input(0).type().tensor_type().shape().dim(3).dim_value() == 8);
    REQUIRE(m.graph().output_size() == 1);
    CHECK(m.graph().output(0).name() == "prob");
    const auto ops = op_counts(m);
    for (const char* op : {"Conv", "Relu", "MaxPool", "Resize", "AveragePool", "Concat", "Transpose", "Reshape",
                           "MatMul", "Add", "Clip", "Unsqueeze", "Squeeze", "Softmax"})
        CHECK(ops.count(op) == 1);
    CHECK(ops.at("Transpose") == 1);  // transpose_b on a Constant transposes the initializer instead
    CHECK(initializer(m, "w") != nullptr);

    const Graph back = import_onnx_bytes(bytes.data(), bytes.size());
    const Tensor x = filled({1, 3, 8, 8}, 0.25f);
    CHECK(max_abs_diff(run(g, x), run(back, x)) <= 1e-6);
}

TEST_CASE("onnx export: MVN becomes LayerNormalization or its decomposition, Gelu its erf form",
          "[ir][onnx_export]") {
    Graph g;
    PortRef x = g.parameter("x", ElemType::f32, {2, 16});
    Attributes mvn;
    mvn.set("axes", AttrValue(std::vector<int64_t>{1}));
    mvn.set("normalize_variance", true);
    mvn.set("eps", 1e-5f);
    mvn.set("eps_mode", "inside_sqrt");
    PortRef n = g.add("MVN", "ln", {x}, mvn);
    Attributes outside = mvn;  // eps outside the sqrt: no LayerNormalization form
    outside.set("eps_mode", "outside_sqrt");
    PortRef n2 = g.add("MVN", "mvn_outside", {n}, outside);
    g.result("y", g.add("Gelu", "gelu", {n2}));
    g.infer();
    const onnx::ModelProto m = parse(export_onnx_bytes(g));
    const auto ops = op_counts(m);
    CHECK(ops.at("LayerNormalization") == 1);
    CHECK(ops.at("ReduceMean") == 2);
    CHECK(ops.at("Sqrt") == 1);
    CHECK(ops.at("Div") == 2);  // the decomposition's and Gelu's x / sqrt(2)
    CHECK(ops.at("Erf") == 1);
    CHECK(ops.count("MVN") == 0);
}

TEST_CASE("onnx export: FakeQuantize becomes QDQ with int8 weights", "[ir][onnx_export]") {
    const Graph g = fq_graph();
    const std::string bytes = export_onnx_bytes(g);
    const onnx::ModelProto m = parse(bytes);
    const auto ops = op_counts(m);
    CHECK(ops.at("QuantizeLinear") == 2);    // the two activation FakeQuantize
    CHECK(ops.at("DequantizeLinear") == 3);  // + the weights
    CHECK(ops.count("FakeQuantize") == 0);

    // Activations: s8 for the signed input (zero point 0), u8 after ReLU.
    const onnx::TensorProto* zin = initializer(m, "fq_in/zero_point");
    REQUIRE(zin);
    CHECK(zin->data_type() == onnx::TensorProto_DataType_INT8);
    CHECK(zin->raw_data() == std::string(1, '\0'));
    const onnx::TensorProto* sin = initializer(m, "fq_in/scale");
    REQUIRE(sin);
    float s;
    std::memcpy(&s, sin->raw_data().data(), 4);
    CHECK(s == Approx(2.f / 128.f).epsilon(1e-6));
    const onnx::TensorProto* zout = initializer(m, "fq_out/zero_point");
    REQUIRE(zout);
    CHECK(zout->data_type() == onnx::TensorProto_DataType_UINT8);

    // Weights: int8 level indices, one scale per output channel (axis 0).
    const onnx::TensorProto* q = initializer(m, "fq_w/quantized");
    REQUIRE(q);
    CHECK(q->data_type() == onnx::TensorProto_DataType_INT8);
    CHECK(q->raw_data().size() == 8 * 4 * 3 * 3);
    const onnx::TensorProto* ws = initializer(m, "fq_w/scale");
    REQUIRE(ws);
    CHECK(ws->dims_size() == 1);
    CHECK(ws->dims(0) == 8);
    const Tensor& w = g.node(g.find("w")).value;
    const Tensor& hi = g.node(g.find("w_hi")).value;
    for (int64_t i = 0; i < w.numel(); ++i) {
        const float h = hi.data<float>()[i / 36];
        const float v = std::min(std::max(w.data<float>()[i], -h), h);
        const int want = int(std::nearbyint((v + h) / (2 * h) * 254.f)) - 127;
        INFO("weight " << i);
        REQUIRE(int(int8_t(q->raw_data()[size_t(i)])) == want);
    }
    for (const onnx::NodeProto& n : m.graph().node())
        if (n.op_type() == "DequantizeLinear" && n.input(0) == "fq_w/quantized") {
            REQUIRE(n.attribute_size() == 1);
            CHECK(n.attribute(0).name() == "axis");
            CHECK(n.attribute(0).i() == 0);
        }

    // Imported back, it runs as int8 and gives what the original gives.
    const Graph back = import_onnx_bytes(bytes.data(), bytes.size());
    const Tensor x = filled({1, 4, 6, 6}, 0.13f);
    const Tensor a = run(g, x), b = run(back, x);
    CHECK(max_abs_diff(a, b) <= 4.0 / 255 + 1e-6);  // at most one step, on exact ties only
}

TEST_CASE("onnx export: FakeQuantize without an exact QDQ form is refused", "[ir][onnx_export][errors]") {
    auto expect_unsupported = [](const Graph& g, const std::string& fragment) {
        try {
            export_onnx_bytes(g);
            FAIL("no exception; expected '" << fragment << "'");
        } catch (const UnsupportedError& e) {
            INFO(e.what());
            CHECK(std::string(e.what()).find(fragment) != std::string::npos);
        }
    };
    expect_unsupported(fq_graph(16), "node 'fq_in' (FakeQuantize): levels 16 on an activation");
    {
        Graph g;
        PortRef x = g.parameter("x", ElemType::f32, {1, 4});
        g.result("y", fq(g, "fq", x, 0.f, 1.f, 256, 0.f, 2.f));
        g.infer();
        expect_unsupported(g, "node 'fq' (FakeQuantize): output range [0.000000, 2.000000] differs from input range");
    }
    {
        Graph g;
        PortRef x = g.parameter("x", ElemType::f32, {1, 4});
        g.result("y", fq(g, "fq", x, -0.3f, 1.f, 256, -0.3f, 1.f));  // -il/scale = 58.8...
        g.infer();
        expect_unsupported(g, "node 'fq' (FakeQuantize): zero point");
    }
    {
        Graph g;
        PortRef x = g.parameter("x", ElemType::f32, {1, 4});
        Attributes a;
        a.set("destination_type", "u8");
        a.set("scale", AttrValue(std::vector<double>{1.0}));
        a.set("shift", AttrValue(std::vector<double>{0.0}));
        g.result("y", g.add("Quantize", "q", {x}, a));
        g.infer();
        expect_unsupported(g, "node 'q' (Quantize): op Quantize has no ONNX export");
    }
}

TEST_CASE("onnx export: export_onnx writes a file and reports an unwritable path", "[ir][onnx_export]") {
    const Graph g = f32_graph();
    const std::string path = std::string(OCTET_BINARY_DIR) + "/onnx_export_test.onnx";
    export_onnx(g, path);
    const Graph back = import_onnx_file(path);
    CHECK(back.results().size() == 1);
    std::remove(path.c_str());
    CHECK_THROWS_AS(export_onnx(g, "/nonexistent-dir/x.onnx"), ArgumentError);
}
