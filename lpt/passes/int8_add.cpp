// Add(Dequantize(a), Dequantize(b)) [-> Relu] [-> Quantize] -> AddI8(a, b):
// the dequantization goes through an Add of two dequantized branches that no
// kernel took as its sum post-op (fuse_epilogue runs first: the residual Add
// of a conv stays a conv epilogue), e.g. two pooled or concatenated branches,
// or a skip connection between two Quantizes. One element-wise int8 kernel
// then reads both int8 tensors and writes the requantized result (or f32 when
// no Quantize follows) instead of two f32 tensors, an f32 Add and a Quantize.
// AddI8 computes each step as the replaced nodes do (ir/ops.hpp), so the fused
// graph equals the unfused one bit for bit.
#include "ir/ops/int8_ops.hpp"
#include "lpt/dequantization.hpp"
#include "lpt/passes/passes.hpp"

namespace octet::lpt::passes {

namespace {

bool per_channel(const std::vector<float>& v) { return v.size() > 1; }

// The one axis every per-channel vector is on (1 when all are per tensor), or -1.
int64_t common_axis(const std::vector<std::pair<int64_t, const std::vector<float>*>>& vectors) {
    int64_t axis = -1;
    for (const auto& [a, v] : vectors) {
        if (!per_channel(*v)) continue;
        if (axis >= 0 && a != axis) return -1;
        axis = a;
    }
    return axis < 0 ? 1 : axis;
}

bool int8_data(const Dequantization& d) { return d.type == ir::ElemType::u8 || d.type == ir::ElemType::s8; }

}  // namespace

bool int8_add(Rewriter& rw) {
    bool changed = false;
    const int count = rw.size();
    for (int k = 0; k < count; ++k) {
        if (!rw.alive(k) || rw.node(k).op != "Add" || rw.node(k).inputs.size() != 2) continue;
        const ir::Node add = rw.node(k);
        const auto da = dequantization_of(rw, add.inputs[0]);
        const auto db = dequantization_of(rw, add.inputs[1]);
        if (!da || !db || !int8_data(*da) || !int8_data(*db)) continue;
        const ir::Shape& shape = add.outputs.at(0).shape;
        if (rw.graph().desc(da->data).shape != shape || rw.graph().desc(db->data).shape != shape) continue;
        const int64_t axis = common_axis({{da->axis, &da->zero_point}, {da->axis, &da->scale}, {da->axis, &da->bias},
                                          {db->axis, &db->zero_point}, {db->axis, &db->scale}, {db->axis, &db->bias}});
        if (axis < 0) continue;

        ir::Node& n = rw.node(k);
        n.attrs = keep_records(add.attrs);
        n.attrs.set("original_op", std::string("Add"));
        n.op = "AddI8";
        n.inputs = {da->data, db->data};
        write_dequantization_vectors(n, *da, "a_");
        write_dequantization_vectors(n, *db, "b_");
        n.attrs.set("axis", ir::AttrValue(axis));
        n.attrs.set("destination_type", std::string("f32"));
        rw.infer(k);
        rw.remove_if_unused(da->node, k);
        if (db->node != da->node) rw.remove_if_unused(db->node, k);

        // Relu, then the Quantize of the sum, while each is the only reader.
        int u = rw.single_use({k, 0});
        if (u >= 0 && rw.node(u).op == "Relu") {
            rw.node(k).attrs.set("relu", ir::AttrValue(true));
            rw.replace_uses({u, 0}, {k, 0});
            rw.remove(u, k);
            u = rw.single_use({k, 0});
        }
        if (u >= 0 && rw.node(u).op == "Quantize") {
            const ir::Node& q = rw.node(u);
            const std::vector<float> scale = ir::to_floats(q.attrs.get_floats("scale"));
            const std::vector<float> shift = ir::to_floats(q.attrs.get_floats("shift", {}));
            const int64_t q_axis = q.attrs.get_int("axis", 1);
            if (common_axis({{axis, &da->zero_point}, {axis, &da->scale}, {axis, &da->bias}, {axis, &db->zero_point},
                             {axis, &db->scale}, {axis, &db->bias}, {q_axis, &scale}, {q_axis, &shift}}) >= 0) {
                ir::Node& m = rw.node(k);
                if (per_channel(scale) || per_channel(shift)) m.attrs.set("axis", ir::AttrValue(q_axis));
                write_requantization(m, q);
                rw.infer(k);
                rw.replace_uses({u, 0}, {k, 0});
                rw.remove(u, k);
            }
        }
        changed = true;
    }
    return changed;
}

}  // namespace octet::lpt::passes
