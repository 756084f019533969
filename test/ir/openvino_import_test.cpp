// OpenVINO IR import: small IRs written here (XML text + .bin bytes), one per
// layer type, checked against the octet graph they must become; a
// FakeQuantize model that must run as int8 JIT convolution; and malformed
// files, each rejected with the right error class and a message naming the
// layer or the part of the file that is wrong.
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>

#include "ir/error.hpp"
#include "ir/import/openvino_import.hpp"
#include "octet/octet.hpp"

using namespace octet;
using namespace octet::ir;

namespace {

// Writes an IR the way OpenVINO's serializer lays it out: input ports numbered
// from 0, output ports after them, constants appended to the .bin.
struct IrText {
    struct Layer {
        int inputs, outputs;
    };
    std::string layers, edges;
    std::vector<uint8_t> bin;
    std::map<int, Layer> ports;
    int next_id = 0;
    int version = 11;

    int layer(const std::string& type, const std::string& name, const std::string& data, int inputs, int outputs,
              const std::string& opset = "opset1", const std::string& out_precision = "FP32") {
        const int id = next_id++;
        layers += "<layer id=\"" + std::to_string(id) + "\" name=\"" + name + "\" type=\"" + type +
                  "\" version=\"" + opset + "\">";
        if (!data.empty()) layers += "<data " + data + "/>";
        if (inputs) {
            layers += "<input>";
            for (int i = 0; i < inputs; ++i) layers += "<port id=\"" + std::to_string(i) + "\"/>";
            layers += "</input>";
        }
        if (outputs) {
            layers += "<output>";
            for (int i = 0; i < outputs; ++i)
                layers += "<port id=\"" + std::to_string(inputs + i) + "\" precision=\"" + out_precision + "\"/>";
            layers += "</output>";
        }
        layers += "</layer>\n";
        ports[id] = {inputs, outputs};
        return id;
    }
    int param(const std::string& name, const std::string& shape, const std::string& type = "f32") {
        return layer("Parameter", name, "element_type=\"" + type + "\" shape=\"" + shape + "\"", 0, 1);
    }
    int konst_bytes(const std::string& name, const std::string& type, const std::string& shape,
                    const void* bytes, size_t n) {
        const size_t offset = bin.size();
        bin.insert(bin.end(), static_cast<const uint8_t*>(bytes), static_cast<const uint8_t*>(bytes) + n);
        return layer("Const", name,
                     "element_type=\"" + type + "\" shape=\"" + shape + "\" offset=\"" + std::to_string(offset) +
                         "\" size=\"" + std::to_string(n) + "\"",
                     0, 1);
    }
    int f32(const std::string& name, const std::string& shape, const std::vector<float>& v) {
        return konst_bytes(name, "f32", shape, v.data(), v.size() * 4);
    }
    int i64(const std::string& name, const std::string& shape, const std::vector<int64_t>& v) {
        return konst_bytes(name, "i64", shape, v.data(), v.size() * 8);
    }
    void edge(int from, int to, int to_input, int from_output = 0) {
        edges += "<edge from-layer=\"" + std::to_string(from) + "\" from-port=\"" +
                 std::to_string(ports[from].inputs + from_output) + "\" to-layer=\"" + std::to_string(to) +
                 "\" to-port=\"" + std::to_string(to_input) + "\"/>\n";
    }
    // A layer fed by `inputs` (in order), returns its id.
    int op(const std::string& type, const std::string& name, const std::string& data, std::vector<int> inputs,
           const std::string& opset = "opset1", int outputs = 1) {
        const int id = layer(type, name, data, int(inputs.size()), outputs, opset);
        for (size_t i = 0; i < inputs.size(); ++i) edge(inputs[i], id, int(i));
        return id;
    }
    int result(int from, const std::string& name = "out") { return op("Result", name, "", {from}, "opset1", 0); }
    std::string xml() const {
        return "<?xml version=\"1.0\"?>\n<net name=\"test\" version=\"" + std::to_string(version) +
               "\">\n<layers>\n" + layers + "</layers>\n<edges>\n" + edges + "</edges>\n</net>\n";
    }
    Graph import() const { return import_openvino_buffers(xml(), bin.data(), bin.size()); }
};

const Node& node_named(const Graph& g, const std::string& name) {
    const int i = g.find(name);
    INFO("node " << name);
    REQUIRE(i >= 0);
    return g.node(i);
}

const Node& producer(const Graph& g, const Node& n, size_t input) { return g.node(n.inputs.at(input).node); }

template <class E, class F> void expect_error(F&& f, const std::string& fragment) {
    try {
        f();
        FAIL("no exception; expected one containing '" << fragment << "'");
    } catch (const E& e) {
        INFO("message: " << e.what());
        CHECK(std::string(e.what()).find(fragment) != std::string::npos);
    }
}

std::vector<float> ramp(size_t n, float scale, float offset = 0) {
    std::vector<float> v(n);
    for (size_t i = 0; i < n; ++i) v[i] = float(int(i % 13) - 6) * scale + offset;
    return v;
}

Tensor run(const Graph& g, const Tensor& x, std::vector<PerfCounter>* counters = nullptr) {
    CompileOptions opt;
    opt.threads = 1;
    CompiledModel cm = compile(Model::from_graph(g), opt);
    InferRequest rq = cm.create_request();
    rq.set_input(size_t(0), x);
    rq.infer();
    if (counters) *counters = rq.perf_counters();
    return rq.output(size_t(0)).clone();
}

Tensor input_tensor(const Shape& s, float scale) {
    Tensor t(ElemType::f32, s);
    for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = float(int(i * 7 % 23) - 11) * scale;
    return t;
}

}  // namespace

