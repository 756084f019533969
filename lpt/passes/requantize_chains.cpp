// Quantize(Dequantize(q)) of an int8 tensor -> Requantize(q): what is left of
// a FakeQuantize after an int8 tensor whose grid differs from the next
// FakeQuantize's (a pooled tensor before the classifier's FakeQuantize, a
// per-channel scale layer folded into the Dequantize, ...). One element-wise
// int8 kernel replaces an f32 tensor, a Dequantize and a Quantize; it computes
// the two nodes' steps in order (ir/ops.hpp: Requantize), so the result is the
// same bytes.
#include "ir/ops/int8_ops.hpp"
#include "lpt/dequantization.hpp"
#include "lpt/passes/passes.hpp"

namespace octet::lpt::passes {

namespace {

bool per_channel(const std::vector<float>& v) { return v.size() > 1; }

}  // namespace

bool requantize_chains(Rewriter& rw) {
    bool changed = false;
    const int count = rw.size();
    for (int id = 0; id < count; ++id) {
        if (!rw.alive(id) || rw.node(id).op != "Quantize") continue;
        const ir::Node quantize = rw.node(id);
        const auto d = dequantization_of(rw, quantize.inputs.at(0));
        if (!d || !ir::is_int8(d->type)) continue;
        const std::vector<float> scale = ir::to_floats(quantize.attrs.get_floats("scale"));
        const std::vector<float> shift = ir::to_floats(quantize.attrs.get_floats("shift", {}));
        const int64_t q_axis = quantize.attrs.get_int("axis", 1);
        const bool d_pc = per_channel(d->zero_point) || per_channel(d->scale) || per_channel(d->bias);
        const bool q_pc = per_channel(scale) || per_channel(shift);
        if (d_pc && q_pc && d->axis != q_axis) continue;  // one kernel has one channel axis

        ir::Node& r = rw.node(id);
        r.op = "Requantize";
        r.attrs = keep_records(quantize.attrs);
        r.attrs.set("original_op", quantize.attrs.get_string("original_op", "Quantize"));
        if (quantize.attrs.get_bool("lpt_internal", false)) r.attrs.set("lpt_internal", true);
        r.inputs = {d->data};
        write_dequantization_vectors(r, *d, "");
        write_requantization(r, quantize);
        r.attrs.set("axis", ir::AttrValue(d_pc ? d->axis : q_axis));
        rw.infer(id);
        rw.remove_if_unused(d->node, id);
        changed = true;
    }
    return changed;
}

}  // namespace octet::lpt::passes
