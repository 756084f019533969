// QOperator ops with exact integer accumulators: ConvolutionI8 / MatMulI8 with
// the data zero point as the kernels' src zero point and s8 weights w - w_zp.
// When w - w_zp does not fit s8 (u8 weights), the products run in an f32
// Convolution / MatMul of the integer values instead, exact because the
// importer first checks that no partial sum can reach 2^24. Requantization
// (QLinearConv, QLinearMatMul) is round(acc * (x_scale * w_scale / y_scale))
// + y_zp: one f32 multiply in the epilogue, then the exact QuantizeLinear with
// scale 1.
#include <onnx/onnx_pb.h>

#include <cmath>
#include <cstdlib>

#include "ir/epilogue.hpp"
#include "ir/error.hpp"
#include "ir/import/onnx/op_table.hpp"
#include "ir/ops/int8_ops.hpp"

namespace octet::ir::onnx_import {

namespace {

using TP = onnx::TensorProto;

// A scalar or per-channel parameter input (scale or zero point), as doubles.
std::vector<double> param(const OnnxNode& n, size_t i, const char* what, double def, size_t channels) {
    if (!n.has_input(i)) return {def};
    const ConstTensor& c = n.require_const(i, what);
    if (c.dims.size() > 1 || (c.numel() != 1 && size_t(c.numel()) != channels))
        n.invalid(std::string(what) + " must be a scalar or have " + std::to_string(channels) + " values, got shape " +
                  to_string(c.dims));
    return c.as_doubles();
}
double at(const std::vector<double>& v, size_t c) { return v[v.size() == 1 ? 0 : c]; }

// Integer weights minus their zero point, per output channel along `oc_axis`.
struct IntWeights {
    Shape dims;
    std::vector<int32_t> v;
    int32_t max_abs = 0;
    bool fits_s8 = true;
};

IntWeights int_weights(const OnnxNode& n, size_t wi, size_t zi, int64_t oc_axis) {
    const ConstTensor& w = n.require_const(wi, "weights");
    if (w.data_type != TP::UINT8 && w.data_type != TP::INT8)
        n.unsupported("weights have type " + onnx_type_name(w.data_type) + "; UINT8 or INT8 expected");
    if (oc_axis >= int64_t(w.dims.size())) n.invalid("weights have rank " + std::to_string(w.dims.size()));
    const int64_t oc = w.dims[size_t(oc_axis)];
    int64_t inner = 1;
    for (size_t d = size_t(oc_axis) + 1; d < w.dims.size(); ++d) inner *= w.dims[d];
    const std::vector<double> zp = param(n, zi, "weight zero point", 0.0, size_t(oc));
    if (n.has_input(zi) && n.require_const(zi, "weight zero point").data_type != w.data_type)
        n.invalid("weights and their zero point have different element types");
    IntWeights r;
    r.dims = w.dims;
    r.v.resize(w.ints.size());
    for (size_t i = 0; i < r.v.size(); ++i) {
        const size_t c = size_t((int64_t(i) / inner) % oc);
        const int32_t q = int32_t(w.ints[i]) - int32_t(at(zp, c));
        r.v[i] = q;
        r.max_abs = std::max(r.max_abs, std::abs(q));
        r.fits_s8 = r.fits_s8 && q >= -128 && q <= 127;
    }
    return r;
}

Tensor s8_tensor(const IntWeights& w) {
    Tensor t(ElemType::s8, w.dims);
    for (size_t i = 0; i < w.v.size(); ++i) t.data<int8_t>()[i] = int8_t(w.v[i]);
    return t;
}

// Data zero point (a scalar of the data's type).
int32_t data_zero_point(const OnnxNode& n, size_t zi, ElemType data_type) {
    if (!n.has_input(zi)) return 0;
    const ConstTensor& z = n.require_const(zi, "data zero point");
    if (z.numel() != 1) n.unsupported("a per-channel data zero point is not supported");
    ElemType t;
    if (!ir_type_of(z.data_type, t) || t != data_type) n.invalid("data and its zero point have different element types");
    return int32_t(z.ints[0]);
}

// The f32 fallback for weights beyond s8: (float(x) - x_zp) (*) float(w - w_zp),
// exact while every partial sum stays below 2^24.
PortRef f32_data(const OnnxNode& n, size_t xi, int32_t xzp, int64_t k, int32_t w_max) {
    const ElemType t = n.input_desc(xi).type;
    const double x_max = t == ElemType::u8 ? std::max(255 - xzp, xzp) : std::max(127 - xzp, xzp + 128);
    if (double(k) * x_max * double(w_max) >= 16777216.0)
        n.unsupported("weights minus zero point do not fit INT8 and the exact f32 path would need sums beyond 2^24 (K = " +
                      std::to_string(k) + ")");
    Attributes c;
    c.set("destination_type", "f32");
    PortRef x = n.add("Convert", "/to_f32", {n.input(xi)}, c);
    if (xzp != 0) x = n.add("Subtract", "/data_zero_point", {x, n.f32_constant("/data_zero_point_value", {}, {float(xzp)})});
    return x;
}

Tensor f32_tensor(const IntWeights& w) {
    Tensor t(ElemType::f32, w.dims);
    for (size_t i = 0; i < w.v.size(); ++i) t.data<float>()[i] = float(w.v[i]);
    return t;
}

void expect_int8_data(const OnnxNode& n, size_t i) {
    const ElemType t = n.input_desc(i).type;
    if (t != ElemType::u8 && t != ElemType::s8) n.unsupported(std::string("data must be UINT8 or INT8, got ") + to_string(t));
}

// Requantization tail: round(v) + y_zp, saturated (v already carries the multiplier).
PortRef requantize_tail(const OnnxNode& n, PortRef v, size_t ys_i, size_t yzp_i) {
    if (!n.has_input(yzp_i)) n.invalid("output zero point is missing");
    const ConstTensor& z = n.require_const(yzp_i, "output zero point");
    if (z.numel() != 1) n.unsupported("a per-channel output zero point is not supported");
    ElemType t;
    if (!ir_type_of(z.data_type, t) || (t != ElemType::u8 && t != ElemType::s8))
        n.unsupported("output zero point has type " + onnx_type_name(z.data_type));
    Attributes a;
    a.set("destination_type", to_string(t));
    a.set("scale", std::vector<double>{1.0});
    a.set("zero_point", std::vector<double>{double(z.ints[0])});
    return n.add("QuantizeLinear", "/requantize", {v}, a);
}

int64_t conv_k(const Shape& w) {
    int64_t k = 1;
    for (size_t d = 1; d < w.size(); ++d) k *= w[d];
    return k;
}

void conv_attrs(const OnnxNode& n, Attributes& a, const Shape& w) {
    n.expect_attrs({"auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"});
    if (n.input_desc(0).shape.size() != 4) n.unsupported("only 2-D convolutions (input rank 4) are supported");
    window_attrs(n, 4, false, a);
    a.set("group", AttrValue(n.attr_int("group", 1)));
    const std::vector<int64_t> k = n.attr_ints("kernel_shape", {});
    if (!k.empty() && (w.size() != 4 || k != std::vector<int64_t>{w[2], w[3]}))
        n.invalid("attribute 'kernel_shape' does not match the weights' shape " + to_string(w));
}

// Shared by ConvInteger and QLinearConv: the accumulator (s32 when `epi` is
// empty, else f32 through `epi`), via ConvolutionI8 or the exact f32 path.
PortRef integer_conv(const OnnxNode& n, size_t xi, size_t xzi, size_t wi, size_t wzi, const Epilogue* epi,
                     const std::vector<float>& bias, const std::vector<float>& multiplier) {
    expect_int8_data(n, xi);
    const int32_t xzp = data_zero_point(n, xzi, n.input_desc(xi).type);
    const IntWeights w = int_weights(n, wi, wzi, 0);
    Attributes a;
    conv_attrs(n, a, w.dims);
    if (w.fits_s8) {
        a.set("src_zero_point", AttrValue(int64_t(xzp)));
        Epilogue e;
        e.dst_type = ElemType::s32;
        if (epi) e = *epi;
        epilogue_to_attrs(e, a);
        return n.add("ConvolutionI8", "", {n.input(xi), n.constant("/weights", s8_tensor(w))}, a);
    }
    const PortRef x = f32_data(n, xi, xzp, conv_k(w.dims), w.max_abs);
    PortRef y = n.add("Convolution", "", {x, n.constant("/weights", f32_tensor(w))}, a);
    const int64_t oc = w.dims[0];
    auto per_channel = [&](const std::vector<float>& v) {
        return v.size() == 1 ? n.f32_constant("/v", {}, v) : n.f32_constant("/v", {1, oc, 1, 1}, v);
    };
    if (!epi) {
        Attributes c;
        c.set("destination_type", "s32");
        return n.add("Convert", "/to_s32", {y}, c);
    }
    if (!bias.empty()) y = n.add("Add", "/bias", {y, per_channel(bias)});
    return n.add("Multiply", "/multiplier", {y, per_channel(multiplier)});
}

void conv_integer(const OnnxNode& n) {
    n.set_output(0, integer_conv(n, 0, 2, 1, 3, nullptr, {}, {}));
}

// x_scale * w_scale[c] / y_scale per output channel, in f32 as ONNX Runtime computes it.
std::vector<float> multipliers(const OnnxNode& n, size_t xs, size_t ws, size_t ys, size_t channels) {
    const std::vector<double> x = param(n, xs, "data scale", 1.0, 1);
    const std::vector<double> w = param(n, ws, "weight scale", 1.0, channels);
    const std::vector<double> y = param(n, ys, "output scale", 1.0, 1);
    std::vector<float> m(w.size() == 1 ? 1 : channels);
    for (size_t c = 0; c < m.size(); ++c) {
        const float v = float(x[0]) * float(at(w, c)) / float(y[0]);
        if (!std::isfinite(v) || v <= 0.f) n.unsupported("scales must be finite and positive");
        m[c] = v;
    }
    return m;
}

void qlinear_conv(const OnnxNode& n) {
    const ConstTensor& w = n.require_const(3, "weights");
    if (w.dims.empty()) n.invalid("weights must have rank 4");
    const size_t oc = size_t(w.dims[0]);
    Epilogue e;
    e.dst_type = ElemType::f32;
    e.out_scale = multipliers(n, 1, 4, 6, oc);
    std::vector<float> bias;
    if (n.has_input(8)) {
        const ConstTensor& b = n.require_const(8, "bias");
        if (b.data_type != TP::INT32 || b.dims != Shape{int64_t(oc)}) n.invalid("bias must be INT32 [" + std::to_string(oc) + "]");
        for (int64_t v : b.ints) bias.push_back(float(v));
        e.bias = bias;
    }
    const PortRef acc = integer_conv(n, 0, 2, 3, 5, &e, bias, e.out_scale);
    n.set_output(0, requantize_tail(n, acc, 6, 7));
}

// Shared by MatMulInteger and QLinearMatMul; B is a constant [K, N] or [..., K, N].
PortRef integer_matmul(const OnnxNode& n, size_t ai, size_t azi, size_t bi, size_t bzi, const Epilogue* epi) {
    n.expect_attrs({});
    expect_int8_data(n, ai);
    const Shape a_shape = n.input_desc(ai).shape;
    if (a_shape.size() < 2) n.unsupported("A must have rank >= 2");
    const int32_t azp = data_zero_point(n, azi, n.input_desc(ai).type);
    const ConstTensor& bc = n.require_const(bi, "B");
    if (bc.dims.size() != 2 && bc.dims.size() != a_shape.size())
        n.unsupported("B must be 2-D or have A's rank, got " + to_string(bc.dims));
    // Per-column zero points run along the last axis of [..., K, N].
    const int64_t k = bc.dims[bc.dims.size() - 2], cols = bc.dims.back();
    const IntWeights w = [&] {
        // int_weights walks channels along an axis; N is the last axis here.
        const ConstTensor& b = bc;
        const std::vector<double> zp = param(n, bzi, "B zero point", 0.0, size_t(cols));
        if (n.has_input(bzi) && n.require_const(bzi, "B zero point").data_type != b.data_type)
            n.invalid("B and its zero point have different element types");
        if (b.data_type != TP::UINT8 && b.data_type != TP::INT8)
            n.unsupported("B has type " + onnx_type_name(b.data_type) + "; UINT8 or INT8 expected");
        IntWeights r;
        r.dims = b.dims;
        r.v.resize(b.ints.size());
        for (size_t i = 0; i < r.v.size(); ++i) {
            const int32_t q = int32_t(b.ints[i]) - int32_t(at(zp, i % size_t(cols)));
            r.v[i] = q;
            r.max_abs = std::max(r.max_abs, std::abs(q));
            r.fits_s8 = r.fits_s8 && q >= -128 && q <= 127;
        }
        return r;
    }();
    if (w.fits_s8) {
        Attributes a;
        a.set("a_zero_point", AttrValue(int64_t(azp)));
        Epilogue e;
        e.dst_type = ElemType::s32;
        if (epi) e = *epi;
        epilogue_to_attrs(e, a);
        return n.add("MatMulI8", "", {n.input(ai), n.constant("/B", s8_tensor(w))}, a);
    }
    const PortRef x = f32_data(n, ai, azp, k, w.max_abs);
    PortRef y = n.add("MatMul", "", {x, n.constant("/B", f32_tensor(w))});
    if (!epi) {
        Attributes c;
        c.set("destination_type", "s32");
        return n.add("Convert", "/to_s32", {y}, c);
    }
    const std::vector<float>& m = epi->out_scale;
    return n.add("Multiply", "/multiplier", {y, m.size() == 1 ? n.f32_constant("/m", {}, m) : n.f32_constant("/m", {cols}, m)});
}

void matmul_integer(const OnnxNode& n) { n.set_output(0, integer_matmul(n, 0, 2, 1, 3, nullptr)); }

void qlinear_matmul(const OnnxNode& n) {
    const ConstTensor& b = n.require_const(3, "B");
    if (b.dims.size() < 2) n.unsupported("B must have rank >= 2, got " + to_string(b.dims));
    Epilogue e;
    e.dst_type = ElemType::f32;
    e.out_scale = multipliers(n, 1, 4, 6, size_t(b.dims.back()));
    const PortRef acc = integer_matmul(n, 0, 2, 3, 5, &e);
    n.set_output(0, requantize_tail(n, acc, 6, 7));
}

}  // namespace

void register_qoperator_ops(OpTable& t) {
    t["ConvInteger"] = conv_integer;
    t["QLinearConv"] = qlinear_conv;
    t["MatMulInteger"] = matmul_integer;
    t["QLinearMatMul"] = qlinear_matmul;
}

}  // namespace octet::ir::onnx_import
