// Weight compression: FakeQuantize(Constant f32) read as weights -> Constant s8
// holding FakeQuantize's integer index (computed with its exact f32 formula) +
// a Dequantize with one scale per output channel.
#include <cmath>

#include "lpt/dequantization.hpp"
#include "lpt/passes/passes.hpp"

namespace octet::lpt::passes {

namespace {

// The weights axis that holds output channels for this reader, or -1.
int64_t channel_axis(const ir::Node& reader, size_t rank) {
    if (reader.op == "Convolution") return 0;
    if (reader.op == "MatMul" && rank == 2) return reader.attrs.get_bool("transpose_b", false) ? 0 : 1;
    return -1;
}

}  // namespace

bool compress_weights(Rewriter& rw) {
    bool changed = false;
    for (int id = 0; id < rw.size(); ++id) {
        if (!rw.alive(id) || rw.node(id).op != "FakeQuantize") continue;
        const ir::Node fq = rw.node(id);
        const ir::Tensor* w = rw.constant(fq.inputs[0]);
        if (!w || w->type() != ir::ElemType::f32) continue;
        const ir::Tensor* r[4];
        bool ok = true;
        for (int k = 0; k < 4; ++k) ok = ok && (r[k] = rw.constant(fq.inputs[size_t(k) + 1])) != nullptr;
        const std::vector<Use> readers = rw.uses({id, 0});
        if (!ok || readers.empty()) continue;
        const ir::Shape& ws = w->shape();
        int64_t axis = -2;
        for (const Use& u : readers) {
            const int64_t a = u.input == 1 ? channel_axis(rw.node(u.node), ws.size()) : -1;
            axis = axis == -2 || axis == a ? a : -1;
        }
        if (axis < 0) continue;
        // Every range must be per tensor or per channel along `axis`.
        const int64_t channels = ws[size_t(axis)];
        for (int k = 0; k < 4 && ok; ++k) {
            const ir::Shape& rs = r[k]->shape();
            const size_t off = ws.size() - std::min(ws.size(), rs.size());
            for (size_t d = 0; d < rs.size(); ++d)
                if (rs[d] != 1 && off + d != size_t(axis)) ok = false;
        }
        if (!ok) continue;
        auto at = [&](int k, int64_t c) { return r[k]->numel() == 1 ? r[k]->data<float>()[0] : r[k]->data<float>()[c]; };
        const int64_t levels = fq.attrs.get_int("levels");
        std::vector<Quantization> grid;
        for (int64_t c = 0; c < channels && ok; ++c) {
            const auto q = int8_grid(at(0, c), at(1, c), at(2, c), at(3, c), levels, true);
            ok = q && q->zero_point == 0.f;  // weight zero points are 0 (DESIGN.md)
            if (ok) grid.push_back(*q);
        }
        if (!ok) continue;

        ir::Tensor s8(ir::ElemType::s8, ws);
        int64_t inner = 1;
        for (size_t d = size_t(axis) + 1; d < ws.size(); ++d) inner *= ws[d];
        const float* pw = w->data<float>();
        int8_t* pq = s8.data<int8_t>();
        for (int64_t i = 0; i < w->numel(); i += inner) {
            const int64_t c = (i / inner) % channels;
            fake_quantize_indices(pw + i, inner, at(0, c), at(1, c), int(levels), grid[size_t(c)].qlow, pq + i);
        }
        ir::Node cn;
        cn.name = fq.name + "/compressed";
        cn.op = "Constant";
        cn.value = s8;
        const int c_id = rw.add(std::move(cn));
        ir::Node& dq = rw.node(id);  // the FakeQuantize becomes the Dequantize (same name)
        dq.op = "Dequantize";
        dq.attrs = keep_records(dq.attrs);
        dq.attrs.set("original_op", "FakeQuantize");
        dq.inputs = {{c_id, 0}};
        Dequantization d;
        d.axis = axis;
        for (const Quantization& q : grid) d.scale.push_back(q.scale);
        write_dequantization(dq, d);
        rw.infer(id);
        for (const ir::PortRef& p : fq.inputs) rw.remove_if_unused(p.node, id);
        changed = true;
    }
    return changed;
}

}  // namespace octet::lpt::passes
