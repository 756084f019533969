// Conv, Gemm, MatMul and the pooling ops (1-D windows run as 2-D over a unit
// H axis): ONNX's window attributes become the
// IR's explicit pads_begin/pads_end or auto_pad, a bias becomes an Add, Gemm's
// alpha/beta become Multiply nodes (or a folded constant).
#include <onnx/onnx_pb.h>

#include <algorithm>

#include "ir/error.hpp"
#include "ir/import/onnx/op_table.hpp"

namespace octet::ir::onnx_import {

void window_attrs(const OnnxNode& n, size_t rank, bool pool, Attributes& a) {
    // 1-D windows (rank 3) run as 2-D ones over [N, C, 1, W] (see as_2d).
    if (rank != 4 && rank != 3)
        n.unsupported("only 1-D and 2-D windows are supported (input rank 3 or 4), the input has rank " + std::to_string(rank));
    const size_t sp = rank - 2;
    std::vector<int64_t> strides = n.attr_ints("strides", std::vector<int64_t>(sp, 1));
    std::vector<int64_t> dilations = n.attr_ints("dilations", std::vector<int64_t>(sp, 1));
    std::vector<int64_t> pads = n.attr_ints("pads", std::vector<int64_t>(2 * sp, 0));
    std::vector<int64_t> kernel = n.attr_ints("kernel_shape", {});
    if (strides.size() != sp) n.invalid("attribute 'strides' must have " + std::to_string(sp) + " values");
    if (dilations.size() != sp) n.invalid("attribute 'dilations' must have " + std::to_string(sp) + " values");
    if (pads.size() != 2 * sp) n.invalid("attribute 'pads' must have " + std::to_string(2 * sp) + " values");
    if (!kernel.empty() && kernel.size() != sp) n.invalid("attribute 'kernel_shape' must have " + std::to_string(sp) + " values");
    if (sp == 1) {
        strides.insert(strides.begin(), 1);
        dilations.insert(dilations.begin(), 1);
        pads = {0, pads[0], 0, pads[1]};
        if (!kernel.empty()) kernel.insert(kernel.begin(), 1);
    }
    for (int64_t p : pads)
        if (p < 0) n.unsupported("attribute 'pads' has a negative value");
    const std::string auto_pad = n.attr_string("auto_pad", "NOTSET");
    std::string mode;
    if (auto_pad == "NOTSET") mode = "explicit";
    else if (auto_pad == "VALID") mode = "valid";
    else if (auto_pad == "SAME_UPPER") mode = "same_upper";
    else if (auto_pad == "SAME_LOWER") mode = "same_lower";
    else n.unsupported("attribute 'auto_pad' = '" + auto_pad + "' is not supported");
    a.set("strides", strides);
    a.set("pads_begin", std::vector<int64_t>{pads[0], pads[1]});
    a.set("pads_end", std::vector<int64_t>{pads[2], pads[3]});
    a.set("auto_pad", mode);
    if (pool) {
        if (dilations != std::vector<int64_t>{1, 1}) n.unsupported("attribute 'dilations' other than 1 is not supported for pooling");
        if (kernel.size() != 2) n.invalid("attribute 'kernel_shape' is required");
        a.set("kernel", kernel);
    } else {
        a.set("dilations", dilations);
    }
}

PortRef as_2d(const OnnxNode& n, PortRef x, const std::string& suffix) {
    if (n.ctx_desc(x).shape.size() != 3) return x;
    Attributes a;
    a.set("axes", std::vector<int64_t>{2});
    return n.add("Unsqueeze", suffix + "/to_2d", {x}, a);
}

PortRef from_2d(const OnnxNode& n, PortRef y, size_t input_rank) {
    if (input_rank != 3) return y;
    Attributes a;
    a.set("axes", std::vector<int64_t>{2});
    return n.add("Squeeze", "/from_2d", {y}, a);
}

namespace {

// [OC] bias -> [1, OC, 1, 1] so that it broadcasts over NCHW.
PortRef channel_bias(const OnnxNode& n, size_t i, int64_t oc) {
    if (const ConstTensor* c = n.const_input(i)) {
        if (c->dims != Shape{oc}) n.invalid("bias shape " + to_string(c->dims) + " must be [" + std::to_string(oc) + "]");
        Tensor t = c->to_tensor(n.prefix() + "bias");
        return n.constant("/bias", t.reshaped({1, oc, 1, 1}));
    }
    Attributes a;
    a.set("shape", std::vector<int64_t>{1, oc, 1, 1});
    a.set("special_zero", false);
    return n.add("Reshape", "/bias_reshape", {n.input(i)}, a);
}

void conv(const OnnxNode& n) {
    n.expect_attrs({"auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"});
    const TensorDesc& x = n.input_desc(0);
    const TensorDesc& w = n.input_desc(1);
    Attributes a;
    const size_t rank = x.shape.size();
    window_attrs(n, rank, false, a);
    a.set("group", AttrValue(n.attr_int("group", 1)));
    const std::vector<int64_t> k = n.attr_ints("kernel_shape", {});
    if (w.shape.size() != rank || (!k.empty() && !std::equal(k.begin(), k.end(), w.shape.begin() + 2)))
        n.invalid("attribute 'kernel_shape' or the weights' shape " + to_string(w.shape) + " does not match the input rank");
    PortRef y = n.add("Convolution", "", {as_2d(n, n.input(0), ""), as_2d(n, n.input(1), "/weights")}, a);
    if (n.has_input(2)) y = n.add("Add", "/add_bias", {y, channel_bias(n, 2, w.shape.at(0))});
    n.set_output(0, from_2d(n, y, rank));
}

void matmul(const OnnxNode& n) {
    n.expect_attrs({});
    n.set_output(0, n.add("MatMul", "", {n.input(0), n.input(1)}));
}

void gemm(const OnnxNode& n) {
    n.expect_attrs({"alpha", "beta", "transA", "transB"});
    const float alpha = n.attr_float("alpha", 1.f), beta = n.attr_float("beta", 1.f);
    Attributes a;
    a.set("transpose_a", n.attr_int("transA", 0) != 0);
    a.set("transpose_b", n.attr_int("transB", 0) != 0);
    if (n.input_desc(0).shape.size() != 2 || n.input_desc(1).shape.size() != 2) n.invalid("A and B must be 2-D");
    PortRef y = n.add("MatMul", "", {n.input(0), n.input(1)}, a);
    if (alpha != 1.f) y = n.add("Multiply", "/alpha", {y, n.f32_constant("/alpha_value", {}, {alpha})});
    if (n.has_input(2) && beta != 0.f) {
        PortRef c;
        if (const ConstTensor* ct = n.const_input(2); ct && ct->is_float()) {
            std::vector<float> v = ct->floats;
            for (float& e : v) e = e * beta;  // ONNX: beta * C, one f32 multiply per element
            c = n.f32_constant("/bias", ct->dims, v);
        } else {
            c = n.input(2);
            if (beta != 1.f) c = n.add("Multiply", "/beta", {c, n.f32_constant("/beta_value", {}, {beta})});
        }
        y = n.add("Add", "/add_bias", {y, c});
    }
    n.set_output(0, y);
}

void single_output(const OnnxNode& n) {
    for (size_t i = 1; i < n.output_count(); ++i)
        if (n.output_used(i)) n.unsupported("output " + std::to_string(i) + " (pooling indices) is not supported");
}

void max_pool(const OnnxNode& n) {
    n.expect_attrs({"auto_pad", "ceil_mode", "dilations", "kernel_shape", "pads", "storage_order", "strides"});
    single_output(n);
    if (n.attr_int("storage_order", 0) != 0) n.unsupported("attribute 'storage_order' = 1 is not supported");
    Attributes a;
    const size_t rank = n.input_desc(0).shape.size();
    window_attrs(n, rank, true, a);
    a.set("rounding_type", n.attr_int("ceil_mode", 0) ? "ceil" : "floor");
    n.set_output(0, from_2d(n, n.add("MaxPool", "", {as_2d(n, n.input(0), "")}, a), rank));
}

void average_pool(const OnnxNode& n) {
    n.expect_attrs({"auto_pad", "ceil_mode", "count_include_pad", "kernel_shape", "pads", "strides"});
    Attributes a;
    const size_t rank = n.input_desc(0).shape.size();
    window_attrs(n, rank, true, a);
    a.set("rounding_type", n.attr_int("ceil_mode", 0) ? "ceil" : "floor");
    a.set("exclude_pad", n.attr_int("count_include_pad", 0) == 0);
    n.set_output(0, from_2d(n, n.add("AvgPool", "", {as_2d(n, n.input(0), "")}, a), rank));
}

void global_average_pool(const OnnxNode& n) {
    n.expect_attrs({});
    const Shape& s = n.input_desc(0).shape;
    if (s.size() != 4) n.unsupported("only rank-4 inputs are supported, got " + to_string(s));
    Attributes a;
    a.set("kernel", std::vector<int64_t>{s[2], s[3]});
    a.set("strides", std::vector<int64_t>{1, 1});
    a.set("pads_begin", std::vector<int64_t>{0, 0});
    a.set("pads_end", std::vector<int64_t>{0, 0});
    a.set("exclude_pad", true);
    n.set_output(0, n.add("AvgPool", "", {n.input(0)}, a));
}

}  // namespace

void register_nn_ops(OpTable& t) {
    t["Conv"] = conv;
    t["MatMul"] = matmul;
    t["Gemm"] = gemm;
    t["MaxPool"] = max_pool;
    t["AveragePool"] = average_pool;
    t["GlobalAveragePool"] = global_average_pool;
}

}  // namespace octet::ir::onnx_import