TEST_CASE("openvino import: Parameter -> ReLU -> Result", "[ir][openvino]") {
    IrText ir;
    const int x = ir.param("x", "1,3,4,4");
    ir.result(ir.op("ReLU", "relu", "", {x}));
    const Graph g = ir.import();
    REQUIRE(g.size() == 3);
    CHECK(node_named(g, "x").op == "Parameter");
    CHECK(node_named(g, "x").outputs[0] == TensorDesc{ElemType::f32, {1, 3, 4, 4}});
    CHECK(node_named(g, "relu").op == "Relu");
    CHECK(node_named(g, "out").op == "Result");
}

TEST_CASE("openvino import: Convolution with bias Add, computed like the same octet graph", "[ir][openvino]") {
    IrText ir;
    const int x = ir.param("x", "1,2,5,5");
    const std::vector<float> wv = ramp(3 * 2 * 3 * 3, 0.25f), bv = {0.5f, -1.f, 2.f};
    const int w = ir.f32("w", "3,2,3,3", wv);
    const int conv = ir.op("Convolution", "conv",
                           "strides=\"2,2\" dilations=\"1,1\" pads_begin=\"1,1\" pads_end=\"1,1\" auto_pad=\"explicit\"",
                           {x, w});
    const int b = ir.f32("b", "1,3,1,1", bv);
    ir.result(ir.op("Add", "bias", "auto_broadcast=\"numpy\"", {conv, b}));
    const Graph g = ir.import();
    const Node& c = node_named(g, "conv");
    CHECK(c.op == "Convolution");
    CHECK(c.attrs.get_ints("strides") == std::vector<int64_t>{2, 2});
    CHECK(c.attrs.get_ints("pads_begin") == std::vector<int64_t>{1, 1});
    CHECK(c.outputs[0].shape == Shape{1, 3, 3, 3});
    CHECK(producer(g, c, 1).op == "Constant");
    CHECK(producer(g, c, 1).value.shape() == Shape{3, 2, 3, 3});
    CHECK(std::memcmp(producer(g, c, 1).value.raw(), wv.data(), wv.size() * 4) == 0);

    // The same model written with octet's builder computes the same numbers.
    Graph ref;
    Tensor wt(ElemType::f32, {3, 2, 3, 3}), bt(ElemType::f32, {1, 3, 1, 1});
    std::memcpy(wt.raw(), wv.data(), wv.size() * 4);
    std::memcpy(bt.raw(), bv.data(), bv.size() * 4);
    Attributes a;
    a.set("strides", AttrValue(std::vector<int64_t>{2, 2}));
    a.set("pads_begin", AttrValue(std::vector<int64_t>{1, 1}));
    a.set("pads_end", AttrValue(std::vector<int64_t>{1, 1}));
    PortRef y = ref.add("Convolution", "conv", {ref.parameter("x", ElemType::f32, {1, 2, 5, 5}), ref.constant("w", wt)}, a);
    ref.result("out", ref.add("Add", "bias", {y, ref.constant("b", bt)}));
    const Tensor in = input_tensor({1, 2, 5, 5}, 0.5f);
    CHECK(run(g, in).equals(run(ref, in)));
}

TEST_CASE("openvino import: GroupConvolution weights become grouped octet weights", "[ir][openvino]") {
    IrText ir;
    const int x = ir.param("x", "1,4,6,6");
    const std::vector<float> wv = ramp(4 * 1 * 1 * 3 * 3, 0.5f);
    const int w = ir.f32("w", "4,1,1,3,3", wv);
    ir.result(ir.op("GroupConvolution", "dw", "strides=\"1,1\" dilations=\"1,1\" pads_begin=\"1,1\" pads_end=\"1,1\"",
                    {x, w}));
    const Graph g = ir.import();
    const Node& c = node_named(g, "dw");
    CHECK(c.op == "Convolution");
    CHECK(c.attrs.get_int("group") == 4);
    CHECK(producer(g, c, 1).value.shape() == Shape{4, 1, 3, 3});
    CHECK(std::memcmp(producer(g, c, 1).value.raw(), wv.data(), wv.size() * 4) == 0);
    CHECK(c.outputs[0].shape == Shape{1, 4, 6, 6});
}

