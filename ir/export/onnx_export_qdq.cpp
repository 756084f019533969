// FakeQuantize -> QDQ. Weights (FakeQuantize of a Constant) are quantized
// here with FakeQuantize's own formula, so the int8 initializer holds exactly
// the level index octet computes; the DequantizeLinear then gives
// (q - zp) * scale = ol + index * (oh - ol) / (levels - 1). Activations get
// QuantizeLinear + DequantizeLinear with scale (ih - il) / 255 and zero point
// -il / scale, which is FakeQuantize when the output range equals the input
// range and the zero point is an integer; anything else is refused.
#include <cmath>

#include "ir/error.hpp"
#include "ir/export/onnx_writer.hpp"

namespace octet::ir::onnx_export {

namespace {

// Per-tensor ranges, or per-channel along one axis of x.
struct Ranges {
    int64_t axis = -1;  // -1: per tensor
    int64_t channels = 1;
    std::vector<float> il, ih, ol, oh;  // one per channel
};

Ranges read_ranges(const Graph& g, const Node& n) {
    const Shape& x = g.desc(n.inputs[0]).shape;
    Ranges r;
    const Tensor* t[4];
    for (size_t i = 0; i < 4; ++i) {
        const Node& c = g.node(n.inputs[1 + i].node);
        if (c.op != "Constant")
            throw UnsupportedError(node_prefix(n) + "range input " + std::to_string(i + 1) +
                                   " is not a Constant; only constant ranges have a QDQ form");
        t[i] = &c.value;
        const Shape& s = c.value.shape();
        const size_t off = x.size() - s.size();  // ranges broadcast to x (checked by infer)
        for (size_t k = 0; k < s.size(); ++k) {
            if (s[k] == 1) continue;
            const int64_t axis = int64_t(off + k);
            if (r.axis >= 0 && r.axis != axis)
                throw UnsupportedError(node_prefix(n) + "ranges vary along two axes; QDQ is per tensor or per axis");
            r.axis = axis;
            r.channels = s[k];
        }
    }
    std::vector<float>* dst[4] = {&r.il, &r.ih, &r.ol, &r.oh};
    for (size_t i = 0; i < 4; ++i) {
        const float* p = t[i]->data<float>();
        for (int64_t c = 0; c < r.channels; ++c) dst[i]->push_back(t[i]->numel() == 1 ? p[0] : p[c]);
    }
    return r;
}

// Zero point `z` must be an integer (to float rounding of the ranges) in [lo, hi].
int64_t integer_zero_point(const Node& n, double z, int64_t lo, int64_t hi) {
    const double r = std::nearbyint(z);
    if (std::fabs(z - r) > 1e-3 * std::max(1.0, std::fabs(z)) || r < double(lo) || r > double(hi))
        throw UnsupportedError(node_prefix(n) + "zero point " + std::to_string(z) + " is not an integer in [" +
                               std::to_string(lo) + ", " + std::to_string(hi) + "]; the ranges have no exact QDQ form");
    return int64_t(r);
}

std::string zero_points(OnnxWriter& w, const std::string& name, ElemType type, const std::vector<int64_t>& zp,
                        bool per_axis) {
    std::vector<uint8_t> bytes;
    for (int64_t z : zp) bytes.push_back(uint8_t(type == ElemType::u8 ? uint8_t(z) : uint8_t(int8_t(z))));
    const std::string n = w.fresh(name);
    w.raw_initializer(n, onnx_type(type), per_axis ? std::vector<int64_t>{int64_t(zp.size())} : std::vector<int64_t>{},
                      bytes.data(), bytes.size());
    return n;
}

std::string scales(OnnxWriter& w, const std::string& name, const std::vector<float>& s, bool per_axis) {
    if (!per_axis) return w.float_scalar(name, s[0]);
    return w.floats(name, s);
}

void export_weights(OnnxWriter& w, const Node& n, const Ranges& r, int64_t levels, const std::string& out,
                    bool transposed) {
    if (levels != 255 && levels != 256)
        throw UnsupportedError(node_prefix(n) + "levels " + std::to_string(levels) +
                               " on weights has no int8 QDQ form (255 or 256)");
    const Tensor& x = w.graph().node(n.inputs[0].node).value;
    const int64_t qmin = levels == 255 ? -127 : -128;
    std::vector<float> scale(size_t(r.channels));
    std::vector<int64_t> zp(size_t(r.channels));
    for (size_t c = 0; c < scale.size(); ++c) {
        if (!(r.ih[c] > r.il[c]) || !(r.oh[c] > r.ol[c]))
            throw UnsupportedError(node_prefix(n) + "channel " + std::to_string(c) +
                                   " has an empty or inverted range; QDQ needs low < high");
        scale[c] = float((double(r.oh[c]) - r.ol[c]) / double(levels - 1));
        zp[c] = integer_zero_point(n, double(qmin) - double(r.ol[c]) / double(scale[c]), -128, 127);
    }
    // Level index by FakeQuantize's formula in f32 (DESIGN.md), shifted to int8.
    const Shape& s = x.shape();
    int64_t inner = 1;
    for (size_t k = size_t(r.axis < 0 ? s.size() : size_t(r.axis) + 1); k < s.size(); ++k) inner *= s[k];
    const float* xv = x.data<float>();
    std::vector<int8_t> q(size_t(x.numel()));
    const float span = float(levels - 1);
    for (int64_t i = 0; i < x.numel(); ++i) {
        const size_t c = r.axis < 0 ? 0 : size_t((i / inner) % r.channels);
        const float v = xv[i], lo = r.il[c], hi = r.ih[c];
        float idx;
        if (v <= std::min(lo, hi)) idx = 0;
        else if (v > std::max(lo, hi)) idx = span;
        else idx = std::nearbyint((v - lo) / (hi - lo) * span);
        q[size_t(i)] = int8_t(int64_t(idx) + qmin);
    }
    Shape dims = s;
    int64_t axis = r.axis;
    if (transposed) {  // [N][K] -> [K][N]; the channel axis moves with it
        std::vector<int8_t> t(q.size());
        const int64_t rows = s[0], cols = s[1];
        for (int64_t a = 0; a < rows; ++a)
            for (int64_t b = 0; b < cols; ++b) t[size_t(b * rows + a)] = q[size_t(a * cols + b)];
        q.swap(t);
        dims = {cols, rows};
        if (axis >= 0) axis = 1 - axis;
    }
    const std::string qname = w.fresh(n.name + "/quantized");
    w.raw_initializer(qname, onnx_type(ElemType::s8), dims, q.data(), q.size());
    onnx::NodeProto* dq = w.node("DequantizeLinear", n.name,
                                 {qname, scales(w, n.name + "/scale", scale, r.axis >= 0),
                                  zero_points(w, n.name + "/zero_point", ElemType::s8, zp, r.axis >= 0)},
                                 {out});
    if (axis >= 0) set_attr(dq, "axis", axis);
}

void export_activation(OnnxWriter& w, const Node& n, const Ranges& r, int64_t levels, const std::string& out) {
    if (levels != 256)
        throw UnsupportedError(node_prefix(n) + "levels " + std::to_string(levels) +
                               " on an activation has no exact QuantizeLinear form (256 only)");
    bool any_negative = false;
    for (size_t c = 0; c < r.il.size(); ++c) {
        if (r.il[c] != r.ol[c] || r.ih[c] != r.oh[c])
            throw UnsupportedError(node_prefix(n) + "output range [" + std::to_string(r.ol[c]) + ", " +
                                   std::to_string(r.oh[c]) + "] differs from input range [" + std::to_string(r.il[c]) +
                                   ", " + std::to_string(r.ih[c]) + "]; QDQ keeps one range");
        if (!(r.ih[c] > r.il[c]))
            throw UnsupportedError(node_prefix(n) + "has an empty or inverted range; QDQ needs low < high");
        any_negative = any_negative || r.il[c] < 0;
    }
    const ElemType type = any_negative ? ElemType::s8 : ElemType::u8;
    const int64_t shift = any_negative ? -128 : 0;
    std::vector<float> scale(r.il.size());
    std::vector<int64_t> zp(r.il.size());
    for (size_t c = 0; c < scale.size(); ++c) {
        scale[c] = float((double(r.ih[c]) - r.il[c]) / 255.0);
        zp[c] = integer_zero_point(n, -double(r.il[c]) / double(scale[c]), 0, 255) + shift;
    }
    const bool per_axis = r.axis >= 0;
    const std::string s = scales(w, n.name + "/scale", scale, per_axis);
    const std::string z = zero_points(w, n.name + "/zero_point", type, zp, per_axis);
    const std::string q = w.fresh(n.name + "/quantized");
    onnx::NodeProto* qn = w.node("QuantizeLinear", n.name + "/quantize", {w.value(n.inputs[0]), s, z}, {q});
    onnx::NodeProto* dq = w.node("DequantizeLinear", n.name, {q, s, z}, {out});
    if (per_axis) {
        set_attr(qn, "axis", r.axis);
        set_attr(dq, "axis", r.axis);
    }
}

}  // namespace

bool exports_transposed_weights(const Graph& g, int fq) {
    const Node& n = g.node(fq);
    if (n.op != "FakeQuantize" || g.node(n.inputs[0].node).op != "Constant" || g.desc(n.inputs[0]).shape.size() != 2)
        return false;
    const std::vector<int> users = g.consumers(fq);
    if (users.empty()) return false;
    for (int u : users) {
        const Node& m = g.node(u);
        if (m.op != "MatMul" || !m.attrs.get_bool("transpose_b", false) || m.inputs.size() < 2 ||
            m.inputs[1].node != fq || m.inputs[0].node == fq)
            return false;
    }
    return true;
}

void export_fake_quantize(OnnxWriter& w, int index) {
    const Graph& g = w.graph();
    const Node& n = g.node(index);
    const Ranges r = read_ranges(g, n);
    const int64_t levels = n.attrs.get_int("levels");
    if (g.node(n.inputs[0].node).op == "Constant")
        export_weights(w, n, r, levels, n.name, exports_transposed_weights(g, index));
    else export_activation(w, n, r, levels, n.name);
}

}  // namespace octet::ir::onnx_export
