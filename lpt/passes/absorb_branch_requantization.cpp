// Add(Dequantize(Quantize(v)), r) where v is an int8 kernel's dequantized
// accumulator: v's own requantization is dropped so the Add can become that
// kernel's sum post-op, as OpenVINO's CPU plugin fuses Convolution +
// FakeQuantize + Eltwise. The sum then adds the unrounded v: one rounding
// fewer than the FakeQuantize graph (within its tolerance), and the unfused
// int8 reference computes the same, so fused == unfused stays bit-exact.
#include "lpt/dequantization.hpp"
#include "lpt/passes/passes.hpp"

namespace octet::lpt::passes {

namespace {

// v is the Dequantize of a ConvolutionI8/MatMulI8 accumulator read only there.
bool kernel_result(Rewriter& rw, ir::PortRef v) {
    const auto d = dequantization_of(rw, v);
    if (!d || d->type != ir::ElemType::s32) return false;
    const std::string& op = rw.node(d->data.node).op;
    return (op == "ConvolutionI8" || op == "MatMulI8") && rw.single_use(d->data) == d->node;
}

}  // namespace

bool absorb_branch_requantization(Rewriter& rw) {
    bool changed = false;
    for (int id = 0; id < rw.size(); ++id) {
        if (!rw.alive(id) || rw.node(id).op != "Add" || rw.node(id).inputs.size() != 2) continue;
        for (size_t side = 0; side < 2; ++side) {
            const ir::Node add = rw.node(id);
            const auto dq = dequantization_of(rw, add.inputs[side]);
            if (!dq || rw.single_use({dq->node, 0}) != id) continue;
            const int q = dq->data.node;
            if (rw.node(q).op != "Quantize" || rw.single_use({q, 0}) != dq->node) continue;
            const ir::PortRef v = rw.node(q).inputs[0];
            if (!kernel_result(rw, v) || rw.single_use(v) != q) continue;
            // The other side must stay a residual the kernel can read.
            if (add.inputs[1 - side] == v) continue;
            rw.node(id).inputs[side] = v;
            rw.remove(dq->node, id);
            rw.remove(q, id);
            changed = true;
            break;
        }
    }
    return changed;
}

}  // namespace octet::lpt::passes