TEST_CASE("openvino import: MatMul, Multiply, Subtract, Clamp, SoftMax", "[ir][openvino]") {
    IrText ir;
    const int x = ir.param("x", "2,8");
    const int w = ir.f32("w", "4,8", ramp(32, 0.1f));
    const int mm = ir.op("MatMul", "fc", "transpose_a=\"false\" transpose_b=\"true\"", {x, w});
    const int s = ir.f32("s", "1", {2.f});
    const int mul = ir.op("Multiply", "mul", "auto_broadcast=\"numpy\"", {mm, s});
    const int sub = ir.op("Subtract", "sub", "auto_broadcast=\"numpy\"", {mul, s});
    const int cl = ir.op("Clamp", "clamp", "min=\"-1.5\" max=\"6\"", {sub});
    ir.result(ir.op("SoftMax", "sm", "axis=\"1\"", {cl}, "opset8"));
    const Graph g = ir.import();
    CHECK(node_named(g, "fc").attrs.get_bool("transpose_b"));
    CHECK(node_named(g, "fc").outputs[0].shape == Shape{2, 4});
    CHECK(node_named(g, "mul").op == "Multiply");
    CHECK(node_named(g, "sub").op == "Subtract");
    CHECK(node_named(g, "clamp").attrs.get_float("min") == -1.5);
    CHECK(node_named(g, "clamp").attrs.get_float("max") == 6.0);
    CHECK(node_named(g, "sm").op == "Softmax");
    CHECK(node_named(g, "sm").attrs.get_int("axis") == 1);
    // The one Const read twice becomes one Constant node.
    CHECK(node_named(g, "mul").inputs[1] == node_named(g, "sub").inputs[1]);
}

TEST_CASE("openvino import: pools keep their window attributes", "[ir][openvino]") {
    IrText ir;
    const int x = ir.param("x", "1,2,7,7");
    const int mp = ir.op("MaxPool", "mp",
                         "strides=\"2,2\" pads_begin=\"0,0\" pads_end=\"1,1\" kernel=\"3,3\" rounding_type=\"ceil\" "
                         "auto_pad=\"explicit\" dilations=\"1,1\"",
                         {x}, "opset8", 2);
    const int ap = ir.op("AvgPool", "ap",
                         "strides=\"1,1\" pads_begin=\"1,1\" pads_end=\"1,1\" kernel=\"3,3\" exclude-pad=\"true\" "
                         "rounding_type=\"floor\"",
                         {mp});
    ir.result(ap);
    const Graph g = ir.import();
    const Node& m = node_named(g, "mp");
    CHECK(m.op == "MaxPool");
    CHECK(m.attrs.get_string("rounding_type") == "ceil");
    CHECK(m.outputs[0].shape == Shape{1, 2, 4, 4});
    const Node& a = node_named(g, "ap");
    CHECK(a.attrs.get_bool("exclude_pad"));
    CHECK(a.attrs.get_ints("kernel") == std::vector<int64_t>{3, 3});
}

TEST_CASE("openvino import: shape layers read their Const inputs as attributes", "[ir][openvino]") {
    IrText ir;
    const int x = ir.param("x", "1,2,3,4");
    const int order = ir.i64("order", "4", {0, 2, 3, 1});
    const int tr = ir.op("Transpose", "tr", "", {x, order});
    const int shape = ir.i64("shape", "3", {0, 12, -1});
    const int rs = ir.op("Reshape", "rs", "special_zero=\"true\"", {tr, shape});
    const int ax = ir.i64("ax", "1", {0});
    const int un = ir.op("Unsqueeze", "un", "", {rs, ax});
    const int sq = ir.op("Squeeze", "sq", "", {un, ax});
    const int other = ir.param("y", "1,12,2");
    ir.result(ir.op("Concat", "cat", "axis=\"-1\"", {sq, other}));
    const Graph g = ir.import();
    CHECK(node_named(g, "tr").attrs.get_ints("order") == std::vector<int64_t>{0, 2, 3, 1});
    CHECK(node_named(g, "rs").attrs.get_ints("shape") == std::vector<int64_t>{0, 12, -1});
    CHECK(node_named(g, "rs").outputs[0].shape == Shape{1, 12, 2});
    CHECK(node_named(g, "un").outputs[0].shape == Shape{1, 1, 12, 2});
    CHECK(node_named(g, "sq").outputs[0].shape == Shape{1, 12, 2});
    CHECK(node_named(g, "cat").outputs[0].shape == Shape{1, 12, 4});
    // Consts read only as attributes leave no Constant nodes behind.
    for (const Node& n : g.nodes()) CHECK(n.op != "Constant");
}

