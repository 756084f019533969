// octet op -> ONNX opset 17 node(s). Attributes ONNX takes as inputs since opset
// 13 (Clip bounds, Reshape shape, Squeeze/Unsqueeze axes, Resize sizes) become
// initializers; an MVN over the last axis with the variance inside the sqrt is
// LayerNormalization (scale 1, bias 0: what importers and runtimes fuse), any other
// MVN and Gelu become their exact element-wise decompositions.
#include <cmath>
#include <cstring>

#include "ir/error.hpp"
#include "ir/export/onnx_writer.hpp"

namespace octet::ir::onnx_export {

namespace {

std::string onnx_auto_pad(const Node& n) {
    const std::string v = n.attrs.get_string("auto_pad", "explicit");
    if (v == "explicit") return "";
    if (v == "valid") return "VALID";
    if (v == "same_upper") return "SAME_UPPER";
    if (v == "same_lower") return "SAME_LOWER";
    throw UnsupportedError(node_prefix(n) + "auto_pad '" + v + "' has no ONNX form");
}

// strides / pads / auto_pad shared by Conv, MaxPool and AveragePool.
void window_attrs(onnx::NodeProto* p, const Node& n) {
    set_attr(p, "strides", n.attrs.get_ints("strides", {1, 1}));
    const std::string auto_pad = onnx_auto_pad(n);
    if (!auto_pad.empty()) {
        set_attr(p, "auto_pad", auto_pad);
        return;
    }
    std::vector<int64_t> pads = n.attrs.get_ints("pads_begin", {0, 0});
    for (int64_t e : n.attrs.get_ints("pads_end", {0, 0})) pads.push_back(e);
    set_attr(p, "pads", pads);
}

std::vector<int64_t> transpose_last_two(size_t rank) {
    std::vector<int64_t> perm;
    for (size_t i = 0; i < rank; ++i) perm.push_back(int64_t(i));
    std::swap(perm[rank - 2], perm[rank - 1]);
    return perm;
}

// ONNX MatMul has no transpose flags: a Transpose on the operand (rank >= 2).
std::string matmul_operand(OnnxWriter& w, const Node& n, size_t i, const char* flag) {
    const size_t rank = w.graph().desc(n.inputs[i]).shape.size();
    // numpy: transposing a vector changes nothing
    if (!n.attrs.get_bool(flag, false) || rank < 2) return w.value(n.inputs[i]);
    const Node& src = w.graph().node(n.inputs[i].node);
    if (i == 1 && exports_transposed_weights(w.graph(), n.inputs[i].node)) return w.value(n.inputs[i]);
    if (src.op == "Constant" && rank == 2) {  // weights: transpose the initializer, as exporters do
        const Tensor& t = src.value;
        const int64_t rows = t.shape()[0], cols = t.shape()[1];
        const size_t es = elem_size(t.type());
        Tensor tt(t.type(), {cols, rows});
        const uint8_t* a = static_cast<const uint8_t*>(t.raw());
        uint8_t* b = static_cast<uint8_t*>(tt.raw());
        for (int64_t r = 0; r < rows; ++r)
            for (int64_t c = 0; c < cols; ++c)
                std::memcpy(b + size_t(c * rows + r) * es, a + size_t(r * cols + c) * es, es);
        return w.initializer(src.name + "/transposed", tt);
    }
    const std::string out = w.fresh(n.name + "/" + flag);
    set_attr(w.node("Transpose", out, {w.value(n.inputs[i])}, {out}), "perm", transpose_last_two(rank));
    return out;
}

void gelu(OnnxWriter& w, const Node& n, const std::string& x, const std::string& out) {
    const std::string half = w.float_scalar(n.name + "/half", 0.5f), one = w.float_scalar(n.name + "/one", 1.f);
    std::string inner;
    if (n.attrs.get_string("approximation_mode", "erf") == "erf") {
        // (x * (1 + erf(x / sqrt(2)))) * 0.5: the node order PyTorch's exporter writes,
        // which octet's importer (and OpenVINO's) fuse back into one Gelu.
        const std::string scaled = w.fresh(n.name + "/x_div_sqrt2"), erf = w.fresh(n.name + "/erf");
        w.node("Div", scaled, {x, w.float_scalar(n.name + "/sqrt2", float(std::sqrt(2.0)))}, {scaled});
        w.node("Erf", erf, {scaled}, {erf});
        inner = erf;
    } else {
        // 0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3)))
        const std::string x3 = w.fresh(n.name + "/x3"), x2 = w.fresh(n.name + "/x2"), t = w.fresh(n.name + "/cubic"),
                          s = w.fresh(n.name + "/sum"), a = w.fresh(n.name + "/arg"), th = w.fresh(n.name + "/tanh");
        w.node("Mul", x2, {x, x}, {x2});
        w.node("Mul", x3, {x2, x}, {x3});
        w.node("Mul", t, {x3, w.float_scalar(n.name + "/c", 0.044715f)}, {t});
        w.node("Add", s, {x, t}, {s});
        w.node("Mul", a, {s, w.float_scalar(n.name + "/k", float(std::sqrt(2.0 / M_PI)))}, {a});
        w.node("Tanh", th, {a}, {th});
        inner = th;
    }
    const std::string plus = w.fresh(n.name + "/one_plus"), xp = w.fresh(n.name + "/x_times");
    w.node("Add", plus, {inner, one}, {plus});
    w.node("Mul", xp, {x, plus}, {xp});
    w.node("Mul", out, {xp, half}, {out});
}

// LayerNormalization(x, 1, 0) when the MVN is one: a single axis, the last, the
// variance normalized with eps inside the sqrt. Returns false otherwise.
bool layer_normalization(OnnxWriter& w, const Node& n, const std::string& x, const std::string& out) {
    const std::vector<int64_t> axes = n.attrs.get_ints("axes");
    const int64_t rank = int64_t(w.graph().desc(n.inputs[0]).shape.size());
    if (axes.size() != 1 || rank < 1 || !(axes[0] == rank - 1 || axes[0] == -1)) return false;
    if (!n.attrs.get_bool("normalize_variance", true)) return false;
    if (n.attrs.get_string("eps_mode", "inside_sqrt") != "inside_sqrt") return false;
    const int64_t c = w.graph().desc(n.inputs[0]).shape.back();
    const std::string scale = w.floats(n.name + "/scale", std::vector<float>(size_t(c), 1.f));
    const std::string bias = w.floats(n.name + "/bias", std::vector<float>(size_t(c), 0.f));
    onnx::NodeProto* ln = w.node("LayerNormalization", n.name, {x, scale, bias}, {out});
    set_attr(ln, "axis", int64_t(-1));
    set_attr(ln, "epsilon", float(n.attrs.get_float("eps", 1e-9)));
    return true;
}

// (x - mean) [/ sqrt(var + eps) | / (sqrt(var) + eps)] over `axes`.
void mvn(OnnxWriter& w, const Node& n, const std::string& x, const std::string& out) {
    if (layer_normalization(w, n, x, out)) return;
    const std::vector<int64_t> axes = n.attrs.get_ints("axes");
    const std::string mean = w.fresh(n.name + "/mean"), centered = w.fresh(n.name + "/centered");
    onnx::NodeProto* m = w.node("ReduceMean", mean, {x}, {mean});
    set_attr(m, "axes", axes);
    set_attr(m, "keepdims", int64_t(1));
    if (!n.attrs.get_bool("normalize_variance", true)) {
        w.node("Sub", out, {x, mean}, {out});
        return;
    }
    w.node("Sub", centered, {x, mean}, {centered});
    const std::string sq = w.fresh(n.name + "/squared"), var = w.fresh(n.name + "/variance"),
                      den = w.fresh(n.name + "/denominator");
    w.node("Mul", sq, {centered, centered}, {sq});
    onnx::NodeProto* v = w.node("ReduceMean", var, {sq}, {var});
    set_attr(v, "axes", axes);
    set_attr(v, "keepdims", int64_t(1));
    const std::string eps = w.float_scalar(n.name + "/eps", float(n.attrs.get_float("eps", 1e-9)));
    const std::string tmp = w.fresh(n.name + "/tmp");
    if (n.attrs.get_string("eps_mode", "inside_sqrt") == "inside_sqrt") {
        w.node("Add", tmp, {var, eps}, {tmp});
        w.node("Sqrt", den, {tmp}, {den});
    } else {
        w.node("Sqrt", tmp, {var}, {tmp});
        w.node("Add", den, {tmp, eps}, {den});
    }
    w.node("Div", out, {centered, den}, {out});
}

void resize(OnnxWriter& w, const Node& n, const std::string& x, const std::string& out) {
    const std::string mode = n.attrs.get_string("mode");
    const std::string ctm = n.attrs.get_string("coordinate_transformation_mode", "half_pixel");
    const std::string nearest = n.attrs.get_string("nearest_mode", "round_prefer_floor");
    if (nearest == "simple") throw UnsupportedError(node_prefix(n) + "nearest_mode 'simple' has no ONNX form");
    const Shape& in = w.graph().desc(n.inputs[0]).shape;
    const std::string roi = w.floats(n.name + "/roi", {});
    onnx::NodeProto* r;
    if (n.attrs.has("scales")) {
        const std::vector<double> s = n.attrs.get_floats("scales");
        r = w.node("Resize", out, {x, roi, w.floats(n.name + "/scales", {1.f, 1.f, float(s[0]), float(s[1])})}, {out});
    } else {
        const std::vector<int64_t> s = n.attrs.get_ints("sizes");
        r = w.node("Resize", out, {x, roi, "", w.int64s(n.name + "/sizes", {in[0], in[1], s[0], s[1]})}, {out});
    }
    set_attr(r, "mode", mode);
    set_attr(r, "coordinate_transformation_mode", ctm);
    if (mode == "nearest") set_attr(r, "nearest_mode", nearest);
}

}  // namespace

void export_op(OnnxWriter& w, int index) {
    const Graph& g = w.graph();
    const Node& n = g.node(index);
    const std::string out = n.name;  // reserved for this node's value by the driver
    w.bind(index, out);
    auto in = [&](size_t i) { return w.value(n.inputs.at(i)); };
    const std::string& op = n.op;
    if (op == "Convolution") {
        onnx::NodeProto* p = w.node("Conv", n.name, {in(0), in(1)}, {out});
        const Shape& ws = g.desc(n.inputs[1]).shape;
        set_attr(p, "kernel_shape", std::vector<int64_t>(ws.begin() + 2, ws.end()));
        set_attr(p, "dilations", n.attrs.get_ints("dilations", {1, 1}));
        set_attr(p, "group", n.attrs.get_int("group", 1));
        window_attrs(p, n);
    } else if (op == "MaxPool" || op == "AvgPool") {
        onnx::NodeProto* p = w.node(op == "MaxPool" ? "MaxPool" : "AveragePool", n.name, {in(0)}, {out});
        set_attr(p, "kernel_shape", n.attrs.get_ints("kernel"));
        set_attr(p, "ceil_mode", int64_t(n.attrs.get_string("rounding_type", "floor") == "ceil"));
        if (op == "AvgPool") set_attr(p, "count_include_pad", int64_t(!n.attrs.get_bool("exclude_pad", false)));
        window_attrs(p, n);
    } else if (op == "MatMul") {
        const std::string a = matmul_operand(w, n, 0, "transpose_a"), b = matmul_operand(w, n, 1, "transpose_b");
        w.node("MatMul", n.name, {a, b}, {out});
    } else if (op == "Relu") {
        w.node("Relu", n.name, {in(0)}, {out});
    } else if (op == "Clamp") {
        w.node("Clip", n.name,
               {in(0), w.float_scalar(n.name + "/min", float(n.attrs.get_float("min"))),
                w.float_scalar(n.name + "/max", float(n.attrs.get_float("max")))},
               {out});
    } else if (op == "Gelu") {
        gelu(w, n, in(0), out);
    } else if (op == "Add" || op == "Subtract" || op == "Multiply") {
        w.node(op == "Add" ? "Add" : op == "Subtract" ? "Sub" : "Mul", n.name, {in(0), in(1)}, {out});
    } else if (op == "Concat") {
        std::vector<std::string> ins;
        for (size_t i = 0; i < n.inputs.size(); ++i) ins.push_back(in(i));
        set_attr(w.node("Concat", n.name, ins, {out}), "axis", n.attrs.get_int("axis"));
    } else if (op == "Reshape") {
        // Shapes are static: the inferred output shape says it without 0 / -1.
        w.node("Reshape", n.name, {in(0), w.int64s(n.name + "/shape", n.outputs[0].shape)}, {out});
    } else if (op == "Transpose") {
        std::vector<int64_t> order = n.attrs.get_ints("order", {});
        if (order.empty())
            for (size_t i = g.desc(n.inputs[0]).shape.size(); i-- > 0;) order.push_back(int64_t(i));
        set_attr(w.node("Transpose", n.name, {in(0)}, {out}), "perm", order);
    } else if (op == "Squeeze") {
        std::vector<int64_t> axes = n.attrs.get_ints("axes", {});
        const Shape& s = g.desc(n.inputs[0]).shape;
        if (axes.empty())
            for (size_t i = 0; i < s.size(); ++i)
                if (s[i] == 1) axes.push_back(int64_t(i));
        w.node("Squeeze", n.name, {in(0), w.int64s(n.name + "/axes", axes)}, {out});
    } else if (op == "Unsqueeze") {
        w.node("Unsqueeze", n.name, {in(0), w.int64s(n.name + "/axes", n.attrs.get_ints("axes"))}, {out});
    } else if (op == "Interpolate") {
        resize(w, n, in(0), out);
    } else if (op == "MVN") {
        mvn(w, n, in(0), out);
    } else if (op == "Softmax") {
        set_attr(w.node("Softmax", n.name, {in(0)}, {out}), "axis", n.attrs.get_int("axis", 1));
    } else if (op == "Convert") {
        set_attr(w.node("Cast", n.name, {in(0)}, {out}), "to", int64_t(onnx_type(n.outputs[0].type)));
    } else if (op == "FakeQuantize") {
        export_fake_quantize(w, index);
    } else {
        throw UnsupportedError(node_prefix(n) + "op " + op +
                               " has no ONNX export (internal int8 ops: export the model before compiling it)");
    }
}

}  // namespace octet::ir::onnx_export
