#include "lpt/dequantization.hpp"

#include <algorithm>
#include <cmath>

#include "ir/ops/int8_ops.hpp"

namespace octet::lpt {

std::optional<int32_t> Dequantization::integer_zero_point() const {
    if (zero_point.size() > 1) return std::nullopt;
    const float z = zero_point.empty() ? 0.f : zero_point[0];
    if (z != std::nearbyint(z)) return std::nullopt;
    return int32_t(z);
}

std::optional<Dequantization> dequantization_of(Rewriter& rw, ir::PortRef p) {
    const ir::Node& n = rw.node(p.node);
    if (n.op != "Dequantize") return std::nullopt;
    Dequantization d;
    d.node = p.node;
    d.data = n.inputs.at(0);
    d.type = rw.graph().desc(d.data).type;
    d.zero_point = ir::to_floats(n.attrs.get_floats("zero_point", {}));
    d.scale = ir::to_floats(n.attrs.get_floats("scale", {}));
    d.bias = ir::to_floats(n.attrs.get_floats("bias", {}));
    d.axis = n.attrs.get_int("axis", 1);
    return d;
}

void write_dequantization(ir::Node& n, const Dequantization& d) {
    n.attrs.set("zero_point", ir::to_doubles(d.zero_point));
    n.attrs.set("scale", ir::to_doubles(d.scale));
    n.attrs.set("bias", ir::to_doubles(d.bias));
    n.attrs.set("axis", ir::AttrValue(d.axis));
}

std::optional<Quantization> int8_grid(float il, float ih, float ol, float oh, int64_t levels, bool weights) {
    if (!(levels == 256 || (weights && levels == 255))) return std::nullopt;
    if (!(il < ih) || !(ol < oh) || !std::isfinite(il) || !std::isfinite(ih)) return std::nullopt;
    Quantization q;
    q.type = weights || ol < 0.f ? ir::ElemType::s8 : ir::ElemType::u8;
    q.qlow = q.type == ir::ElemType::u8 ? 0 : (levels == 256 ? -128 : -127);
    q.scale = (oh - ol) / float(levels - 1);
    const double zp = double(q.qlow) - double(ol) / double(q.scale);
    const double rz = std::nearbyint(zp);
    // Ranges computed in f32 land within a rounding error of the integer grid.
    if (std::fabs(zp - rz) > 1e-3 * std::max(1.0, std::fabs(rz))) return std::nullopt;
    const double lo = q.type == ir::ElemType::u8 ? 0 : -128, hi = q.type == ir::ElemType::u8 ? 255 : 127;
    if (rz < lo || rz > hi) return std::nullopt;
    q.zero_point = float(rz);
    const double a = double(levels - 1) / (double(ih) - double(il));
    q.q_scale = float(a);
    q.q_shift = float(double(q.qlow) - double(il) * a);
    return q;
}

int32_t fake_quantize_index(float x, float il, float ih, int levels) {
    if (x <= std::min(il, ih)) return 0;
    if (x > std::max(il, ih)) return levels - 1;
    volatile float q = (x - il) / (ih - il) * float(levels - 1);
    return int32_t(std::nearbyint(float(q)));
}

}  // namespace octet::lpt