TEST_CASE("openvino import: Interpolate-4 and -11 over H and W", "[ir][openvino]") {
    IrText ir;
    const int x = ir.param("x", "1,2,3,4");
    const int sizes = ir.i64("sizes", "2", {6, 8});
    const int scales = ir.f32("scales", "2", {2.f, 2.f});
    const int axes = ir.i64("axes", "2", {2, 3});
    const int up = ir.op("Interpolate", "up",
                         "mode=\"nearest\" shape_calculation_mode=\"sizes\" coordinate_transformation_mode=\"asymmetric\" "
                         "nearest_mode=\"floor\" antialias=\"false\" pads_begin=\"0,0,0,0\" pads_end=\"0,0,0,0\"",
                         {x, sizes, scales, axes}, "opset4");
    const int up2 = ir.op("Interpolate", "up2",
                          "mode=\"linear_onnx\" shape_calculation_mode=\"scales\" "
                          "coordinate_transformation_mode=\"half_pixel\"",
                          {up, scales, axes}, "opset11");
    ir.result(up2);
    const Graph g = ir.import();
    CHECK(node_named(g, "up").attrs.get_ints("sizes") == std::vector<int64_t>{6, 8});
    CHECK(node_named(g, "up").attrs.get_string("nearest_mode") == "floor");
    CHECK(node_named(g, "up2").attrs.get_string("mode") == "linear");
    CHECK(node_named(g, "up2").attrs.get_floats("scales") == std::vector<double>{2.0, 2.0});
    CHECK(node_named(g, "up2").outputs[0].shape == Shape{1, 2, 12, 16});
}

TEST_CASE("openvino import: MVN-6 and Convert (folded for constants)", "[ir][openvino]") {
    IrText ir;
    const int x = ir.param("x", "1,4,8");
    const int axes = ir.i64("axes", "1", {2});
    const int mvn = ir.op("MVN", "mvn", "normalize_variance=\"true\" eps=\"1e-05\" eps_mode=\"inside_sqrt\"",
                          {x, axes}, "opset6");
    const int8_t wb[8] = {1, -2, 3, -4, 5, -6, 7, -8};
    const int w8 = ir.konst_bytes("w8", "i8", "1,1,8", wb, 8);
    const int wf = ir.op("Convert", "wcvt", "destination_type=\"f32\"", {w8});
    const int mul = ir.op("Multiply", "mul", "", {mvn, wf});
    ir.result(ir.op("Convert", "tou8", "destination_type=\"u8\"", {mul}));
    const Graph g = ir.import();
    CHECK(node_named(g, "mvn").attrs.get_ints("axes") == std::vector<int64_t>{2});
    CHECK(node_named(g, "mvn").attrs.get_string("eps_mode") == "inside_sqrt");
    const Node& folded = producer(g, node_named(g, "mul"), 1);
    REQUIRE(folded.op == "Constant");
    REQUIRE(folded.value.type() == ElemType::f32);
    CHECK(folded.value.data<float>()[7] == -8.f);
    CHECK(node_named(g, "tou8").op == "Convert");
    CHECK(node_named(g, "tou8").outputs[0].type == ElemType::u8);
}

TEST_CASE("openvino import: compressed weights (i8 -> Convert -> Subtract -> Multiply) fold to one Constant",
          "[ir][openvino]") {
    IrText ir;
    const int x = ir.param("x", "1,2,4,4");
    const int8_t wb[4 * 2] = {1, -2, 3, -4, 5, -6, 7, -8};
    const int w8 = ir.konst_bytes("w8", "i8", "4,2,1,1", wb, sizeof wb);
    const int wf = ir.op("Convert", "w_f32", "destination_type=\"f32\"", {w8});
    const int zp = ir.f32("zp", "4,1,1,1", {1.f, 0.f, -1.f, 2.f});
    const int centered = ir.op("Subtract", "w_centered", "", {wf, zp});
    const int scale = ir.f32("scale", "4,1,1,1", {0.5f, 0.25f, 2.f, 1.f});
    const int w = ir.op("Multiply", "w_scaled", "", {centered, scale});
    ir.result(ir.op("Convolution", "conv", "strides=\"1,1\" pads_begin=\"0,0\" pads_end=\"0,0\"", {x, w}));
    const Graph g = ir.import();
    const Node& weights = producer(g, node_named(g, "conv"), 1);
    REQUIRE(weights.op == "Constant");
    REQUIRE(weights.value.shape() == Shape{4, 2, 1, 1});
    const float want[8] = {0.f, -1.5f, 0.75f, -1.f, 12.f, -10.f, 5.f, -10.f};  // (w - zp[oc]) * scale[oc]
    for (int i = 0; i < 8; ++i) CHECK(weights.value.data<float>()[i] == want[i]);
    CHECK(g.size() == 4);  // x, the folded weights, conv, out
}

