// Relu / Clamp of a per-tensor dequantized u8/s8 tensor run on the integers:
// with scale > 0 the dequantization is monotone, so
//   clamp(dq(q), lo, hi) == dq(clamp(q, q_lo, q_hi))
// exactly when each bound either never binds on the type's range or is a grid
// point (dq(q_lo) == lo in f32, the Dequantize's own arithmetic). Relu is
// clamp(x, 0, +inf) and 0 is the grid point q = zp. The node becomes an integer
// Clamp (kernels/ref: bounds applied in the element type) and the Dequantize
// moves below it (a Clamp that binds nowhere is dropped); other bounds keep
// the op in f32.
#include <cmath>
#include <limits>
#include <optional>

#include "lpt/dequantization.hpp"
#include "lpt/passes/passes.hpp"

namespace octet::lpt::passes {

namespace {

// The Dequantize's f32 value of q: (float(q) - zp) * scale + bias.
float dequantized(const Dequantization& d, int32_t q, float zp) {
    float v = float(q) - zp;
    v = v * (d.scale.empty() ? 1.f : d.scale[0]);
    return v + (d.bias.empty() ? 0.f : d.bias[0]);
}

// The integer bound for the f32 bound `b` (lower or upper), or nullopt.
std::optional<int32_t> integer_bound(const Dequantization& d, float zp, double b, bool lower) {
    const int32_t tmin = d.type == ir::ElemType::u8 ? 0 : -128, tmax = d.type == ir::ElemType::u8 ? 255 : 127;
    if (lower ? double(dequantized(d, tmin, zp)) >= b : double(dequantized(d, tmax, zp)) <= b)
        return lower ? tmin : tmax;  // never binds
    const float scale = d.scale.empty() ? 1.f : d.scale[0], bias = d.bias.empty() ? 0.f : d.bias[0];
    const double q = std::nearbyint(double(zp) + (b - double(bias)) / double(scale));
    if (q < tmin || q > tmax) return std::nullopt;
    if (dequantized(d, int32_t(q), zp) != float(b)) return std::nullopt;
    return int32_t(q);
}

}  // namespace

bool clamp_in_integer_domain(Rewriter& rw) {
    bool changed = false;
    for (int id = 0; id < rw.size(); ++id) {
        if (!rw.alive(id)) continue;
        const ir::Node n = rw.node(id);
        if ((n.op != "Relu" && n.op != "Clamp") || n.inputs.size() != 1) continue;
        const auto d = dequantization_of(rw, n.inputs[0]);
        if (!d || !d->per_tensor() || !ir::is_int8(d->type) || rw.single_use({d->node, 0}) != id) continue;
        if (!d->scale.empty() && !(d->scale[0] > 0.f)) continue;
        const auto zp = d->integer_zero_point();
        if (!zp) continue;
        const double lo = n.op == "Relu" ? 0.0 : n.attrs.get_float("min");
        const double hi = n.op == "Relu" ? std::numeric_limits<double>::infinity() : n.attrs.get_float("max");
        if (!(lo <= hi)) continue;
        const auto q_lo = integer_bound(*d, float(*zp), lo, true), q_hi = integer_bound(*d, float(*zp), hi, false);
        if (!q_lo || !q_hi || *q_lo > *q_hi) continue;
        const int32_t tmin = d->type == ir::ElemType::u8 ? 0 : -128, tmax = d->type == ir::ElemType::u8 ? 255 : 127;
        if (*q_lo == tmin && *q_hi == tmax) {  // binds nowhere: the op is the identity
            rw.replace_uses({id, 0}, {d->node, 0});
            rw.remove(id, d->node);
            changed = true;
            continue;
        }
        // q -> dq -> relu/clamp -> readers   becomes   q -> clamp(q_lo, q_hi) -> dq -> readers
        ir::Node& c = rw.node(id);
        c.op = "Clamp";
        c.attrs = keep_records(n.attrs);
        c.attrs.set("original_op", ir::AttrValue(n.op));
        c.attrs.set("min", ir::AttrValue(double(*q_lo)));
        c.attrs.set("max", ir::AttrValue(double(*q_hi)));
        c.inputs[0] = d->data;
        rw.infer(id);
        rw.replace_uses({id, 0}, {d->node, 0});
        rw.node(d->node).inputs[0] = {id, 0};
        rw.infer(d->node);
        changed = true;
    }
    return changed;
}

}  // namespace octet::lpt::passes
