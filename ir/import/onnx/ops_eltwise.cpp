// Element-wise and normalization ops: Relu, Clip (attributes before opset 11,
// constant inputs after), Add/Sub/Mul, Softmax (opset < 13 coerces to 2-D,
// opset 13 normalizes one axis), LayerNormalization (MVN + scale + bias),
// Identity and inference-mode Dropout.
#include <onnx/onnx_pb.h>

#include <limits>

#include "ir/error.hpp"
#include "ir/import/onnx/op_table.hpp"

namespace octet::ir::onnx_import {

namespace {

void relu(const OnnxNode& n) {
    n.expect_attrs({});
    n.set_output(0, n.add("Relu", "", {n.input(0)}));
}

double scalar_input(const OnnxNode& n, size_t i, const char* what) {
    const ConstTensor& c = n.require_const(i, what);
    if (c.numel() != 1) n.unsupported(std::string(what) + " must be a scalar, got shape " + to_string(c.dims));
    return c.as_doubles()[0];
}

void clip(const OnnxNode& n) {
    double lo = -std::numeric_limits<float>::max(), hi = std::numeric_limits<float>::max();
    if (n.opset() < 11) {
        n.expect_attrs({"min", "max"});
        lo = n.attr_float("min", float(lo));
        hi = n.attr_float("max", float(hi));
    } else {
        n.expect_attrs({});
        if (n.has_input(1)) lo = scalar_input(n, 1, "min");
        if (n.has_input(2)) hi = scalar_input(n, 2, "max");
    }
    const ElemType t = n.input_desc(0).type;
    if (t == ElemType::u8) lo = std::max(lo, 0.0), hi = std::min(hi, 255.0);
    if (t == ElemType::s8) lo = std::max(lo, -128.0), hi = std::min(hi, 127.0);
    if (lo > hi) {
        // ONNX (numpy.clip) returns max for every element when min > max.
        lo = hi;
    }
    Attributes a;
    a.set("min", AttrValue(lo));
    a.set("max", AttrValue(hi));
    n.set_output(0, n.add("Clamp", "", {n.input(0)}, a));
}

template <const char* Op>
void binary(const OnnxNode& n) {
    n.expect_attrs({});
    if (gelu_step(n)) return;
    const TensorDesc& a = n.input_desc(0);
    const TensorDesc& b = n.input_desc(1);
    if (a.type != b.type)
        n.invalid(std::string("inputs have different element types (") + to_string(a.type) + ", " + to_string(b.type) + ")");
    if (a.type == ElemType::u8 || a.type == ElemType::s8)
        n.unsupported(std::string("8-bit integer arithmetic (ONNX wraps around) is not supported, inputs are ") + to_string(a.type));
    n.set_output(0, n.add(Op, "", {n.input(0), n.input(1)}));
}
constexpr char kAdd[] = "Add", kSub[] = "Subtract", kMul[] = "Multiply";

void softmax(const OnnxNode& n) {
    n.expect_attrs({"axis"});
    const Shape s = n.input_desc(0).shape;
    const int64_t rank = int64_t(s.size());
    if (rank == 0) n.invalid("input must have rank >= 1");
    if (n.opset() >= 13) {
        Attributes a;
        a.set("axis", AttrValue(normalize_axis(n, n.attr_int("axis", -1), rank)));
        n.set_output(0, n.add("Softmax", "", {n.input(0)}, a));
        return;
    }
    // Before opset 13 the input is read as 2-D [prod(dims < axis), prod(dims >= axis)].
    const int64_t axis = normalize_axis(n, n.attr_int("axis", 1), rank);
    Attributes a;
    if (axis == rank - 1) {
        a.set("axis", AttrValue(axis));
        n.set_output(0, n.add("Softmax", "", {n.input(0)}, a));
        return;
    }
    int64_t outer = 1, inner = 1;
    for (int64_t d = 0; d < rank; ++d) (d < axis ? outer : inner) *= s[size_t(d)];
    Attributes r;
    r.set("shape", std::vector<int64_t>{outer, inner});
    r.set("special_zero", false);
    PortRef y = n.add("Reshape", "/to_2d", {n.input(0)}, r);
    a.set("axis", AttrValue(int64_t(1)));
    y = n.add("Softmax", "", {y}, a);
    Attributes back;
    back.set("shape", s);
    back.set("special_zero", false);
    n.set_output(0, n.add("Reshape", "/from_2d", {y}, back));
}

void layer_normalization(const OnnxNode& n) {
    n.expect_attrs({"axis", "epsilon", "stash_type"});
    for (size_t i = 1; i < 3; ++i)
        if (n.output_used(i)) n.unsupported("output " + std::to_string(i) + " (Mean / InvStdDev) is not supported");
    if (n.attr_int("stash_type", 1) != 1) n.unsupported("attribute 'stash_type' other than 1 (float) is not supported");
    const int64_t rank = int64_t(n.input_desc(0).shape.size());
    const int64_t axis = normalize_axis(n, n.attr_int("axis", -1), rank);
    std::vector<int64_t> axes;
    for (int64_t d = axis; d < rank; ++d) axes.push_back(d);
    Attributes a;
    a.set("axes", axes);
    a.set("normalize_variance", true);
    a.set("eps", AttrValue(double(n.attr_float("epsilon", 1e-5f))));
    a.set("eps_mode", "inside_sqrt");
    PortRef y = n.add("MVN", "/mvn", {n.input(0)}, a);
    y = n.add("Multiply", "/scale", {y, n.input(1)});
    if (n.has_input(2)) y = n.add("Add", "", {y, n.input(2)});
    n.set_output(0, y);
}

void identity(const OnnxNode& n) {
    n.expect_attrs({});
    if (const ConstTensor* c = n.const_input(0)) {
        n.set_output_const(0, *c);
        return;
    }
    n.set_output(0, n.input(0));
}

void dropout(const OnnxNode& n) {
    n.expect_attrs({"seed", "ratio", "is_test"});
    if (n.output_used(1)) n.unsupported("output 1 (mask, BOOL) is not supported");
    if (n.has_input(2)) {
        const ConstTensor& t = n.require_const(2, "training_mode");
        if (t.numel() != 1 || t.as_doubles()[0] != 0.0) n.unsupported("training_mode = true is not supported (inference only)");
    }
    n.set_output(0, n.input(0));
}

}  // namespace

void register_eltwise_ops(OpTable& t) {
    t["Relu"] = relu;
    t["Clip"] = clip;
    t["Add"] = binary<kAdd>;
    t["Sub"] = binary<kSub>;
    t["Mul"] = binary<kMul>;
    t["Softmax"] = softmax;
    t["LayerNormalization"] = layer_normalization;
    t["Identity"] = identity;
    t["Dropout"] = dropout;
}

}  // namespace octet::ir::onnx_import