TEST_CASE("openvino import: f16 constants are widened exactly", "[ir][openvino]") {
    IrText ir;
    const int x = ir.param("x", "1,4");
    const uint16_t h[4] = {0x3c00, 0xc000, 0x0001, 0x7bff};  // 1, -2, 2^-24, 65504
    const int c = ir.konst_bytes("h", "f16", "1,4", h, sizeof h);
    ir.result(ir.op("Add", "add", "", {x, c}));
    const Graph g = ir.import();
    const Tensor& v = producer(g, node_named(g, "add"), 1).value;
    CHECK(v.data<float>()[0] == 1.f);
    CHECK(v.data<float>()[1] == -2.f);
    CHECK(v.data<float>()[2] == std::ldexp(1.f, -24));
    CHECK(v.data<float>()[3] == 65504.f);
}

namespace {

// x -> FQ(u8) -> Convolution(FQ(i8 weights)) -> bias -> ReLU -> FQ -> Result,
// the pattern NNCF writes and the LPT turns into one int8 convolution.
IrText fq_conv_ir() {
    IrText ir;
    const int x = ir.param("x", "1,8,10,10");
    auto scalar = [&](const std::string& n, float v) { return ir.f32(n, "1,1,1,1", {v}); };
    const int lo = scalar("in_lo", 0.f), hi = scalar("in_hi", 2.55f);
    const int fq_in = ir.op("FakeQuantize", "fq_in", "levels=\"256\" auto_broadcast=\"numpy\"", {x, lo, hi, lo, hi});
    const int w = ir.f32("w", "16,8,3,3", ramp(16 * 8 * 9, 0.01f));
    const int wlo = ir.f32("w_lo", "16,1,1,1", std::vector<float>(16, -0.0635f));
    const int whi = ir.f32("w_hi", "16,1,1,1", std::vector<float>(16, 0.0635f));
    const int fq_w = ir.op("FakeQuantize", "fq_w", "levels=\"255\"", {w, wlo, whi, wlo, whi});
    const int conv = ir.op("Convolution", "conv",
                           "strides=\"1,1\" dilations=\"1,1\" pads_begin=\"1,1\" pads_end=\"1,1\" auto_pad=\"explicit\"",
                           {fq_in, fq_w});
    const int bias = ir.f32("bias", "1,16,1,1", ramp(16, 0.05f));
    const int add = ir.op("Add", "conv/bias", "", {conv, bias});
    const int relu = ir.op("ReLU", "relu", "", {add});
    const int olo = scalar("out_lo", 0.f), ohi = scalar("out_hi", 4.f);
    const int fq_out = ir.op("FakeQuantize", "fq_out", "levels=\"256\"", {relu, olo, ohi, olo, ohi});
    ir.result(fq_out);
    return ir;
}

}  // namespace

TEST_CASE("openvino import: a FakeQuantize convolution runs as int8 JIT", "[ir][openvino]") {
    const Graph g = fq_conv_ir().import();
    std::vector<PerfCounter> counters;
    const Tensor y = run(g, input_tensor({1, 8, 10, 10}, 0.1f), &counters);
    CHECK(y.shape() == Shape{1, 16, 10, 10});
    bool conv_seen = false;
    for (const PerfCounter& pc : counters) {
        INFO(pc.layer_name << " " << pc.exec_status << " " << pc.exec_type);
        if (pc.layer_name == "conv") {
            conv_seen = true;
            CHECK(pc.exec_status == "EXECUTED");
            CHECK(pc.exec_type.rfind("jit_", 0) == 0);
            CHECK(pc.exec_type.substr(pc.exec_type.size() - 3) == "_I8");
        }
        if (pc.layer_name == "relu" || pc.layer_name == "fq_w") CHECK(pc.exec_status == "NOT_RUN");
    }
    CHECK(conv_seen);
    // The LPT turned it into one ConvolutionI8 (bias, ReLU and requantization fused).
    const CompiledModel cm = compile(Model::from_graph(g));
    int i8 = 0;
    for (const Node& n : cm.graph().nodes()) i8 += n.op == "ConvolutionI8";
    CHECK(i8 == 1);
}

