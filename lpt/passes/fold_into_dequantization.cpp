// Constant bias and rescaling folded into a Dequantize (of an accumulator or
// of an int8 activation):
//   Add(dq(x), b[c])      -> dq with bias b        (the epilogue's + bias[oc])
//   Multiply(dq(x), m[c]) -> dq with scale * m     (attention's 1/sqrt(d); a
//                                                   per-channel scale layer)
// The folded scale rounds once where the graph rounded twice: within the
// FakeQuantize graph's tolerance, and the unfused int8 reference folds too.
// Between two FakeQuantizes the result is Quantize(Dequantize(q)), which
// requantize_chains then turns into one Requantize kernel.
#include <algorithm>

#include "lpt/dequantization.hpp"
#include "lpt/passes/passes.hpp"

namespace octet::lpt::passes {

namespace {

// Values of c as a per-channel vector along `axis` of `shape` (size 1 or C).
bool channel_values(const ir::Tensor* c, const ir::Shape& shape, int64_t axis, std::vector<float>& v) {
    if (!c || c->type() != ir::ElemType::f32 || c->shape().size() > shape.size()) return false;
    const ir::Shape& cs = c->shape();
    const size_t off = shape.size() - cs.size();
    for (size_t d = 0; d < cs.size(); ++d)
        if (cs[d] != 1 && (off + d != size_t(axis) || cs[d] != shape[off + d])) return false;
    v.assign(c->data<float>(), c->data<float>() + c->numel());
    return true;
}

}  // namespace

bool fold_into_dequantization(Rewriter& rw) {
    bool changed = false;
    for (int id = 0; id < rw.size(); ++id) {
        if (!rw.alive(id)) continue;
        const ir::Node n = rw.node(id);
        if ((n.op != "Add" && n.op != "Multiply") || n.inputs.size() != 2) continue;
        for (size_t side = 0; side < 2; ++side) {
            auto d = dequantization_of(rw, n.inputs[side]);
            if (!d || d->has_bias() || rw.single_use({d->node, 0}) != id) continue;
            const ir::Shape& shape = rw.node(d->node).outputs[0].shape;
            if (n.outputs[0].shape != shape) continue;
            std::vector<float> c;
            if (!channel_values(rw.constant(n.inputs[1 - side]), shape, d->axis, c)) continue;
            if (n.op == "Add") {
                d->bias = c;
            } else if (c.size() == 1 || d->scale.size() <= 1 || d->scale.size() == c.size()) {
                // scale[ch] * m[ch], either side broadcast (a per-tensor Dequantize
                // becomes per channel along d->axis, where m lies).
                std::vector<float> scale(std::max(d->scale.size(), c.size()));
                for (size_t i = 0; i < scale.size(); ++i)
                    scale[i] = (d->scale.empty() ? 1.f : d->scale[d->scale.size() == 1 ? 0 : i]) * c[c.size() == 1 ? 0 : i];
                d->scale = scale;
            } else {
                continue;
            }
            write_dequantization(rw.node(d->node), *d);
            rw.replace_uses({id, 0}, {d->node, 0});
            rw.remove(id, d->node);
            rw.remove_if_unused(n.inputs[1 - side].node, d->node);
            changed = true;
            break;
        }
    }
    return changed;
}

}  // namespace octet::lpt::passes
