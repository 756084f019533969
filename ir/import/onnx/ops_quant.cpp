// Quantization ops. QuantizeLinear -> DequantizeLinear with equal parameters
// becomes one FakeQuantize (levels 256, ranges (qmin-zp)*s .. (qmax-zp)*s),
// which the LPT folds into the int8 kernels; a QuantizeLinear read by anything
// else stays ONNX-exact (the IR's QuantizeLinear op). DequantizeLinear of a
// constant is folded (s8 weights with zero point 0 keep a FakeQuantize so the
// LPT compresses them to s8 again).

#include <onnx/onnx_pb.h>

#include <cmath>

#include "ir/error.hpp"
#include "ir/import/onnx/op_table.hpp"

namespace octet::ir::onnx_import {

namespace {

using TP = onnx::TensorProto;

struct QParams {
    ElemType type = ElemType::u8;
    std::vector<double> scale, zero_point;  // size 1 or channels
    int64_t axis = 1;                       // normalized; meaningful for per-axis vectors
    bool per_axis() const { return scale.size() > 1 || zero_point.size() > 1; }
    bool operator==(const QParams& o) const {
        return type == o.type && scale == o.scale && zero_point == o.zero_point && (!per_axis() || axis == o.axis);
    }
};

// Scale input `si` and optional zero point `zi` (default u8 0). `axis_attr`
// and `rank` locate the channel axis of per-axis parameters.
QParams read_qparams(const OnnxNode& n, size_t si, size_t zi, int64_t axis_attr, int64_t rank, const char* what) {
    QParams q;
    const ConstTensor& s = n.require_const(si, "scale");
    if (!s.is_float()) n.unsupported(std::string(what) + " scale must be FLOAT, got " + onnx_type_name(s.data_type));
    q.scale = s.as_doubles();
    if (s.dims.size() > 1 || q.scale.empty()) n.invalid(std::string(what) + " scale must be a scalar or 1-D, got " + to_string(s.dims));
    for (double v : q.scale)
        if (!std::isfinite(v) || v <= 0.0) n.unsupported(std::string(what) + " scale " + std::to_string(v) + " must be finite and positive");
    if (n.has_input(zi)) {
        const ConstTensor& z = n.require_const(zi, "zero point");
        if (z.data_type == TP::UINT8) q.type = ElemType::u8;
        else if (z.data_type == TP::INT8) q.type = ElemType::s8;
        else if (z.data_type == TP::INT32) q.type = ElemType::s32;
        else n.unsupported(std::string(what) + " zero point has type " + onnx_type_name(z.data_type) + "; UINT8, INT8 or INT32 expected");
        if (z.numel() != int64_t(q.scale.size())) n.invalid(std::string(what) + " zero point and scale have different sizes");
        q.zero_point = z.as_doubles();
    } else {
        q.zero_point.assign(q.scale.size(), 0.0);
    }
    if (q.scale.size() > 1) q.axis = normalize_axis(n, axis_attr, rank);
    return q;
}

void qminmax(ElemType t, double& lo, double& hi) {
    lo = t == ElemType::u8 ? 0 : -128;
    hi = t == ElemType::u8 ? 255 : 127;
}

// A per-tensor or per-axis parameter vector as a constant broadcasting to rank `rank`.
PortRef channel_constant(const OnnxNode& n, const std::string& suffix, const std::vector<float>& v, int64_t axis,
                         int64_t rank) {
    Shape dims;
    if (v.size() > 1) {
        dims.assign(size_t(rank), 1);
        dims[size_t(axis)] = int64_t(v.size());
    }
    return n.f32_constant(suffix, dims, v);
}

void quantize_linear(const OnnxNode& n) {
    n.expect_attrs({"axis"});
    const TensorDesc& x = n.input_desc(0);
    if (x.type != ElemType::f32) n.unsupported(std::string("input must be FLOAT, got ") + to_string(x.type));
    const QParams q = read_qparams(n, 1, 2, n.attr_int("axis", 1), int64_t(x.shape.size()), "y");
    if (q.type == ElemType::s32) n.unsupported("quantizing to INT32 is not supported");
    if (q.per_axis() && q.scale.size() != size_t(x.shape[size_t(q.axis)]))
        n.invalid("per-axis scale has " + std::to_string(q.scale.size()) + " values, axis " + std::to_string(q.axis) + " has " +
                  std::to_string(x.shape[size_t(q.axis)]));
    PendingQuantize p;
    p.x = n.input(0);
    p.shape = x.shape;
    p.node_name = n.name();
    p.type = q.type;
    p.scale = q.scale;
    p.zero_point = q.zero_point;
    p.axis = q.per_axis() ? q.axis : 1;
    n.set_output_pending(0, p);
}

void dequantize_linear(const OnnxNode& n) {
    n.expect_attrs({"axis"});
    const ConstTensor* cx = n.const_input(0);
    const PendingQuantize* pq = n.pending_q_input(0);
    const Shape shape = cx ? cx->dims : pq ? pq->shape : n.input_desc(0).shape;
    const int64_t rank = int64_t(shape.size());
    const QParams q = read_qparams(n, 1, 2, n.attr_int("axis", 1), rank, "x");
    if (q.per_axis() && q.scale.size() != size_t(shape[size_t(q.axis)]))
        n.invalid("per-axis scale has " + std::to_string(q.scale.size()) + " values, axis " + std::to_string(q.axis) +
                  " has " + std::to_string(shape[size_t(q.axis)]));
    const size_t channels = q.scale.size();
    if (q.type == ElemType::s32)
        for (double z : q.zero_point)
            if (z != 0.0) n.invalid("an INT32 input needs zero point 0");

    QParams pending;
    if (pq) {
        pending.type = pq->type;
        pending.scale = pq->scale;
        pending.zero_point = pq->zero_point;
        pending.axis = pq->axis;
    }
    if (pq && pending == q) {
        // Q -> DQ: FakeQuantize over [qmin, qmax] of the grid (zp, s).
        double qlo, qhi;
        qminmax(q.type, qlo, qhi);
        std::vector<float> lo(channels), hi(channels);
        for (size_t c = 0; c < channels; ++c) {
            lo[c] = float(qlo - q.zero_point[c]) * float(q.scale[c]);
            hi[c] = float(qhi - q.zero_point[c]) * float(q.scale[c]);
        }
        const PortRef il = channel_constant(n, "/input_low", lo, q.axis, rank);
        const PortRef ih = channel_constant(n, "/input_high", hi, q.axis, rank);
        const PortRef ol = channel_constant(n, "/output_low", lo, q.axis, rank);
        const PortRef oh = channel_constant(n, "/output_high", hi, q.axis, rank);
        Attributes a;
        a.set("levels", 256);
        n.set_output(0, n.add("FakeQuantize", "", {pq->x, il, ih, ol, oh}, a));
        return;
    }
    if (cx) {
        if (cx->data_type != TP::UINT8 && cx->data_type != TP::INT8 && cx->data_type != TP::INT32)
            n.unsupported("input has type " + onnx_type_name(cx->data_type) + "; UINT8, INT8 or INT32 expected");
        ElemType xt = ElemType::u8;
        ir_type_of(cx->data_type, xt);
        if (xt != q.type) n.invalid("input and zero point have different element types");
        // Fold: (x - zp) * s in f32, ONNX's formula.
        int64_t inner = 1;
        for (size_t d = size_t(q.axis) + 1; q.per_axis() && d < shape.size(); ++d) inner *= shape[d];
        std::vector<float> v(size_t(cx->numel()));
        for (size_t i = 0; i < v.size(); ++i) {
            const size_t c = channels > 1 ? (i / size_t(inner)) % channels : 0;
            v[i] = (float(cx->ints[i]) - float(q.zero_point[c])) * float(q.scale[c]);
        }
        bool symmetric_s8 = q.type == ElemType::s8;
        for (double z : q.zero_point) symmetric_s8 = symmetric_s8 && z == 0.0;
        const PortRef w = n.f32_constant("/value", shape, v);
        if (!symmetric_s8) {
            n.set_output(0, w);
            return;
        }
        // s8 weights: a FakeQuantize on the f32 values, which compress_weights turns back into s8.
        std::vector<float> lo(channels), hi(channels);
        for (size_t c = 0; c < channels; ++c) lo[c] = -128.f * float(q.scale[c]), hi[c] = 127.f * float(q.scale[c]);
        Attributes a;
        a.set("levels", 256);
        n.set_output(0, n.add("FakeQuantize", "", {w, channel_constant(n, "/input_low", lo, q.axis, rank),
                                                   channel_constant(n, "/input_high", hi, q.axis, rank),
                                                   channel_constant(n, "/output_low", lo, q.axis, rank),
                                                   channel_constant(n, "/output_high", hi, q.axis, rank)},
                                 a));
        return;
    }
    const PortRef x = n.input(0);
    if (n.input_desc(0).type != q.type) n.invalid("input and zero point have different element types");
    Attributes a;
    a.set("zero_point", q.zero_point);
    a.set("scale", q.scale);
    a.set("axis", AttrValue(q.per_axis() ? q.axis : int64_t(1)));
    n.set_output(0, n.add("Dequantize", "", {x}, a));
}

}  // namespace

void register_quant_ops(OpTable& t) {
    t["QuantizeLinear"] = quantize_linear;
    t["DequantizeLinear"] = dequantize_linear;
}

}  // namespace octet::ir::onnx_import