TEST_CASE("openvino import: GroupConvolution with FakeQuantize weights stays int8", "[ir][openvino]") {
    IrText ir;
    const int x = ir.param("x", "1,4,6,6");
    const int lo = ir.f32("lo", "1,1,1,1", {0.f}), hi = ir.f32("hi", "1,1,1,1", {2.55f});
    const int fq_in = ir.op("FakeQuantize", "fq_in", "levels=\"256\"", {x, lo, hi, lo, hi});
    const int w = ir.f32("w", "4,1,1,3,3", ramp(36, 0.02f));
    const int wlo = ir.f32("w_lo", "4,1,1,1,1", {-0.127f, -0.254f, -0.127f, -0.254f});
    const int whi = ir.f32("w_hi", "4,1,1,1,1", {0.127f, 0.254f, 0.127f, 0.254f});
    const int fq_w = ir.op("FakeQuantize", "fq_w", "levels=\"255\"", {w, wlo, whi, wlo, whi});
    const int conv = ir.op("GroupConvolution", "dw", "strides=\"1,1\" pads_begin=\"1,1\" pads_end=\"1,1\"", {fq_in, fq_w});
    const int olo = ir.f32("olo", "1,1,1,1", {-2.f}), ohi = ir.f32("ohi", "1,1,1,1", {2.f});
    ir.result(ir.op("FakeQuantize", "fq_out", "levels=\"256\"", {conv, olo, ohi, olo, ohi}));
    const Graph g = ir.import();
    const Node& weights = producer(g, node_named(g, "dw"), 1);
    CHECK(weights.op == "FakeQuantize");
    CHECK(producer(g, weights, 1).value.shape() == Shape{4, 1, 1, 1});
    CHECK(g.find("fq_w") < 0);  // the 5-D original is gone
    std::vector<PerfCounter> counters;
    run(g, input_tensor({1, 4, 6, 6}, 0.1f), &counters);
    for (const PerfCounter& pc : counters)
        if (pc.layer_name == "dw") CHECK(pc.exec_type.substr(pc.exec_type.size() - 3) == "_I8");
}

TEST_CASE("openvino import: files on disk, the default .bin and Model::load", "[ir][openvino]") {
    const IrText ir = fq_conv_ir();
    const std::string base = std::string(OCTET_BINARY_DIR) + "/openvino_import_test_model";
    {
        std::ofstream(base + ".xml") << ir.xml();
        std::ofstream bin(base + ".bin", std::ios::binary);
        bin.write(reinterpret_cast<const char*>(ir.bin.data()), std::streamsize(ir.bin.size()));
    }
    const Graph from_file = import_openvino_file(base + ".xml");
    CHECK(from_file.size() == ir.import().size());
    const Model m = Model::load(base + ".xml");
    CHECK(m.inputs().at(0).name == "x");
    expect_error<FormatError>([&] { import_openvino_file(base + ".xml", base + ".missing.bin"); },
                              "cannot open OpenVINO IR .bin");
    std::remove((base + ".xml").c_str());
    std::remove((base + ".bin").c_str());
}

// ---- malformed input ------------------------------------------------------

TEST_CASE("openvino import: malformed XML and document structure", "[ir][openvino][errors]") {
    const IrText good = fq_conv_ir();
    const std::string xml = good.xml();
    expect_error<FormatError>([&] { import_openvino_buffers(xml.substr(0, xml.size() / 2), good.bin.data(), good.bin.size()); },
                              "not well-formed XML");
    expect_error<FormatError>([&] { import_openvino_buffers("<model/>", nullptr, 0); }, "no <net>");
    std::string bad_name = xml;
    bad_name.replace(bad_name.find("name=\"w\"") + 6, 1, "\xf7");  // found by fuzz_openvino
    expect_error<FormatError>([&] { import_openvino_buffers(bad_name, good.bin.data(), good.bin.size()); },
                              "is not valid UTF-8");
    expect_error<FormatError>([&] { import_openvino_buffers("<net version=\"11\"/>", nullptr, 0); }, "no <layers>");
    expect_error<UnsupportedError>([&] { import_openvino_buffers("<net version=\"7\"><layers/></net>", nullptr, 0); },
                                   "version 7 is not supported");
    expect_error<FormatError>([&] { import_openvino_buffers("<net version=\"x11\"><layers/></net>", nullptr, 0); },
                              "is not an integer");
}

TEST_CASE("openvino import: Const bytes must fit the .bin and the shape", "[ir][openvino][errors]") {
    auto with_const = [](const std::string& data) {
        IrText ir;
        const int x = ir.param("x", "1,4");
        const int c = ir.layer("Const", "w", data, 0, 1);
        ir.bin.resize(16);
        ir.result(ir.op("Add", "add", "", {x, c}));
        return ir;
    };
    expect_error<FormatError>([&] { with_const(R"(element_type="f32" shape="1,4" offset="4" size="16")").import(); },
                              "layer 'w' (Const, id 1): bytes [4, 4+16) lie past the end of the .bin (16 bytes)");
    expect_error<FormatError>(
        [&] { with_const(R"(element_type="f32" shape="1,4" offset="9223372036854775807" size="16")").import(); },
        "past the end of the .bin");
    expect_error<FormatError>([&] { with_const(R"(element_type="f32" shape="1,4" offset="-4" size="16")").import(); },
                              "must not be negative");
    expect_error<FormatError>([&] { with_const(R"(element_type="f32" shape="1,4" offset="0" size="12")").import(); },
                              "size 12 does not match shape [1,4] of f32 (16 bytes)");
    expect_error<ValidationError>(
        [&] { with_const(R"(element_type="f32" shape="1048576,1048576,1048576" offset="0" size="16")").import(); },
        "more than 2^40 elements");
    expect_error<ValidationError>([&] { with_const(R"(element_type="f32" shape="1,-4" offset="0" size="16")").import(); },
                                  "negative dimension");
    expect_error<FormatError>([&] { with_const(R"(element_type="f13" shape="1,4" offset="0" size="16")").import(); },
                              "unknown element type 'f13'");
    expect_error<UnsupportedError>([&] { with_const(R"(element_type="bf16" shape="1,4" offset="0" size="8")").import(); },
                                   "element type 'bf16' is not supported");
    expect_error<FormatError>([&] { with_const(R"(element_type="f32" shape="1,4" offset="0")").import(); },
                              "layer 'w' (Const, id 1): missing attribute 'size'");
    expect_error<FormatError>(
        [&] { with_const(R"(element_type="f32" shape="1,4" offset="99999999999999999999" size="16")").import(); },
        "does not fit in 64 bits");
}

