// Dequantize moved below ops that commute with it, so they run on int8:
// MaxPool (positive per-tensor scale: order preserved, padded taps never win),
// AvgPool (per tensor: the mean of (q - zp)·s is (mean(q) - zp)·s; the int8
// mean is rounded half to even to the input's grid, as OpenVINO's LPT and
// oneDNN's int8 pooling do; padded taps as below) and the
// data-movement ops Reshape, Transpose, Squeeze, Unsqueeze (per tensor) and
// nearest Interpolate (it selects elements within each channel plane: per
// tensor, or per channel along axis 1).
#include <algorithm>

#include "ir/ops/conv_geometry.hpp"
#include "lpt/dequantization.hpp"
#include "lpt/passes/passes.hpp"

namespace octet::lpt::passes {

namespace {

// Padded taps that count in the divisor (exclude_pad false) are f32 zeros, in
// the integer domain q = 0, i.e. (0 - zp)·s + bias: the same only with zp = 0
// and no bias. So is a window with no tap inside the input (0 in f32). Without
// effective pads, or with exclude_pad and pads smaller than the kernel, no
// padded tap ever counts and every window holds a tap.
bool avg_commutes(const ir::Node& pool, const ir::Shape& in, const Dequantization& d) {
    const auto zp = d.integer_zero_point();
    if ((d.zero_point.empty() || (zp && *zp == 0)) && !d.has_bias()) return true;
    const ir::Window2D w = ir::pool_window(pool, in);
    if (w.pt == 0 && w.pb == 0 && w.pl == 0 && w.pr == 0) return true;
    return pool.attrs.get_bool("exclude_pad", false) && std::max(w.pt, w.pb) < w.kh && std::max(w.pl, w.pr) < w.kw;
}

}  // namespace

bool propagate_dequantization(Rewriter& rw) {
    bool changed = false;
    for (bool again = true; again;) {
        again = false;
        for (int id = 0; id < rw.size(); ++id) {
            if (!rw.alive(id)) continue;
            const std::string& op = rw.node(id).op;
            const bool pool = op == "MaxPool", avg = op == "AvgPool";
            const bool nearest = op == "Interpolate" && rw.node(id).attrs.get_string("mode", "") == "nearest";
            if (!pool && !avg && !nearest && op != "Reshape" && op != "Transpose" && op != "Squeeze" && op != "Unsqueeze") continue;
            if (rw.node(id).inputs.size() != 1) continue;
            const auto d = dequantization_of(rw, rw.node(id).inputs[0]);
            if (!d || d->type == ir::ElemType::s32 || rw.single_use({d->node, 0}) != id) continue;
            if (!d->per_tensor() && !(nearest && d->axis == 1)) continue;
            if (pool && !(d->scale.empty() || d->scale[0] > 0.f)) continue;
            if (avg && !avg_commutes(rw.node(id), rw.graph().desc(d->data).shape, *d)) continue;
            // q -> dq -> op -> readers   becomes   q -> op -> dq -> readers
            rw.node(id).inputs[0] = d->data;
            rw.infer(id);
            rw.replace_uses({id, 0}, {d->node, 0});
            rw.node(d->node).inputs[0] = {id, 0};
            rw.infer(d->node);
            again = changed = true;
        }
    }
    return changed;
}

}  // namespace octet::lpt::passes
