// Dequantize moved below ops that commute with it, so they run on int8:
// MaxPool (positive per-tensor scale: order preserved, padded taps never win)
// and the data-movement ops Reshape, Transpose, Squeeze, Unsqueeze (per tensor).
#include "lpt/dequantization.hpp"
#include "lpt/passes/passes.hpp"

namespace octet::lpt::passes {

bool propagate_dequantization(Rewriter& rw) {
    bool changed = false;
    for (bool again = true; again;) {
        again = false;
        for (int id = 0; id < rw.size(); ++id) {
            if (!rw.alive(id)) continue;
            const std::string& op = rw.node(id).op;
            const bool pool = op == "MaxPool";
            if (!pool && op != "Reshape" && op != "Transpose" && op != "Squeeze" && op != "Unsqueeze") continue;
            if (rw.node(id).inputs.size() != 1) continue;
            const auto d = dequantization_of(rw, rw.node(id).inputs[0]);
            if (!d || !d->per_tensor() || d->type == ir::ElemType::s32 || rw.single_use({d->node, 0}) != id) continue;
            if (pool && !(d->scale.empty() || d->scale[0] > 0.f)) continue;
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