TEST_CASE("openvino import: edges, ports, ids and cycles", "[ir][openvino][errors]") {
    {  // an edge to a layer that does not exist
        IrText ir;
        const int x = ir.param("x", "1,4");
        ir.result(x);
        ir.edges += "<edge from-layer=\"0\" from-port=\"0\" to-layer=\"99\" to-port=\"0\"/>";
        expect_error<ValidationError>([&] { ir.import(); }, "ends at layer id 99, which does not exist");
    }
    {  // an edge from a port the layer does not have
        IrText ir;
        const int x = ir.param("x", "1,4");
        const int r = ir.layer("Result", "out", "", 1, 0);
        ir.edges += "<edge from-layer=\"" + std::to_string(x) + "\" from-port=\"5\" to-layer=\"" + std::to_string(r) +
                    "\" to-port=\"0\"/>";
        expect_error<ValidationError>([&] { ir.import(); }, "layer 'x' (Parameter, id 0) has no output port 5");
    }
    {  // an input port with no edge
        IrText ir;
        const int x = ir.param("x", "1,4");
        const int add = ir.layer("Add", "add", "", 2, 1);
        ir.edge(x, add, 0);
        ir.result(add);
        expect_error<ValidationError>([&] { ir.import(); }, "layer 'add' (Add, id 1): input port 1 has no edge");
    }
    {  // two edges into one port
        IrText ir;
        const int x = ir.param("x", "1,4");
        const int r = ir.result(x);
        ir.edge(x, r, 0);
        expect_error<ValidationError>([&] { ir.import(); }, "already has an edge");
    }
    {  // a cycle
        IrText ir;
        const int x = ir.param("x", "1,4");
        const int a = ir.layer("Add", "a", "", 2, 1);
        const int b = ir.layer("ReLU", "b", "", 1, 1);
        ir.edge(x, a, 0);
        ir.edge(b, a, 1);
        ir.edge(a, b, 0);
        ir.result(b);
        expect_error<ValidationError>([&] { ir.import(); }, "lies on a cycle");
    }
    {  // duplicate layer id
        IrText ir;
        const int x = ir.param("x", "1,4");
        ir.result(x);
        ir.next_id = 0;
        ir.param("y", "1,4");
        expect_error<ValidationError>([&] { ir.import(); },
                                      "layer 'y' (Parameter, id 0) has the same id as layer 'x' (Parameter, id 0)");
    }
    {  // wrong number of ports for the type
        IrText ir;
        const int x = ir.param("x", "1,4");
        ir.result(ir.op("ReLU", "relu", "", {x, x}));
        expect_error<ValidationError>([&] { ir.import(); }, "layer 'relu' (ReLU, id 1): has 2 input ports, expected 1");
    }
    {  // no Result
        IrText ir;
        ir.op("ReLU", "relu", "", {ir.param("x", "1,4")});
        expect_error<ValidationError>([&] { ir.import(); }, "no Result layer");
    }
}

