// Convolution / MatMul of dequantized operands -> ConvolutionI8 / MatMulI8 on
// the integers (s32 accumulators, exact) + one Dequantize:
//   sum (x - zx) * sx * w * sw[oc] = sx * sw[oc] * sum (x - zx) * w
// The activation zero point zx becomes the kernel's src compensation; the
// weight zero point must be 0.
#include "lpt/dequantization.hpp"
#include "lpt/passes/passes.hpp"

namespace octet::lpt::passes {

namespace {

// Per-tensor activation dequantization with an integer zero point and no bias.
bool int8_activation(const std::optional<Dequantization>& d) {
    return d && d->type != ir::ElemType::s32 && d->per_tensor() && !d->has_bias() && d->integer_zero_point();
}

}  // namespace

bool int8_operations(Rewriter& rw) {
    bool changed = false;
    const int count = rw.size();
    for (int id = 0; id < count; ++id) {
        if (!rw.alive(id)) continue;
        const ir::Node n = rw.node(id);
        const bool conv = n.op == "Convolution";
        if (!(conv || n.op == "MatMul") || n.inputs.size() != 2) continue;
        const auto x = dequantization_of(rw, n.inputs[0]);
        const auto w = dequantization_of(rw, n.inputs[1]);
        if (!int8_activation(x) || !w || w->type != ir::ElemType::s8 || w->has_bias()) continue;
        if (!w->zero_point.empty() && !(w->zero_point.size() == 1 && w->zero_point[0] == 0.f)) continue;
        const ir::Shape& as = rw.graph().desc(x->data).shape;
        const ir::Shape& bs = rw.graph().desc(w->data).shape;
        const bool b_const = rw.constant(w->data) != nullptr;
        int64_t out_axis = 1, w_axis = 0;
        if (conv) {
            if (!b_const || !(w->per_tensor() || w->axis == 0)) continue;
        } else {
            if (n.attrs.get_bool("transpose_a", false) || as.size() < 2 || bs.size() < 2) continue;
            const bool tb = n.attrs.get_bool("transpose_b", false);
            out_axis = int64_t(n.outputs[0].shape.size()) - 1;
            w_axis = tb ? int64_t(bs.size()) - 2 : int64_t(bs.size()) - 1;
            if (bs.size() != 2) {
                if (bs.size() != as.size()) continue;
                bool same = true;
                for (size_t i = 0; i + 2 < as.size(); ++i) same = same && as[i] == bs[i];
                if (!same) continue;
            }
            if (!(w->per_tensor() || (b_const && w->axis == w_axis))) continue;
        }

        ir::Node& k = rw.node(id);
        k.attrs.set("original_op", n.op);
        k.op = conv ? "ConvolutionI8" : "MatMulI8";
        k.attrs.set(conv ? "src_zero_point" : "a_zero_point", ir::AttrValue(int64_t(*x->integer_zero_point())));
        k.attrs.set("destination_type", "s32");
        k.inputs = {x->data, w->data};
        rw.infer(id);

        Dequantization out;
        out.axis = out_axis;
        const float sx = x->scale.empty() ? 1.f : x->scale[0];
        for (float sw : w->scale.empty() ? std::vector<float>{1.f} : w->scale) out.scale.push_back(sx * sw);
        ir::Node dn;
        dn.name = n.name + "/dequantize";
        dn.op = "Dequantize";
        dn.inputs = {{id, 0}};
        write_dequantization(dn, out);
        const int d_id = rw.add(std::move(dn));
        rw.replace_uses({id, 0}, {d_id, 0});
        rw.remove_if_unused(x->node, id);
        rw.remove_if_unused(w->node, id);
        changed = true;
    }
    return changed;
}

}  // namespace octet::lpt::passes
