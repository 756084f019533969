// FakeQuantize moved above MaxPool, nearest Interpolate and data-movement ops. With per-tensor
// ranges FakeQuantize is one monotone function applied element-wise, so
// FQ(max(window)) == max(FQ(window)) and FQ(reshape(x)) == reshape(FQ(x))
// exactly; afterwards the op producing x can requantize in its epilogue.
#include "lpt/passes/passes.hpp"

namespace octet::lpt::passes {

namespace {

bool movable(const ir::Node& n) {
    const std::string& op = n.op;
    if (op == "Interpolate") return n.attrs.get_string("mode", "") == "nearest";  // selects elements only
    return op == "MaxPool" || op == "Reshape" || op == "Transpose" || op == "Squeeze" || op == "Unsqueeze";
}

bool per_tensor_ranges(Rewriter& rw, const ir::Node& fq) {
    float lo = 0, hi = 0;
    for (size_t k = 1; k < 5; ++k)
        if (!scalar_of(rw.constant(fq.inputs[k]), lo)) return false;
    scalar_of(rw.constant(fq.inputs[1]), lo);
    scalar_of(rw.constant(fq.inputs[2]), hi);
    float ol = 0, oh = 0;
    scalar_of(rw.constant(fq.inputs[3]), ol);
    scalar_of(rw.constant(fq.inputs[4]), oh);
    return lo < hi && ol <= oh;  // monotone non-decreasing
}

}  // namespace

bool move_fake_quantize_up(Rewriter& rw) {
    bool changed = false;
    for (bool again = true; again;) {
        again = false;
        for (int id = 0; id < rw.size(); ++id) {
            if (!rw.alive(id) || rw.node(id).op != "FakeQuantize") continue;
            const int op = rw.node(id).inputs[0].node;
            if (!movable(rw.node(op)) || rw.single_use({op, 0}) != id || !per_tensor_ranges(rw, rw.node(id))) continue;
            if (rw.node(op).op != "MaxPool" && rw.node(op).inputs.size() != 1) continue;
            // x -> op -> fq -> readers   becomes   x -> fq -> op -> readers
            rw.replace_uses({id, 0}, {op, 0});
            rw.node(id).inputs[0] = rw.node(op).inputs[0];
            rw.node(op).inputs[0] = {id, 0};
            // Per-tensor ranges as [1] so they broadcast to x of any rank.
            for (size_t k = 1; k < 5; ++k) {
                const ir::PortRef old = rw.node(id).inputs[k];
                ir::Node c;
                c.name = rw.node(old.node).name + "/" + rw.node(op).name;
                c.op = "Constant";
                c.value = rw.constant(old)->reshaped({1});
                rw.node(id).inputs[k] = {rw.add(std::move(c)), 0};
                rw.remove_if_unused(old.node, id);
            }
            rw.infer(id);
            rw.infer(op);
            again = changed = true;
        }
    }
    return changed;
}

}  // namespace octet::lpt::passes