TEST_CASE("openvino import: unsupported layers and attribute values name the layer", "[ir][openvino][errors]") {
    {
        IrText ir;
        const int x = ir.param("x", "1,4");
        const int reps = ir.i64("reps", "2", {1, 2});
        ir.result(ir.op("Tile", "tile", "", {x, reps}));
        expect_error<UnsupportedError>([&] { ir.import(); }, "layer 'tile' (Tile, id 2): layer type 'Tile' is not supported");
    }
    {
        IrText ir;
        const int x = ir.param("x", "1,2,8,8");
        const int sizes = ir.i64("sizes", "2", {16, 16});
        const int scales = ir.f32("scales", "2", {2.f, 2.f});
        const int axes = ir.i64("axes", "2", {2, 3});
        ir.result(ir.op("Interpolate", "up", "mode=\"cubic\" shape_calculation_mode=\"sizes\"",
                        {x, sizes, scales, axes}, "opset4"));
        expect_error<UnsupportedError>([&] { ir.import(); }, "layer 'up' (Interpolate, id 4): attribute 'mode' = 'cubic'");
    }
    {
        IrText ir;
        const int x = ir.param("x", "1,2,8,8");
        const int mp = ir.op("MaxPool", "mp", "kernel=\"2,2\" strides=\"2,2\"", {x}, "opset8", 2);
        ir.result(mp, "values");
        const int indices = ir.layer("Result", "indices", "", 1, 0);
        ir.edge(mp, indices, 0, 1);
        expect_error<UnsupportedError>([&] { ir.import(); }, "the indices output of MaxPool");
    }
    {
        IrText ir;
        const int x = ir.param("x", "1,2,8,8");
        const int shape = ir.op("ShapeOf", "shape", "", {x}, "opset3");
        ir.result(ir.op("Reshape", "rs", "special_zero=\"false\"", {x, shape}));
        expect_error<UnsupportedError>([&] { ir.import(); }, "layer type 'ShapeOf' is not supported");
    }
    {
        IrText ir;
        const int x = ir.param("x", "1,2,8,8");
        const int y = ir.param("y", "4");
        ir.result(ir.op("Reshape", "rs", "special_zero=\"false\"", {x, y}));
        expect_error<UnsupportedError>([&] { ir.import(); }, "layer 'rs' (Reshape, id 2): the target shape (input 1) must be a Const");
    }
    {
        IrText ir;
        const int x = ir.param("x", "1,2,8,8");
        ir.result(ir.op("Convolution", "conv3d", "strides=\"1,1,1\"", {x, ir.f32("w", "1,2,1,1", {1, 1})}));
        expect_error<UnsupportedError>([&] { ir.import(); }, "only 2-D (H, W) windows are supported");
    }
    {
        IrText ir;
        ir.result(ir.param("x", "?,3,224,224"));
        expect_error<UnsupportedError>([&] { ir.import(); }, "layer 'x' (Parameter, id 0): attribute 'shape' = '?,3,224,224' is dynamic");
    }
    {
        IrText ir;
        ir.result(ir.param("x", "1,4", "bf16"));
        expect_error<UnsupportedError>([&] { ir.import(); }, "layer 'x' (Parameter, id 0): attribute 'element_type': element type 'bf16' is not supported here (f32, i32, u8, i8)");
    }
}

TEST_CASE("openvino import: invalid graphs are ValidationErrors naming the layer", "[ir][openvino][errors]") {
    {
        IrText ir;
        const int x = ir.param("x", "1,4");
        const int c = ir.f32("r", "1", {1.f});
        ir.result(ir.op("FakeQuantize", "fq", "levels=\"1\"", {x, c, c, c, c}));
        expect_error<ValidationError>([&] { ir.import(); }, "layer 'fq' (FakeQuantize, id 2): attribute 'levels' = 1");
    }
    {
        IrText ir;
        ir.result(ir.param("x", "1,-3"));
        expect_error<ValidationError>([&] { ir.import(); }, "layer 'x' (Parameter, id 0)");
    }
    {
        IrText ir;
        const int x = ir.param("x", "1,4"), y = ir.param("y", "1,5");
        ir.result(ir.op("Add", "add", "", {x, y}));
        expect_error<ValidationError>([&] { ir.import(); }, "layer 'add' (Add, id 2): shapes [1,4] and [1,5] do not broadcast");
    }
    {
        IrText ir;
        const int x = ir.param("x", "1,4");
        ir.result(ir.op("Clamp", "clamp", "min=\"one\" max=\"2\"", {x}));
        expect_error<FormatError>([&] { ir.import(); }, "layer 'clamp' (Clamp, id 1): attribute 'min': 'one' is not a number");
    }
}

TEST_CASE("openvino import: the fuzz seed corpus imports, its regression inputs are rejected", "[ir][openvino]") {
    // test/fuzz/corpus/openvino: .xml text, a NUL byte, the .bin bytes (fuzz_openvino.cpp).
    int seeds = 0;
    for (const auto& entry :
         std::filesystem::directory_iterator(std::string(OCTET_SOURCE_DIR) + "/test/fuzz/corpus/openvino")) {
        std::ifstream in(entry.path(), std::ios::binary);
        const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        const size_t nul = bytes.find('\0');
        REQUIRE(nul != std::string::npos);
        const std::string name = entry.path().filename().string();
        INFO(name);
        auto import = [&] { return import_openvino_buffers(bytes.substr(0, nul), bytes.data() + nul + 1, bytes.size() - nul - 1); };
        if (name.rfind("regress_", 0) == 0) {
            CHECK_THROWS_AS(import(), Error);
        } else {
            CHECK(import().results().size() == 1);
            ++seeds;
        }
    }
    CHECK(seeds >= 6);
}
