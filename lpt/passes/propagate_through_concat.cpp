// Concat of inputs that all carry the same per-tensor dequantization (NNCF
// unifies the quantizers of a Concat's inputs): the Concat runs on the int8
// values and one Dequantize follows it. Exact: a Concat only moves elements.
// Inputs with different scales keep the Concat in f32.
#include "lpt/dequantization.hpp"
#include "lpt/passes/passes.hpp"

namespace octet::lpt::passes {

namespace {

bool same(const Dequantization& a, const Dequantization& b) {
    return a.type == b.type && a.zero_point == b.zero_point && a.scale == b.scale && a.bias == b.bias;
}

}  // namespace

bool propagate_through_concat(Rewriter& rw) {
    bool changed = false;
    for (int id = 0; id < rw.size(); ++id) {
        if (!rw.alive(id) || rw.node(id).op != "Concat" || rw.node(id).inputs.empty()) continue;
        std::vector<Dequantization> ds;
        for (const ir::PortRef& p : rw.node(id).inputs) {
            const auto d = dequantization_of(rw, p);
            // Each Dequantize read by this Concat alone (and once), per tensor, on int8.
            if (!d || !d->per_tensor() || d->type == ir::ElemType::s32 || rw.single_use({d->node, 0}) != id) break;
            if (!ds.empty() && !same(*d, ds[0])) break;
            ds.push_back(*d);
        }
        if (ds.size() != rw.node(id).inputs.size()) continue;
        // q_i -> dq_i -> concat -> readers   becomes   q_i -> concat -> dq_0 -> readers
        for (size_t k = 0; k < ds.size(); ++k) rw.node(id).inputs[k] = ds[k].data;
        rw.infer(id);
        rw.replace_uses({id, 0}, {ds[0].node, 0});
        rw.node(ds[0].node).inputs[0] = {id, 0};
        rw.infer(ds[0].node);
        for (size_t k = 1; k < ds.size(); ++k) rw.remove(ds[k].node, id);
        changed = true;
    }
    return changed;
}

}  // namespace octet::lpt::passes
