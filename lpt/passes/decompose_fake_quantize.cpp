// FakeQuantize on an activation -> Quantize (keeps the FakeQuantize's name) +
// Dequantize. Stays f32 (documented fallback): levels other than 256,
// non-constant or per-channel ranges, a zero point that is not an integer.
#include "lpt/dequantization.hpp"
#include "lpt/passes/passes.hpp"

namespace octet::lpt::passes {

bool decompose_fake_quantize(Rewriter& rw) {
    bool changed = false;
    const int count = rw.size();
    for (int id = 0; id < count; ++id) {
        if (!rw.alive(id) || rw.node(id).op != "FakeQuantize") continue;
        const ir::Node fq = rw.node(id);
        if (rw.constant(fq.inputs[0])) continue;  // weights are compress_weights' job
        float r[4];
        bool ok = true;
        for (size_t k = 0; k < 4; ++k) ok = ok && scalar_of(rw.constant(fq.inputs[k + 1]), r[k]);
        if (!ok) continue;
        const auto q = int8_grid(r[0], r[1], r[2], r[3], fq.attrs.get_int("levels"), false);
        if (!q) continue;

        ir::Node& qn = rw.node(id);
        qn.op = "Quantize";
        qn.attrs = keep_records(qn.attrs);
        qn.attrs.set("original_op", "FakeQuantize");
        qn.attrs.set("destination_type", ir::to_string(q->type));
        qn.attrs.set("scale", std::vector<double>{q->q_scale});
        qn.attrs.set("shift", std::vector<double>{q->q_shift});
        qn.inputs = {fq.inputs[0]};
        rw.infer(id);

        ir::Node dn;
        dn.name = fq.name + "/dequantize";
        dn.op = "Dequantize";
        dn.inputs = {{id, 0}};
        Dequantization d;
        d.zero_point = {q->zero_point};
        d.scale = {q->scale};
        write_dequantization(dn, d);
        const int d_id = rw.add(std::move(dn));
        rw.replace_uses({id, 0}, {d_id, 0});
        for (size_t k = 1; k < 5; ++k) rw.remove_if_unused(fq.inputs[k].node, id);
        changed = true;
    }
    return changed;
}

}  // namespace octet::lpt::passes
