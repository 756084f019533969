// One converter per OpenVINO layer type: port counts, the attributes octet's
// op takes (renamed where the IR spells them differently), Const inputs read
// as attributes, and an UnsupportedError for every attribute value octet does
// not implement, so no layer is silently approximated.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <functional>
#include <map>

#include "ir/error.hpp"
#include "ir/import/openvino/builder.hpp"
#include "ir/ops.hpp"
#include "ir/import/openvino/text_values.hpp"

namespace octet::ir::openvino {

namespace {

// ---- attribute helpers -------------------------------------------------

std::vector<int64_t> ints_attr(const LayerDesc& l, const std::string& a, std::vector<int64_t> def) {
    return l.has(a) ? parse_ints(l.attr(a), l.attr_where(a)) : def;
}

// Window attributes of 2-D convolution and pooling; other ranks are unsupported.
std::vector<int64_t> window_attr(const LayerDesc& l, const std::string& a, std::vector<int64_t> def) {
    std::vector<int64_t> v = ints_attr(l, a, std::move(def));
    if (v.size() != 2)
        throw UnsupportedError(l.attr_where(a) + " has " + std::to_string(v.size()) +
                               " values; only 2-D (H, W) windows are supported");
    return v;
}

// Older IRs spell enum values in upper case ("SAME_LOWER", "CEIL").
std::string lower(std::string s) {
    for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::string auto_pad_attr(const LayerDesc& l) {
    const std::string v = lower(l.has("auto_pad") ? l.attr("auto_pad") : "explicit");
    if (v == "explicit" || v == "notset" || v.empty()) return "explicit";
    if (v == "valid" || v == "same_upper" || v == "same_lower") return v;
    throw UnsupportedError(l.attr_where("auto_pad") + " = '" + v + "' is not supported");
}

void check_numpy_broadcast(const LayerDesc& l) {
    if (!l.has("auto_broadcast")) return;
    const std::string v = l.attr("auto_broadcast");
    if (v != "numpy" && v != "none")
        throw UnsupportedError(l.attr_where("auto_broadcast") + " = '" + v + "' is not supported (numpy, none)");
}

// "opset8" -> 8; layers without a version are treated as opset1.
int opset(const LayerDesc& l) {
    if (l.version.empty()) return 1;
    if (l.version.compare(0, 5, "opset") != 0)
        throw UnsupportedError(l.describe() + ": version '" + l.version + "' is not an opset octet knows");
    return int(parse_int(l.version.substr(5), l.describe() + ": version"));
}

void require_opset(const LayerDesc& l, std::initializer_list<int> allowed) {
    const int v = opset(l);
    for (int a : allowed)
        if (a == v) return;
    throw UnsupportedError(l.describe() + ": " + l.type + " of " + l.version + " is not supported");
}

// octet's element type name for an OpenVINO destination/element type.
std::string octet_type_name(const LayerDesc& l, const std::string& attr) {
    return to_string(octet_type_of(l.attr(attr), l.attr_where(attr)));
}

// ---- converters ------------------------------------------------------------

void parameter(Builder& b) {
    const LayerDesc& l = b.layer();
    b.expect_ports(0, 0, 1);
    Attributes a;
    a.set("element_type", octet_type_name(l, "element_type"));
    const std::string& text = l.attr("shape");
    if (text.find('?') != std::string::npos || text.find("..") != std::string::npos)
        throw UnsupportedError(l.attr_where("shape") + " = '" + text + "' is dynamic; octet needs static shapes");
    const std::vector<int64_t> shape = parse_ints(text, l.attr_where("shape"));
    for (int64_t d : shape)
        if (d == -1)
            throw UnsupportedError(l.attr_where("shape") + " = '" + text + "' is dynamic; octet needs static shapes");
    a.set("shape", shape);
    b.set_output(0, b.emit("Parameter", l.name, {}, a));
}

void constant(Builder& b) {
    b.expect_ports(0, 0, 1);
    b.set_output_const(0, read_const(b.layer(), b.bin(), b.bin_size()));
}

void result(Builder& b) {
    b.expect_ports(1, 1, 0);
    b.emit("Result", b.layer().name, {b.input(0)});
}

Attributes conv_attrs(const LayerDesc& l) {
    Attributes a;
    a.set("strides", window_attr(l, "strides", {1, 1}));
    a.set("dilations", window_attr(l, "dilations", {1, 1}));
    a.set("pads_begin", window_attr(l, "pads_begin", {0, 0}));
    a.set("pads_end", window_attr(l, "pads_end", {0, 0}));
    a.set("auto_pad", auto_pad_attr(l));
    return a;
}

void convolution(Builder& b) {
    b.expect_ports(2, 2, 1);
    b.set_output(0, b.emit("Convolution", b.layer().name, {b.input(0), b.input(1)}, conv_attrs(b.layer())));
}

// [G, OC/G, ...] range or data tensor -> [OC, ...]: broadcasts dims 0 and 1 of a
// 5-D (or lower, left-padded) f32 tensor to G and OCg, then merges them.
Tensor merge_group_dims(const Tensor& t, int64_t groups, int64_t ocg, const std::string& what) {
    Shape s = t.shape();
    if (s.size() > 5) throw ValidationError(what + " has rank " + std::to_string(s.size()) + ", more than 5");
    while (s.size() < 5) s.insert(s.begin(), 1);
    if ((s[0] != 1 && s[0] != groups) || (s[1] != 1 && s[1] != ocg))
        throw ValidationError(what + " shape " + to_string(t.shape()) + " does not broadcast to groups " +
                              std::to_string(groups) + " x " + std::to_string(ocg));
    const bool whole = s[0] == 1 && s[1] == 1;
    Tensor out(t.type(), {whole ? 1 : groups * ocg, s[2], s[3], s[4]});
    const int64_t inner = s[2] * s[3] * s[4];
    const size_t es = elem_size(t.type());
    const uint8_t* src = static_cast<const uint8_t*>(t.raw());
    uint8_t* dst = static_cast<uint8_t*>(out.raw());
    const int64_t rows = whole ? 1 : groups * ocg;
    for (int64_t r = 0; r < rows; ++r) {
        const int64_t g = s[0] == 1 ? 0 : r / ocg, o = s[1] == 1 ? 0 : r % ocg;
        std::copy(src + size_t((g * s[1] + o) * inner) * es, src + size_t((g * s[1] + o + 1) * inner) * es,
                  dst + size_t(r * inner) * es);
    }
    return out;
}

// GroupConvolution weights [G, OCg, ICg, KH, KW] become octet's grouped layout
// [G*OCg, ICg, KH, KW]. A Const is reshaped in place and FakeQuantize(Const)
// weights get reshaped constants (the LPT compresses only FakeQuantize read
// straight from a Constant); anything else gets a Reshape node.
PortRef group_weights(Builder& b, int64_t& groups) {
    const LayerDesc& l = b.layer();
    const PortRef w = b.input(1);
    const Shape ws = b.desc(w).shape;
    if (ws.size() != 5)
        throw UnsupportedError(l.describe() + ": weights of shape " + to_string(ws) +
                               "; only 2-D group convolution ([G, OC/G, IC/G, KH, KW]) is supported");
    groups = ws[0];
    const Shape merged{ws[0] * ws[1], ws[2], ws[3], ws[4]};
    const Node& producer = b.graph().node(w.node);
    if (producer.op == "Constant")
        return b.emit_constant(producer.name + "/grouped", producer.value.reshaped(merged));
    bool all_const = producer.op == "FakeQuantize";
    for (const PortRef& in : producer.inputs) all_const = all_const && b.graph().node(in.node).op == "Constant";
    if (all_const) {
        const Node fq = producer;  // copy: emitting below grows the node vector
        std::vector<PortRef> inputs;
        std::map<int, PortRef> merged_of;  // one merged copy per source Constant (il/ol are often one)
        for (size_t i = 0; i < fq.inputs.size(); ++i) {
            const int src = fq.inputs[i].node;
            if (!merged_of.count(src)) {
                const Node& c = b.graph().node(src);
                merged_of[src] = b.emit_constant(c.name + "/grouped",
                                                 merge_group_dims(c.value, ws[0], ws[1], "'" + c.name + "'"));
            }
            inputs.push_back(merged_of[src]);
        }
        return b.emit("FakeQuantize", fq.name + "/grouped", inputs, fq.attrs);
    }
    Attributes a;
    a.set("shape", merged);
    a.set("special_zero", false);
    return b.emit("Reshape", l.name + "/weights", {w}, a);
}

void group_convolution(Builder& b) {
    b.expect_ports(2, 2, 1);
    int64_t groups = 1;
    const PortRef data = b.input(0);
    const PortRef weights = group_weights(b, groups);
    Attributes a = conv_attrs(b.layer());
    a.set("group", AttrValue(groups));
    b.set_output(0, b.emit("Convolution", b.layer().name, {data, weights}, a));
}

void matmul(Builder& b) {
    const LayerDesc& l = b.layer();
    b.expect_ports(2, 2, 1);
    Attributes a;
    a.set("transpose_a", l.has("transpose_a") && parse_bool(l.attr("transpose_a"), l.attr_where("transpose_a")));
    a.set("transpose_b", l.has("transpose_b") && parse_bool(l.attr("transpose_b"), l.attr_where("transpose_b")));
    b.set_output(0, b.emit("MatMul", l.name, {b.input(0), b.input(1)}, a));
}

void fake_quantize(Builder& b) {
    const LayerDesc& l = b.layer();
    b.expect_ports(5, 5, 1);
    check_numpy_broadcast(l);
    Attributes a;
    a.set("levels", AttrValue(parse_int(l.attr("levels"), l.attr_where("levels"))));
    std::vector<PortRef> in;
    for (size_t i = 0; i < 5; ++i) in.push_back(b.input(i));
    b.set_output(0, b.emit("FakeQuantize", l.name, in, a));
}

// Add / Subtract / Multiply of two f32 Consts, computed here: OpenVINO stores
// compressed weights as Const(i8|f16) -> Convert -> Subtract(zero point) ->
// Multiply(scale), and octet's kernels want the weights as one Constant. Only
// when the result is no larger than the larger operand (which the .bin backs),
// so a broadcast cannot make the importer allocate more than the file holds.
bool fold_binary(Builder& b, const std::string& op) {
    const ConstData* x = b.input_const(0);
    const ConstData* y = b.input_const(1);
    if (!x || !y || x->is_integer() || y->is_integer()) return false;
    const Shape out = broadcast_shapes(x->shape, y->shape);
    const int64_t n = num_elements(out);
    if (n > std::max(x->tensor.numel(), y->tensor.numel())) return false;
    ConstData r;
    r.ov_type = "f32";
    r.shape = out;
    r.tensor = Tensor(ElemType::f32, out);
    // Element strides of each operand in the output's index space (0 where broadcast).
    auto strides = [&](const Shape& s) {
        std::vector<int64_t> st(out.size(), 0);
        int64_t step = 1;
        for (size_t k = s.size(); k-- > 0;) {
            const size_t o = out.size() - s.size() + k;
            st[o] = s[k] == 1 ? 0 : step;
            step *= s[k];
        }
        return st;
    };
    const std::vector<int64_t> sx = strides(x->shape), sy = strides(y->shape);
    const float* px = x->tensor.data<float>();
    const float* py = y->tensor.data<float>();
    float* pr = r.tensor.data<float>();
    std::vector<int64_t> idx(out.size(), 0);
    int64_t ox = 0, oy = 0;
    for (int64_t i = 0; i < n; ++i) {
        const float a = px[ox], c = py[oy];
        pr[i] = op == "Add" ? a + c : op == "Subtract" ? a - c : a * c;
        for (size_t k = out.size(); k-- > 0;) {  // odometer step
            ox += sx[k];
            oy += sy[k];
            if (++idx[k] < out[k]) break;
            ox -= sx[k] * out[k];
            oy -= sy[k] * out[k];
            idx[k] = 0;
        }
    }
    b.set_output_const(0, std::move(r));
    return true;
}

void binary(Builder& b, const char* op) {
    b.expect_ports(2, 2, 1);
    check_numpy_broadcast(b.layer());
    if (fold_binary(b, op)) return;
    b.set_output(0, b.emit(op, b.layer().name, {b.input(0), b.input(1)}));
}

// Convert of a Const is folded when it is exact (integers or f32 to f32, a
// type to itself), which is how compressed weights are stored; otherwise it is
// octet's Convert.
void convert(Builder& b) {
    const LayerDesc& l = b.layer();
    b.expect_ports(1, 1, 1);
    const std::string dst = l.attr("destination_type");
    const ConstData* c = b.input_const(0);
    if (c && (dst == "f32" || dst == c->ov_type) && c->ov_type != "i64") {
        ConstData folded = *c;
        if (dst == "f32" && c->is_integer()) {
            folded.tensor = Tensor(ElemType::f32, c->shape);
            float* p = folded.tensor.data<float>();
            for (size_t i = 0; i < c->ints.size(); ++i) p[i] = float(c->ints[i]);
            folded.ints.clear();
            folded.ov_type = "f32";
        } else if (dst == "f32") {
            folded.ov_type = "f32";  // f16 constants are already held as f32
        }
        b.set_output_const(0, std::move(folded));
        return;
    }
    Attributes a;
    a.set("destination_type", octet_type_name(l, "destination_type"));
    b.set_output(0, b.emit("Convert", l.name, {b.input(0)}, a));
}

void relu(Builder& b) {
    b.expect_ports(1, 1, 1);
    b.set_output(0, b.emit("Relu", b.layer().name, {b.input(0)}));
}

void clamp(Builder& b) {
    const LayerDesc& l = b.layer();
    b.expect_ports(1, 1, 1);
    Attributes a;
    a.set("min", AttrValue(parse_float(l.attr("min"), l.attr_where("min"))));
    a.set("max", AttrValue(parse_float(l.attr("max"), l.attr_where("max"))));
    b.set_output(0, b.emit("Clamp", l.name, {b.input(0)}, a));
}

Attributes pool_attrs(const LayerDesc& l) {
    Attributes a;
    a.set("kernel", window_attr(l, "kernel", {}));
    a.set("strides", window_attr(l, "strides", {1, 1}));
    a.set("pads_begin", window_attr(l, "pads_begin", {0, 0}));
    a.set("pads_end", window_attr(l, "pads_end", {0, 0}));
    a.set("auto_pad", auto_pad_attr(l));
    const std::string rounding = lower(l.has("rounding_type") ? l.attr("rounding_type") : "floor");
    if (rounding != "floor" && rounding != "ceil")
        throw UnsupportedError(l.attr_where("rounding_type") + " = '" + rounding + "' is not supported");
    a.set("rounding_type", rounding);
    return a;
}

// MaxPool-1 has one output; MaxPool-8 adds dilations and an indices output,
// which octet does not compute (reading it is an error).
void max_pool(Builder& b) {
    const LayerDesc& l = b.layer();
    require_opset(l, {1, 8, 14});
    const bool v8 = opset(l) >= 8;
    b.expect_ports(1, 1, v8 ? 2 : 1);
    if (v8 && window_attr(l, "dilations", {1, 1}) != std::vector<int64_t>{1, 1})
        throw UnsupportedError(l.attr_where("dilations") + " = " + l.attr("dilations") +
                               " is not supported (only 1,1)");
    if (l.has("rounding_type") && l.attr("rounding_type") == "ceil_torch")
        throw UnsupportedError(l.attr_where("rounding_type") + " = 'ceil_torch' is not supported");
    b.set_output(0, b.emit("MaxPool", l.name, {b.input(0)}, pool_attrs(l)));
    if (v8) b.forbid_output(1, "the indices output of MaxPool, which octet does not compute");
}

void avg_pool(Builder& b) {
    const LayerDesc& l = b.layer();
    b.expect_ports(1, 1, 1);
    Attributes a = pool_attrs(l);
    a.set("exclude_pad", l.has("exclude-pad") && parse_bool(l.attr("exclude-pad"), l.attr_where("exclude-pad")));
    b.set_output(0, b.emit("AvgPool", l.name, {b.input(0)}, a));
}

void concat(Builder& b) {
    const LayerDesc& l = b.layer();
    b.expect_ports(1, 4096, 1);
    std::vector<PortRef> in;
    for (size_t i = 0; i < b.num_inputs(); ++i) in.push_back(b.input(i));
    Attributes a;
    a.set("axis", AttrValue(parse_int(l.attr("axis"), l.attr_where("axis"))));
    b.set_output(0, b.emit("Concat", l.name, in, a));
}

void reshape(Builder& b) {
    const LayerDesc& l = b.layer();
    b.expect_ports(2, 2, 1);
    Attributes a;
    a.set("shape", b.input_ints(1, "the target shape"));
    a.set("special_zero", parse_bool(l.attr("special_zero"), l.attr_where("special_zero")));
    b.set_output(0, b.emit("Reshape", l.name, {b.input(0)}, a));
}

void transpose(Builder& b) {
    b.expect_ports(2, 2, 1);
    Attributes a;
    a.set("order", b.input_ints(1, "the order"));
    b.set_output(0, b.emit("Transpose", b.layer().name, {b.input(0)}, a));
}

void squeeze(Builder& b) {
    b.expect_ports(1, 2, 1);
    Attributes a;
    if (b.num_inputs() == 2) a.set("axes", b.input_ints(1, "the axes"));
    b.set_output(0, b.emit("Squeeze", b.layer().name, {b.input(0)}, a));
}

void unsqueeze(Builder& b) {
    b.expect_ports(2, 2, 1);
    Attributes a;
    a.set("axes", b.input_ints(1, "the axes"));
    b.set_output(0, b.emit("Unsqueeze", b.layer().name, {b.input(0)}, a));
}

// Interpolate-4 (data, sizes, scales[, axes]) and -11 (data, sizes_or_scales
// [, axes]) over H and W of NCHW data; N and C must stay as they are.
void interpolate(Builder& b) {
    const LayerDesc& l = b.layer();
    require_opset(l, {4, 11});
    const bool v11 = opset(l) == 11;
    b.expect_ports(v11 ? 2 : 3, v11 ? 3 : 4, 1);
    const PortRef data = b.input(0);
    const Shape& in = b.desc(data).shape;
    Attributes a;
    const std::string mode = l.attr("mode");
    // Without antialiasing OpenVINO's "linear" and "linear_onnx" are the same
    // separable bilinear filter, which is octet's "linear".
    if (mode == "nearest") a.set("mode", "nearest");
    else if (mode == "linear" || mode == "linear_onnx") a.set("mode", "linear");
    else throw UnsupportedError(l.attr_where("mode") + " = '" + mode + "' is not supported (nearest, linear, linear_onnx)");
    if (l.has("antialias") && parse_bool(l.attr("antialias"), l.attr_where("antialias")))
        throw UnsupportedError(l.attr_where("antialias") + " = true is not supported");
    for (const char* pad : {"pads_begin", "pads_end"})
        for (int64_t p : ints_attr(l, pad, {}))
            if (p != 0) throw UnsupportedError(l.attr_where(pad) + " = " + l.attr(pad) + " is not supported (zeros only)");
    if (l.has("coordinate_transformation_mode")) a.set("coordinate_transformation_mode", l.attr("coordinate_transformation_mode"));
    if (l.has("nearest_mode")) a.set("nearest_mode", l.attr("nearest_mode"));
    const std::string calc = l.attr("shape_calculation_mode");
    if (calc != "sizes" && calc != "scales")
        throw UnsupportedError(l.attr_where("shape_calculation_mode") + " = '" + calc + "' is not supported");
    const size_t values_input = v11 || calc == "sizes" ? 1 : 2;
    const size_t axes_input = v11 ? 2 : 3;
    std::vector<int64_t> axes;
    if (b.num_inputs() > axes_input) axes = b.input_ints(axes_input, "the axes");
    else for (size_t i = 0; i < in.size(); ++i) axes.push_back(int64_t(i));
    if (in.size() != 4) throw UnsupportedError(l.describe() + ": only 4-D (NCHW) data is supported");
    std::vector<int64_t> sizes{in[2], in[3]};
    std::vector<double> scales{1.0, 1.0};
    const std::vector<double> values = b.input_floats(values_input, calc == "sizes" ? "the sizes" : "the scales");
    if (values.size() != axes.size())
        throw ValidationError(l.describe() + ": " + std::to_string(values.size()) + " " + calc + " for " +
                              std::to_string(axes.size()) + " axes");
    for (size_t i = 0; i < axes.size(); ++i) {
        const int64_t axis = axes[i] < 0 ? axes[i] + 4 : axes[i];
        if (axis < 0 || axis > 3) throw ValidationError(l.describe() + ": axis " + std::to_string(axes[i]) + " is out of range");
        const bool keeps = calc == "sizes" ? values[i] == double(in[size_t(axis)]) : values[i] == 1.0;
        if (axis < 2) {
            if (!keeps) throw UnsupportedError(l.describe() + ": resizing axis " + std::to_string(axis) + " (N or C) is not supported");
            continue;
        }
        if (calc == "sizes") {
            if (!(values[i] >= 1 && values[i] <= double(int64_t(1) << 31)))
                throw ValidationError(l.describe() + ": size " + std::to_string(values[i]) + " is out of range");
            sizes[size_t(axis - 2)] = int64_t(values[i]);
        } else {
            scales[size_t(axis - 2)] = values[i];
        }
    }
    if (calc == "sizes") a.set("sizes", sizes);
    else a.set("scales", scales);
    b.set_output(0, b.emit("Interpolate", l.name, {data}, a));
}

void mvn(Builder& b) {
    const LayerDesc& l = b.layer();
    if (opset(l) != 6)
        throw UnsupportedError(l.describe() + ": MVN of " + l.version + " is not supported (opset6, with an axes input)");
    b.expect_ports(2, 2, 1);
    Attributes a;
    a.set("axes", b.input_ints(1, "the axes"));
    a.set("normalize_variance", parse_bool(l.attr("normalize_variance"), l.attr_where("normalize_variance")));
    a.set("eps", AttrValue(parse_float(l.attr("eps"), l.attr_where("eps"))));
    a.set("eps_mode", l.attr("eps_mode"));
    b.set_output(0, b.emit("MVN", l.name, {b.input(0)}, a));
}

void softmax(Builder& b) {
    const LayerDesc& l = b.layer();
    require_opset(l, {1, 8});
    b.expect_ports(1, 1, 1);
    Attributes a;
    a.set("axis", AttrValue(parse_int(l.attr("axis"), l.attr_where("axis"))));
    b.set_output(0, b.emit("Softmax", l.name, {b.input(0)}, a));
}

const std::map<std::string, std::function<void(Builder&)>>& converters() {
    static const std::map<std::string, std::function<void(Builder&)>> table = {
        {"Parameter", parameter},
        {"Const", constant},
        {"Result", result},
        {"Convolution", convolution},
        {"GroupConvolution", group_convolution},
        {"MatMul", matmul},
        {"FakeQuantize", fake_quantize},
        {"Add", [](Builder& b) { binary(b, "Add"); }},
        {"Multiply", [](Builder& b) { binary(b, "Multiply"); }},
        {"Subtract", [](Builder& b) { binary(b, "Subtract"); }},
        {"Convert", convert},
        {"ReLU", relu},
        {"Clamp", clamp},
        {"MaxPool", max_pool},
        {"AvgPool", avg_pool},
        {"Concat", concat},
        {"Reshape", reshape},
        {"Transpose", transpose},
        {"Squeeze", squeeze},
        {"Unsqueeze", unsqueeze},
        {"Interpolate", interpolate},
        {"MVN", mvn},
        {"SoftMax", softmax},
    };
    return table;
}

}  // namespace

void convert_layer(Builder& b) {
    const auto& table = converters();
    auto it = table.find(b.layer().type);
    if (it == table.end())
        throw UnsupportedError(b.layer().describe() + ": layer type '" + b.layer().type + "' is not supported");
    it->second(b);
}

}  // namespace octet::ir::openvino
