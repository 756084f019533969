// ConvolutionI8 / MatMulI8 (s32) -> Dequantize -> [Relu | Clamp | Add]* ->
// [Quantize] fused into the kernel's ir::Epilogue: scale[oc] and bias from the
// Dequantize, relu/clamp post-ops, the Add as a sum post-op (its other input
// becomes the residual, read through its own Dequantize: sum_scale and
// sum_zero_point), and the Quantize as out_scale/out_shift + u8/s8 dst.
// Each unfused op computes one step of the epilogue's f32 chain in the same
// order, so the fused kernel equals the unfused graph bit for bit.
#include "ir/ops/int8_ops.hpp"
#include "lpt/dequantization.hpp"
#include "lpt/passes/passes.hpp"

namespace octet::lpt::passes {

bool fuse_epilogue(Rewriter& rw) {
    bool changed = false;
    const int count = rw.size();
    for (int k = 0; k < count; ++k) {
        if (!rw.alive(k)) continue;
        const std::string op = rw.node(k).op;
        if ((op != "ConvolutionI8" && op != "MatMulI8") || rw.node(k).attrs.has("scale")) continue;
        const int d_use = rw.single_use({k, 0});
        if (d_use < 0) continue;
        const auto dq = dequantization_of(rw, {d_use, 0});
        const int64_t axis = op == "ConvolutionI8" ? 1 : int64_t(rw.node(k).outputs[0].shape.size()) - 1;
        if (!dq || dq->axis != axis || !(dq->integer_zero_point() && *dq->integer_zero_point() == 0)) continue;

        ir::Epilogue e;
        e.scale = dq->scale;
        e.bias = dq->bias;
        e.dst_type = ir::ElemType::f32;
        rw.replace_uses({dq->node, 0}, {k, 0});
        rw.remove(dq->node, k);
        const ir::Shape out_shape = rw.node(k).outputs[0].shape;
        for (;;) {
            const int u = rw.single_use({k, 0});
            if (u < 0) break;
            const ir::Node n = rw.node(u);
            if (n.op == "Relu") {
                e.post_ops.push_back(ir::PostOp::relu());
            } else if (n.op == "Clamp") {
                e.post_ops.push_back(ir::PostOp::clamp(float(n.attrs.get_float("min")), float(n.attrs.get_float("max"))));
            } else if (n.op == "Add" && n.inputs.size() == 2 && !e.has_sum() && n.inputs[0] != n.inputs[1]) {
                const ir::PortRef other = n.inputs[0].node == k ? n.inputs[1] : n.inputs[0];
                if (rw.graph().desc(other).shape != out_shape || rw.depends_on(other.node, k)) break;
                const auto r = dequantization_of(rw, other);
                if (r && r->type != ir::ElemType::s32 && r->per_tensor() && !r->has_bias() && r->integer_zero_point()) {
                    e.post_ops.push_back(ir::PostOp::sum(r->type, r->scale.empty() ? 1.f : r->scale[0],
                                                         float(*r->integer_zero_point())));
                    rw.node(k).inputs.push_back(r->data);
                } else if (rw.graph().desc(other).type == ir::ElemType::f32) {
                    e.post_ops.push_back(ir::PostOp::sum(ir::ElemType::f32, 1.f, 0.f));
                    rw.node(k).inputs.push_back(other);
                } else {
                    break;
                }
            } else if (n.op == "Quantize" && n.attrs.get_floats("scale").size() == 1 &&
                       n.attrs.get_floats("shift", {}).size() <= 1) {
                e.out_scale = ir::to_floats(n.attrs.get_floats("scale"));
                e.out_shift = ir::to_floats(n.attrs.get_floats("shift", {}));
                e.dst_type = ir::parse_elem_type(n.attrs.get_string("destination_type"));
            } else {
                break;
            }
            ir::epilogue_to_attrs(e, rw.node(k).attrs);
            rw.infer(k);
            rw.replace_uses({u, 0}, {k, 0});
            rw.remove(u, k);
            if (n.op == "Add") {
                const ir::PortRef other = n.inputs[0].node == k ? n.inputs[1] : n.inputs[0];
                if (rw.node(other.node).op == "Dequantize" && rw.node(k).inputs.back() != other)
                    rw.remove_if_unused(other.node, k);
            }
            if (n.op == "Quantize") break;
        }
        ir::epilogue_to_attrs(e, rw.node(k).attrs);
        rw.infer(k);
        changed = true;
    }
    return changed;
}

}  // namespace octet::lpt::passes
