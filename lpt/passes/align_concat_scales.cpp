// Concat of int8 inputs on different grids, requantized after it:
// Quantize(Concat(Dequantize_i(q_i))) -> Concat(Requantize_i(q_i)). Each input
// is moved straight onto the output grid by one element-wise int8 kernel, and
// the Concat then moves bytes (4x fewer than the f32 Concat it replaces).
// Exact: a per-tensor Quantize is element-wise and a Concat only moves
// elements, so quantizing before or after the Concat gives the same bytes,
// and Requantize is Dequantize followed by Quantize, step for step. (Inputs
// that already share one grid are propagate_through_concat's case.)
#include "lpt/dequantization.hpp"
#include "lpt/passes/passes.hpp"

namespace octet::lpt::passes {

bool align_concat_scales(Rewriter& rw) {
    bool changed = false;
    const int count = rw.size();
    for (int id = 0; id < count; ++id) {
        if (!rw.alive(id) || rw.node(id).op != "Concat" || rw.node(id).inputs.empty()) continue;
        if (rw.node(id).outputs.at(0).type != ir::ElemType::f32) continue;
        const int q = rw.single_use({id, 0});
        if (q < 0 || rw.node(q).op != "Quantize") continue;
        const ir::Node quantize = rw.node(q);
        if (quantize.attrs.get_floats("scale").size() > 1 || quantize.attrs.get_floats("shift", {}).size() > 1) continue;
        std::vector<Dequantization> ds;
        for (const ir::PortRef& p : rw.node(id).inputs) {
            const auto d = dequantization_of(rw, p);
            if (!d || !d->per_tensor() || d->has_bias() || d->type == ir::ElemType::s32) break;
            ds.push_back(*d);
        }
        if (ds.size() != rw.node(id).inputs.size()) continue;

        for (size_t k = 0; k < ds.size(); ++k) {
            ir::Node r;
            r.op = "Requantize";
            r.name = rw.node(id).name + "/requantize_" + std::to_string(k);
            r.inputs = {ds[k].data};
            write_dequantization(r, ds[k]);
            write_requantization(r, quantize);
            const int rq = rw.add(std::move(r));
            rw.node(id).inputs[k] = {rq, 0};
            rw.remove_if_unused(ds[k].node, id);
        }
        rw.infer(id);
        rw.replace_uses({q, 0}, {id, 0});
        rw.remove(q, id);
        changed = true;
    }
    return changed;
}

}  // namespace octet::lpt::passes
