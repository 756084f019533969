// The JSON model format: exact round trips, and one test per kind of malformed
// file, each checking the exception class and what the message says.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "ir/error.hpp"
#include "ir/graph.hpp"
#include "ir/serialize/model_format.hpp"

using namespace octet;
using namespace octet::ir;
using Catch::Contains;

namespace {

template <class T>
Tensor make_tensor(const Shape& shape, std::vector<T> values) {
    Tensor t(ElemTypeOf<T>::value, shape);
    REQUIRE(size_t(t.numel()) == values.size());
    if (!values.empty()) std::memcpy(t.raw(), values.data(), t.nbytes());
    return t;
}

// Every attribute kind, with values that trip up careless encoders: -0.0,
// subnormals, 17-digit floats, integral floats, the int64 extremes, inf, nan.
Attributes every_kind_of_attribute() {
    Attributes a;
    a.set("flag", AttrValue(true));
    a.set("off", AttrValue(false));
    a.set("count", AttrValue(int64_t(-7)));
    a.set("big", AttrValue(std::numeric_limits<int64_t>::max()));
    a.set("small", AttrValue(std::numeric_limits<int64_t>::min()));
    a.set("tenth", AttrValue(0.1));
    a.set("one_as_float", AttrValue(1.0));  // must stay a float, not become an int
    a.set("neg_zero", AttrValue(-0.0));
    a.set("tiny", AttrValue(4.9e-324));
    a.set("third", AttrValue(1.0 / 3.0));
    a.set("plus_inf", AttrValue(std::numeric_limits<double>::infinity()));
    a.set("minus_inf", AttrValue(-std::numeric_limits<double>::infinity()));
    a.set("not_a_number", AttrValue(std::nan("")));
    a.set("mode", AttrValue(std::string("half_pixel \"quoted\" \xc3\xa9")));
    a.set("empty_string", AttrValue(std::string()));
    a.set("pads", AttrValue(std::vector<int64_t>{0, -1, std::numeric_limits<int64_t>::max()}));
    a.set("no_ints", AttrValue(std::vector<int64_t>{}));
    a.set("scales", AttrValue(std::vector<double>{2.0, 0.5, 1e300, -std::numeric_limits<double>::infinity()}));
    a.set("no_floats", AttrValue(std::vector<double>{}));
    return a;
}

// One node of every built-in kind and a constant of every element type
// (plus an empty one); only ops that exist in every build of ops.cpp.
Graph sample_graph() {
    Graph g;
    PortRef x = g.parameter("input:0", ElemType::f32, {1, 3, 2, 2});
    g.parameter("ids", ElemType::s32, {4});
    PortRef cf = g.constant("w_f32", make_tensor<float>({2, 3}, {1.5f, -0.0f, 3.4028235e38f, 1e-45f, -2.f, 0.1f}));
    PortRef ci = g.constant("w_s32", make_tensor<int32_t>({3}, {INT32_MIN, 0, INT32_MAX}));
    PortRef cu = g.constant("w_u8", make_tensor<uint8_t>({5}, {0, 1, 128, 254, 255}));
    PortRef cs = g.constant("w_s8", make_tensor<int8_t>({3, 1}, {-128, 0, 127}));
    PortRef ce = g.constant("w_empty", Tensor(ElemType::f32, {0, 4}));
    g.node(cs.node).attrs.set("note", "constants keep their attributes");
    g.add("Result", "out", {x}, every_kind_of_attribute());
    for (PortRef c : {cf, ci, cu, cs, ce}) g.result("out_" + g.node(c.node).name, c);
    return g;
}

bool same_attr(const AttrValue& a, const AttrValue& b) {
    if (a.index() != b.index()) return false;
    auto same_float = [](double x, double y) {
        return (std::isnan(x) && std::isnan(y)) || (x == y && std::signbit(x) == std::signbit(y));
    };
    if (auto p = std::get_if<double>(&a)) return same_float(*p, std::get<double>(b));
    if (auto p = std::get_if<std::vector<double>>(&a)) {
        const auto& q = std::get<std::vector<double>>(b);
        if (p->size() != q.size()) return false;
        for (size_t i = 0; i < p->size(); ++i)
            if (!same_float((*p)[i], q[i])) return false;
        return true;
    }
    return a == b;
}

void require_same_graph(const Graph& a, const Graph& b) {
    REQUIRE(a.size() == b.size());
    for (size_t i = 0; i < a.size(); ++i) {
        const Node& x = a.node(int(i));
        const Node& y = b.node(int(i));
        INFO("node " << x.name);
        REQUIRE(x.name == y.name);
        REQUIRE(x.op == y.op);
        REQUIRE(x.inputs == y.inputs);
        REQUIRE(x.attrs.all().size() == y.attrs.all().size());
        for (const auto& [name, value] : x.attrs.all()) {
            INFO("attribute " << name);
            REQUIRE(y.attrs.has(name));
            REQUIRE(same_attr(value, y.attrs.all().at(name)));
        }
        REQUIRE(x.value.empty() == y.value.empty());
        if (!x.value.empty()) REQUIRE(x.value.equals(y.value));
    }
}

// A scratch directory for file tests, removed afterwards.
struct TempDir {
    std::filesystem::path path;
    TempDir() {
        path = std::filesystem::temp_directory_path() / ("octet_model_format_" + std::to_string(::getpid()));
        std::filesystem::create_directories(path);
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    std::string file(const std::string& name) const { return (path / name).string(); }
};

void write_text(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
}

// Pieces for hand-written models: a valid Parameter "x" of f32 [2] and a
// Result "y" reading it.
const std::string kParam =
    R"({"name":"x","op":"Parameter","attrs":{"element_type":{"type":"string","value":"f32"},)"
    R"("shape":{"type":"ints","value":[2]}}})";
const std::string kResult = R"({"name":"y","op":"Result","inputs":[{"node":"x","port":0}]})";

std::string model(const std::string& nodes) {
    return R"({"format":"octet-model","version":1,"nodes":[)" + nodes + "]}";
}

// A valid model plus one Constant "w"; `fields` is its element_type/shape/offset/size.
std::string model_with_constant(const std::string& fields) {
    return model(kParam + R"(,{"name":"w","op":"Constant",)" + fields + "}," + kResult +
                 R"(,{"name":"z","op":"Result","inputs":["w"]})");
}

Graph parse(const std::string& text, const std::vector<uint8_t>& bin = {}) {
    return parse_model(text, bin.data(), bin.size());
}

const std::vector<uint8_t> k64Bytes(64, 0x5a);

}  // namespace

// ---------------------------------------------------------------- round trips

TEST_CASE("model format: the hand-written pieces form a valid model", "[ir][format]") {
    Graph g = parse(model(kParam + "," + kResult));
    REQUIRE(g.size() == 2);
    REQUIRE(g.node(1).inputs == std::vector<PortRef>{{0, 0}});
    Graph c = parse(model_with_constant(R"("element_type":"u8","shape":[4,2],"offset":64,"size":8)"), std::vector<uint8_t>(128, 7));
    REQUIRE(c.node(1).value.shape() == Shape{4, 2});
    REQUIRE(c.node(1).value.data<uint8_t>()[7] == 7);
}

TEST_CASE("model format: in-memory round trip is exact", "[ir][format]") {
    Graph g = sample_graph();
    g.infer();
    auto [text, bin] = serialize_model(g);
    Graph back = parse_model(text, bin.data(), bin.size());
    require_same_graph(g, back);
    REQUIRE(back.desc({0, 0}).shape == Shape{1, 3, 2, 2});

    // Kinds survive: an integral float stays a float, ints stay ints.
    const Attributes& attrs = back.node(back.find("out")).attrs;
    REQUIRE(std::holds_alternative<double>(attrs.all().at("one_as_float")));
    REQUIRE(std::holds_alternative<int64_t>(attrs.all().at("count")));
    REQUIRE(std::signbit(attrs.get_float("neg_zero")));
    REQUIRE(std::isnan(attrs.get_float("not_a_number")));

    auto [text2, bin2] = serialize_model(back);
    REQUIRE(text2 == text);
    REQUIRE(bin2 == bin);
}

TEST_CASE("model format: constants are laid out in order, 64-byte aligned", "[ir][format]") {
    Graph g = sample_graph();
    auto [text, bin] = serialize_model(g);
    nlohmann::json j = nlohmann::json::parse(text);
    REQUIRE(j["format"] == "octet-model");
    REQUIRE(j["version"] == 1);
    uint64_t last_end = 0;
    int constants = 0;
    for (const auto& n : j["nodes"]) {
        if (n["op"] != "Constant") continue;
        ++constants;
        uint64_t offset = n["offset"], size = n["size"];
        REQUIRE(offset % 64 == 0);
        REQUIRE(offset >= last_end);
        REQUIRE(offset - last_end < 64);
        last_end = offset + size;
    }
    REQUIRE(constants == 5);
    REQUIRE(bin.size() == last_end);
    // The s32 constant's bytes are where the JSON says.
    const auto& ns = j["nodes"][3];
    REQUIRE(ns["name"] == "w_s32");
    int32_t first;
    std::memcpy(&first, bin.data() + ns["offset"].get<size_t>(), 4);
    REQUIRE(first == INT32_MIN);
}

TEST_CASE("model format: save -> load -> save gives identical files", "[ir][format]") {
    TempDir dir;
    Graph g = sample_graph();
    save_model(g, dir.file("m.json"), dir.file("m.bin"));
    Graph back = load_model(dir.file("m.json"));  // default .bin beside the .json
    require_same_graph(g, back);
    save_model(back, dir.file("again.json"), dir.file("again.bin"));
    auto slurp = [](const std::string& p) {
        std::ifstream in(p, std::ios::binary);
        return std::string(std::istreambuf_iterator<char>(in), {});
    };
    REQUIRE(slurp(dir.file("m.json")) == slurp(dir.file("again.json")));
    REQUIRE(slurp(dir.file("m.bin")) == slurp(dir.file("again.bin")));
    REQUIRE(default_bin_path("a/model.json") == "a/model.bin");
    REQUIRE(default_bin_path("model") == "model.bin");
}

TEST_CASE("model format: a graph with real ops round-trips", "[ir][format]") {
    Graph g;
    PortRef x = g.parameter("x", ElemType::f32, {1, 2, 4, 4});
    PortRef w = g.constant("w", make_tensor<float>({3, 2, 1, 1}, {1, 2, 3, 4, 5, 6}));
    Attributes conv;
    conv.set("strides", std::vector<int64_t>{1, 1});
    conv.set("dilations", std::vector<int64_t>{1, 1});
    conv.set("pads_begin", std::vector<int64_t>{0, 0});
    conv.set("pads_end", std::vector<int64_t>{0, 0});
    conv.set("auto_pad", "explicit");
    PortRef c = g.add("Convolution", "conv", {x, w}, conv);
    Attributes clamp;
    clamp.set("min", 0.0f);
    clamp.set("max", 6.0f);
    PortRef r = g.add("Clamp", "relu6", {c}, clamp);
    g.result("y", r);
    auto [text, bin] = serialize_model(g);
    Graph back = parse_model(text, bin.data(), bin.size());
    require_same_graph(g, back);
    REQUIRE(back.desc(r).shape == Shape{1, 3, 4, 4});
}

TEST_CASE("model format: inputs may be written as strings and refer forward", "[ir][format]") {
    std::string p2 = R"({"name":"a:b","op":"Parameter","attrs":{"element_type":{"type":"string","value":"u8"},)"
                     R"("shape":{"type":"ints","value":[3]}}})";
    Graph g = parse(model(R"({"name":"r1","op":"Result","inputs":["x:0"]},)"
                          R"({"name":"r2","op":"Result","inputs":["a:b"]},)"
                          R"({"name":"r3","op":"Result","inputs":[{"node":"x"}]},)" +
                          kParam + "," + p2));
    REQUIRE(g.node(0).inputs == std::vector<PortRef>{{3, 0}});
    REQUIRE(g.node(1).inputs == std::vector<PortRef>{{4, 0}});  // ":b" is not a port: part of the name
    REQUIRE(g.node(2).inputs == std::vector<PortRef>{{3, 0}});
    // Integers are accepted where a float is stored, as JSON does not tell 1 from 1.0.
    Graph f = parse(model(kParam + R"(,{"name":"y","op":"Result","inputs":["x"],)"
                                   R"("attrs":{"a":{"type":"float","value":2},"b":{"type":"floats","value":[1,"inf"]}}})"));
    REQUIRE(f.node(1).attrs.get_float("a") == 2.0);
    REQUIRE(std::isinf(f.node(1).attrs.get_floats("b")[1]));
}

TEST_CASE("model format: a model without constants needs no .bin file", "[ir][format]") {
    TempDir dir;
    write_text(dir.file("p.json"), model(kParam + "," + kResult));
    REQUIRE(load_model(dir.file("p.json")).size() == 2);
}

// ------------------------------------------------------------ malformed files

TEST_CASE("malformed model: JSON syntax error", "[ir][format]") {
    std::string text = model(kParam + "," + kResult);
    text.pop_back();  // truncated
    REQUIRE_THROWS_AS(parse(text), FormatError);
    REQUIRE_THROWS_WITH(parse(text), Contains("malformed"));
    REQUIRE_THROWS_WITH(parse(""), Contains("malformed"));
    REQUIRE_THROWS_WITH(parse("{\"format\": \"octet-model\" \"version\": 1}"), Contains("malformed"));
}

TEST_CASE("malformed model: invalid UTF-8 in a string", "[ir][format]") {
    std::string text = model(kParam + "," + kResult);
    text.replace(text.find("\"y\""), 3, "\"\xff\xfe\"");
    REQUIRE_THROWS_AS(parse(text), FormatError);
}

TEST_CASE("malformed model: nesting too deep", "[ir][format]") {
    std::string deep = std::string(100000, '[') + std::string(100000, ']');
    REQUIRE_THROWS_AS(parse(deep), FormatError);
    REQUIRE_THROWS_WITH(parse(deep), Contains("nests deeper than"));
    // Brackets inside strings do not count.
    REQUIRE_NOTHROW(parse(model(kParam + R"(,{"name":"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"","op":"Result","inputs":["x"]})")));
}

TEST_CASE("malformed model: wrong top level", "[ir][format]") {
    REQUIRE_THROWS_AS(parse("[1,2]"), FormatError);
    REQUIRE_THROWS_WITH(parse("[1,2]"), Contains("must be an object, not array"));
    REQUIRE_THROWS_WITH(parse(R"({"format":"onnx","version":1,"nodes":[]})"), Contains("format is 'onnx'"));
    REQUIRE_THROWS_WITH(parse(R"({"version":1,"nodes":[]})"), Contains("missing field 'format'"));
    REQUIRE_THROWS_WITH(parse(R"({"format":"octet-model","version":1})"), Contains("missing field 'nodes'"));
    REQUIRE_THROWS_WITH(parse(R"({"format":"octet-model","version":1,"nodes":{}})"),
                        Contains("'nodes' must be an array, not object"));
    REQUIRE_THROWS_WITH(parse(R"({"format":"octet-model","version":1,"nodes":[],"extra":0})"),
                        Contains("unknown field 'extra'"));
}

TEST_CASE("malformed model: unknown or newer format version", "[ir][format]") {
    auto with_version = [](const std::string& v) {
        return R"({"format":"octet-model","version":)" + v + R"(,"nodes":[)" + kParam + "," + kResult + "]}";
    };
    REQUIRE_THROWS_AS(parse(with_version("2")), FormatError);
    REQUIRE_THROWS_WITH(parse(with_version("2")), Contains("version 2 is newer") && Contains("update octet"));
    REQUIRE_THROWS_WITH(parse(with_version("0")), Contains("version 0 is invalid"));
    REQUIRE_THROWS_WITH(parse(with_version("\"1\"")), Contains("'version' must be an integer, not string"));
    REQUIRE_THROWS_WITH(parse(with_version("1.0")), Contains("'version' must be an integer, not number"));
    REQUIRE_THROWS_WITH(parse(with_version("9223372036854775808")), Contains("does not fit"));
    REQUIRE_THROWS_WITH(parse(with_version("99999999999999999999")), Contains("must be an integer, not number"));
}

TEST_CASE("malformed model: missing node fields", "[ir][format]") {
    REQUIRE_THROWS_AS(parse(model(R"({"op":"Parameter"})")), FormatError);
    REQUIRE_THROWS_WITH(parse(model(R"({"op":"Parameter"})")), Contains("node #0: missing field 'name'"));
    REQUIRE_THROWS_WITH(parse(model(kParam + R"(,{"name":"y","inputs":["x"]})")),
                        Contains("node 'y': missing field 'op'"));
    REQUIRE_THROWS_WITH(parse(model_with_constant(R"("element_type":"f32","shape":[2],"offset":0)")),
                        Contains("node 'w' (Constant): missing field 'size'"));
    REQUIRE_THROWS_WITH(parse(model(kParam + R"(,{"name":"","op":"Result"})")), Contains("empty name"));
}

TEST_CASE("malformed model: wrong JSON types for node fields", "[ir][format]") {
    REQUIRE_THROWS_AS(parse(model(R"({"name":5,"op":"Parameter"})")), FormatError);
    REQUIRE_THROWS_WITH(parse(model(R"({"name":5,"op":"Parameter"})")), Contains("'name' must be a string, not number"));
    REQUIRE_THROWS_WITH(parse(model("3")), Contains("node #0: the node must be an object"));
    REQUIRE_THROWS_WITH(parse(model(kParam + R"(,{"name":"y","op":"Result","inputs":"x"})")),
                        Contains("node 'y' (Result): 'inputs' must be an array, not string"));
    REQUIRE_THROWS_WITH(parse(model(kParam + R"(,{"name":"y","op":"Result","inputs":[7]})")),
                        Contains("input 0 must be an object"));
    REQUIRE_THROWS_WITH(parse(model(kParam + R"(,{"name":"y","op":"Result","inputs":[{"node":"x","port":-1}]})")),
                        Contains("input 0 'port' (-1) must not be negative"));
    REQUIRE_THROWS_WITH(parse(model(kParam + R"(,{"name":"y","op":"Result","inputs":["x:99999999999"]})")),
                        Contains("port number above"));
    REQUIRE_THROWS_WITH(parse(model(kParam + R"(,{"name":"y","op":"Result","attrs":[]})")),
                        Contains("'attrs' must be an object, not array"));
    REQUIRE_THROWS_WITH(parse(model(kParam + R"(,{"name":"y","op":"Result","input":["x"]})")),
                        Contains("unknown field 'input'"));
    // Only Constants carry data fields.
    REQUIRE_THROWS_WITH(parse(model(kParam + R"(,{"name":"y","op":"Result","inputs":["x"],"offset":0})")),
                        Contains("node 'y' (Result): unknown field 'offset'"));
}

TEST_CASE("malformed model: attribute values of the wrong kind", "[ir][format]") {
    auto with_attr = [](const std::string& attr) {
        return model(kParam + R"(,{"name":"y","op":"Result","inputs":["x"],"attrs":{"a":)" + attr + "}}");
    };
    REQUIRE_THROWS_AS(parse(with_attr("1")), FormatError);
    REQUIRE_THROWS_WITH(parse(with_attr("1")), Contains("node 'y' (Result): attribute 'a' must be an object"));
    REQUIRE_THROWS_WITH(parse(with_attr(R"({"value":1})")), Contains("attribute 'a': missing field 'type'"));
    REQUIRE_THROWS_WITH(parse(with_attr(R"({"type":"int"})")), Contains("attribute 'a': missing field 'value'"));
    REQUIRE_THROWS_WITH(parse(with_attr(R"({"type":"int","value":1.5})")),
                        Contains("attribute 'a' must be an integer, not number"));
    REQUIRE_THROWS_WITH(parse(with_attr(R"({"type":"int","value":true})")),
                        Contains("attribute 'a' must be an integer, not boolean"));
    REQUIRE_THROWS_WITH(parse(with_attr(R"({"type":"bool","value":1})")), Contains("must be a boolean"));
    REQUIRE_THROWS_WITH(parse(with_attr(R"({"type":"ints","value":[1,2.0]})")),
                        Contains("attribute 'a'[1] must be an integer"));
    REQUIRE_THROWS_WITH(parse(with_attr(R"({"type":"floats","value":[1,"infinity"]})")),
                        Contains("attribute 'a'[1] is the string 'infinity'"));
    REQUIRE_THROWS_WITH(parse(with_attr(R"({"type":"string","value":null})")), Contains("must be a string, not null"));
    REQUIRE_THROWS_WITH(parse(with_attr(R"({"type":"tensor","value":1})")), Contains("unknown type 'tensor'"));
    REQUIRE_THROWS_WITH(parse(with_attr(R"({"type":"int","value":1,"unit":"px"})")), Contains("unknown field 'unit'"));
}

TEST_CASE("malformed model: unknown element type", "[ir][format]") {
    std::string c = model_with_constant(R"("element_type":"f16","shape":[2],"offset":0,"size":4)");
    REQUIRE_THROWS_AS(parse(c, k64Bytes), FormatError);
    REQUIRE_THROWS_WITH(parse(c, k64Bytes), Contains("node 'w' (Constant): unknown element type 'f16'"));
    std::string p = model(R"({"name":"x","op":"Parameter","attrs":{"element_type":{"type":"string","value":"bf16"},)"
                          R"("shape":{"type":"ints","value":[2]}}},)" + kResult);
    // A Parameter's type is an attribute: the op's own check reports it.
    REQUIRE_THROWS_AS(parse(p), UnsupportedError);
    REQUIRE_THROWS_WITH(parse(p), Contains("node 'x' (Parameter)") && Contains("'bf16'"));
}

TEST_CASE("malformed model: unknown op", "[ir][format]") {
    std::string text = model(kParam + R"(,{"name":"f","op":"Frobnicate","inputs":["x"]},{"name":"y","op":"Result","inputs":["f"]})");
    REQUIRE_THROWS_AS(parse(text), UnsupportedError);
    REQUIRE_THROWS_WITH(parse(text), Contains("node 'f' (Frobnicate)") && Contains("unknown op 'Frobnicate'"));
}

TEST_CASE("malformed model: dangling input", "[ir][format]") {
    std::string text = model(kParam + R"(,{"name":"y","op":"Result","inputs":[{"node":"nope","port":0}]})");
    REQUIRE_THROWS_AS(parse(text), ValidationError);
    REQUIRE_THROWS_WITH(parse(text), Contains("node 'y' (Result): input 0 refers to node 'nope', which does not exist"));
}

TEST_CASE("malformed model: input port that does not exist", "[ir][format]") {
    std::string text = model(kParam + R"(,{"name":"y","op":"Result","inputs":["x:3"]})");
    REQUIRE_THROWS_AS(parse(text), ValidationError);
    REQUIRE_THROWS_WITH(parse(text), Contains("node 'y' (Result)") && Contains("reads port 3 of 'x'"));
}

TEST_CASE("malformed model: cycles", "[ir][format]") {
    std::string two = model(kParam + R"(,{"name":"a","op":"Result","inputs":["b"]},{"name":"b","op":"Result","inputs":["a"]})");
    REQUIRE_THROWS_AS(parse(two), ValidationError);
    REQUIRE_THROWS_WITH(parse(two), Contains("cycle") && Contains("node 'a' (Result)"));
    std::string self = model(kParam + R"(,{"name":"a","op":"Result","inputs":["a"]})");
    REQUIRE_THROWS_AS(parse(self), ValidationError);
    REQUIRE_THROWS_WITH(parse(self), Contains("node 'a' (Result)") && Contains("cycle"));
}

TEST_CASE("malformed model: duplicate node names", "[ir][format]") {
    std::string text = model(kParam + "," + kParam + "," + kResult);
    REQUIRE_THROWS_AS(parse(text), ValidationError);
    REQUIRE_THROWS_WITH(parse(text), Contains("node name 'x' is used twice (nodes #0 and #1)"));
}

TEST_CASE("malformed model: constant data past the end of the .bin", "[ir][format]") {
    std::string text = model_with_constant(R"("element_type":"f32","shape":[4],"offset":56,"size":16)");
    REQUIRE_THROWS_AS(parse(text, k64Bytes), FormatError);
    REQUIRE_THROWS_WITH(parse(text, k64Bytes),
                        Contains("node 'w' (Constant): data at offset 56 with size 16 lies past the end") &&
                            Contains("(64 bytes)"));
    std::string far = model_with_constant(R"("element_type":"u8","shape":[1],"offset":1000000,"size":1)");
    REQUIRE_THROWS_WITH(parse(far, k64Bytes), Contains("past the end"));
    REQUIRE_THROWS_WITH(parse(far), Contains("past the end"));  // no .bin at all
}

TEST_CASE("malformed model: offset + size overflows", "[ir][format]") {
    // 2^64 - 8 + 16 wraps around to 8, which a naive check would accept.
    std::string text = model_with_constant(R"("element_type":"f32","shape":[4],"offset":18446744073709551608,"size":16)");
    REQUIRE_THROWS_AS(parse(text, k64Bytes), FormatError);
    REQUIRE_THROWS_WITH(parse(text, k64Bytes), Contains("offset 18446744073709551608") && Contains("past the end"));
}

TEST_CASE("malformed model: offset and size of the wrong type", "[ir][format]") {
    auto c = [](const std::string& f) { return parse(model_with_constant(f), k64Bytes); };
    REQUIRE_THROWS_AS(c(R"("element_type":"u8","shape":[1],"offset":-64,"size":1)"), FormatError);
    REQUIRE_THROWS_WITH(c(R"("element_type":"u8","shape":[1],"offset":-64,"size":1)"),
                        Contains("'offset' (-64) must not be negative"));
    REQUIRE_THROWS_WITH(c(R"("element_type":"u8","shape":[1],"offset":1e30,"size":1)"),
                        Contains("'offset' must be a non-negative integer, not number"));
    REQUIRE_THROWS_WITH(c(R"("element_type":"u8","shape":[1],"offset":0,"size":"1")"),
                        Contains("'size' must be a non-negative integer, not string"));
    REQUIRE_THROWS_WITH(c(R"("element_type":"u8","shape":"[1]","offset":0,"size":1)"),
                        Contains("'shape' must be an array, not string"));
    REQUIRE_THROWS_WITH(c(R"("element_type":"u8","shape":[1.5],"offset":0,"size":1)"),
                        Contains("shape[0] must be an integer"));
}

TEST_CASE("malformed model: size does not match the shape", "[ir][format]") {
    std::string text = model_with_constant(R"("element_type":"s32","shape":[2,3],"offset":0,"size":6)");
    REQUIRE_THROWS_AS(parse(text, k64Bytes), FormatError);
    REQUIRE_THROWS_WITH(parse(text, k64Bytes),
                        Contains("node 'w' (Constant): size 6 does not match s32 [2,3], which needs 24 bytes"));
}

TEST_CASE("malformed model: absurd shapes", "[ir][format]") {
    // Element counts that overflow int64 or exceed 2^40: refused before anything is allocated.
    std::string huge = model_with_constant(
        R"("element_type":"f32","shape":[4294967296,4294967296,4294967296],"offset":0,"size":64)");
    REQUIRE_THROWS_AS(parse(huge, k64Bytes), ValidationError);
    REQUIRE_THROWS_WITH(parse(huge, k64Bytes), Contains("node 'w' (Constant)") && Contains("more than 2^40"));
    // A shape whose size fits the field but not the .bin.
    std::string big = model_with_constant(R"("element_type":"f32","shape":[1073741824,256],"offset":0,"size":1099511627776)");
    REQUIRE_THROWS_AS(parse(big, k64Bytes), FormatError);
    REQUIRE_THROWS_WITH(parse(big, k64Bytes), Contains("past the end"));
    std::string negative = model_with_constant(R"("element_type":"f32","shape":[-1,-4],"offset":0,"size":16)");
    REQUIRE_THROWS_AS(parse(negative, k64Bytes), ValidationError);
    REQUIRE_THROWS_WITH(parse(negative, k64Bytes), Contains("node 'w' (Constant)") && Contains("negative dimension"));
    std::string param = model(R"({"name":"x","op":"Parameter","attrs":{"element_type":{"type":"string","value":"f32"},)"
                              R"("shape":{"type":"ints","value":[9223372036854775807,2]}}},)" + kResult);
    REQUIRE_THROWS_AS(parse(param), ValidationError);
    REQUIRE_THROWS_WITH(parse(param), Contains("node 'x' (Parameter)"));
}

TEST_CASE("malformed model: missing files name the path", "[ir][format]") {
    TempDir dir;
    REQUIRE_THROWS_AS(load_model(dir.file("absent.json")), FormatError);
    REQUIRE_THROWS_WITH(load_model(dir.file("absent.json")), Contains("absent.json") && Contains("no such file"));
    REQUIRE_THROWS_WITH(load_model(dir.path.string()), Contains("not a regular file"));
    write_text(dir.file("c.json"), model_with_constant(R"("element_type":"u8","shape":[1],"offset":0,"size":1)"));
    REQUIRE_THROWS_AS(load_model(dir.file("c.json")), FormatError);
    REQUIRE_THROWS_WITH(load_model(dir.file("c.json")), Contains("weights file '" + dir.file("c.bin") + "'"));
    REQUIRE_THROWS_WITH(load_model(dir.file("c.json"), dir.file("other.bin")), Contains("other.bin"));
}

TEST_CASE("malformed model: file errors keep their class and name the model file", "[ir][format]") {
    TempDir dir;
    write_text(dir.file("bad.json"), model(kParam + R"(,{"name":"y","op":"Result","inputs":["nope"]})"));
    REQUIRE_THROWS_AS(load_model(dir.file("bad.json")), ValidationError);
    REQUIRE_THROWS_WITH(load_model(dir.file("bad.json")), Contains("bad.json: node 'y' (Result)"));
    write_text(dir.file("short.json"), model_with_constant(R"("element_type":"f32","shape":[4],"offset":64,"size":16)"));
    write_text(dir.file("short.bin"), std::string(70, 'x'));
    REQUIRE_THROWS_WITH(load_model(dir.file("short.json")), Contains("past the end of the weights file") && Contains("(70 bytes)"));
}

TEST_CASE("malformed model: model file larger than the limit", "[ir][format]") {
    TempDir dir;
    const std::string path = dir.file("huge.json");
    write_text(path, "{");
    std::filesystem::resize_file(path, kMaxModelJsonBytes + 1);  // sparse: costs no disk or memory
    REQUIRE_THROWS_AS(load_model(path), FormatError);
    REQUIRE_THROWS_WITH(load_model(path), Contains("huge.json") && Contains("above the limit"));
}

TEST_CASE("model format: null weights buffer with a size is an argument error", "[ir][format]") {
    REQUIRE_THROWS_AS(parse_model(model(kParam + "," + kResult), nullptr, 10), ArgumentError);
}

TEST_CASE("model format: graphs the reader would refuse are not written", "[ir][format]") {
    Graph dup;
    dup.parameter("x", ElemType::f32, {1});
    dup.result("x", {0, 0});
    REQUIRE_THROWS_AS(serialize_model(dup), ValidationError);
    REQUIRE_THROWS_WITH(serialize_model(dup), Contains("'x' is used twice"));

    Graph dangling;
    dangling.parameter("x", ElemType::f32, {1});
    dangling.result("y", {5, 0});
    REQUIRE_THROWS_AS(serialize_model(dangling), ValidationError);
    REQUIRE_THROWS_WITH(serialize_model(dangling), Contains("node 'y' (Result): input 0 refers to node #5"));

    Graph empty_const;
    empty_const.parameter("x", ElemType::f32, {1});
    empty_const.constant("c", Tensor());
    REQUIRE_THROWS_WITH(serialize_model(empty_const), Contains("node 'c' (Constant): has no value"));

    Graph bad_utf8;
    bad_utf8.parameter("x\xff", ElemType::f32, {1});
    REQUIRE_THROWS_AS(serialize_model(bad_utf8), ArgumentError);

    TempDir dir;
    REQUIRE_THROWS_AS(save_model(sample_graph(), dir.file("no/such/dir/m.json"), dir.file("no/such/dir/m.bin")),
                      ArgumentError);
}

TEST_CASE("malformed model: random corruptions give octet errors, never anything else", "[ir][format]") {
    // Seeded mutations of a valid model (byte flips, digit insertions,
    // truncation) and of its .bin (truncation): each parse either succeeds or
    // throws an octet::Error; a crash, hang, or foreign exception fails.
    auto [text, bin] = serialize_model(sample_graph());
    uint64_t state = 0x9e3779b97f4a7c15ull;
    auto next = [&state] {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        return state;
    };
    const std::string inserts[] = {"9", "-", "1e400", "\"", "[", "{", ":", ",", "null", "18446744073709551615"};
    int accepted = 0, rejected = 0;
    for (int iter = 0; iter < 3000; ++iter) {
        std::string t = text;
        std::vector<uint8_t> b = bin;
        const int edits = 1 + int(next() % 3);
        for (int e = 0; e < edits; ++e) {
            const size_t pos = next() % t.size();
            switch (next() % 4) {
            case 0: t[pos] = char(next() % 256); break;
            case 1: t.insert(pos, inserts[next() % 10]); break;
            case 2: t.erase(pos, 1 + next() % 8); break;
            default: b.resize(next() % (b.size() + 1)); break;
            }
            if (t.empty()) t = "{";
        }
        try {
            parse_model(t, b.data(), b.size());
            ++accepted;
        } catch (const octet::Error&) {
            ++rejected;
        } catch (const std::exception& e) {
            FAIL("foreign exception for mutation " << iter << ": " << e.what() << "\n" << t);
        }
    }
    REQUIRE(rejected > 1000);  // the mutations do hit the checks
    REQUIRE(accepted + rejected == 3000);
}
