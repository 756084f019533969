#include "engine/f32/fuse_f32.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <queue>
#include <vector>

#include "ir/epilogue.hpp"
#include "ir/error.hpp"
#include "ir/ops/int8_ops.hpp"
#include "kernels/eltwise/desc.hpp"
#include "kernels/f32/math_injector.hpp"
#include "lpt/rewriter.hpp"

namespace octet::engine::f32 {

namespace {

using ir::ElemType;

bool env_flag(const char* name) {
    const char* v = std::getenv(name);
    return v && *v && std::strcmp(v, "0") != 0;
}

// The index of the input of a two-input Add that is not `p`, when the Add
// reads `p` exactly once; -1 otherwise.
int other_input(const ir::Node& add, ir::PortRef p) {
    if (add.op != "Add" || add.inputs.size() != 2) return -1;
    if (add.inputs[0] == p && add.inputs[1] != p) return 1;
    if (add.inputs[1] == p && add.inputs[0] != p) return 0;
    return -1;
}

// The per-channel values of a bias constant added to an output of shape
// `out`: every dim of the constant (aligned to the right) is 1 except at
// most the channel axis, where it equals the channel count.
bool bias_values(const ir::Tensor& t, const ir::Shape& out, size_t axis, std::vector<float>& v) {
    if (t.type() != ElemType::f32) return false;
    const ir::Shape& s = t.shape();
    if (s.size() > out.size()) return false;
    const size_t off = out.size() - s.size();
    int64_t c = 1;
    for (size_t i = 0; i < s.size(); ++i) {
        if (off + i == axis && s[i] == out[axis]) c = s[i];
        else if (s[i] != 1) return false;
    }
    const float* p = t.data<float>();
    v.assign(size_t(out[axis]), 0.f);
    for (size_t k = 0; k < v.size(); ++k) v[k] = p[c == 1 ? 0 : k];
    return true;
}

bool all_f32(const ir::Graph& g, const ir::Node& n) {
    for (const ir::PortRef& p : n.inputs)
        if (g.desc(p).type != ElemType::f32) return false;
    return n.outputs.size() == 1 && n.outputs[0].type == ElemType::f32;
}

// Folds what follows node `id`; true when something was folded.
bool fuse_one(lpt::Rewriter& rw, int id) {
    ir::Graph& g = rw.graph();
    const ir::Node& k = g.node(id);
    const bool conv = k.op == "Convolution";
    if ((!conv && k.op != "MatMul") || k.inputs.size() != 2 || !all_f32(g, k)) return false;
    if (!conv && (g.desc(k.inputs[0]).shape.size() < 2 || g.desc(k.inputs[1]).shape.size() < 2)) return false;
    const ir::TensorDesc out = k.outputs[0];
    if (out.shape.empty() || (conv && out.shape.size() != 4)) return false;
    const size_t axis = conv ? 1 : out.shape.size() - 1;

    ir::Epilogue e;
    e.dst_type = ElemType::f32;
    std::vector<int> folded;  // in graph order
    ir::PortRef cur{id, 0}, residual{-1, 0};
    // A follower must be an f32 node of the output's description reading cur once.
    auto follower = [&](ir::PortRef p) -> int {
        const int r = rw.single_use(p);
        if (r < 0) return -1;
        const ir::Node& f = g.node(r);
        return f.outputs.size() == 1 && f.outputs[0] == out && all_f32(g, f) ? r : -1;
    };
    int r = follower(cur);
    if (r >= 0) {
        const ir::Node& add = g.node(r);
        const int o = other_input(add, cur);
        const ir::Tensor* t = o >= 0 ? rw.constant(add.inputs[size_t(o)]) : nullptr;
        if (t && bias_values(*t, out.shape, axis, e.bias)) {
            folded.push_back(r);
            cur = {r, 0};
        }
    }
    while ((r = follower(cur)) >= 0) {
        const ir::Node& f = g.node(r);
        if (f.op == "Relu" && f.inputs.size() == 1) {
            e.post_ops.push_back(ir::PostOp::relu());
        } else if (f.op == "Clamp" && f.inputs.size() == 1) {
            e.post_ops.push_back(ir::PostOp::clamp(float(f.attrs.get_float("min")), float(f.attrs.get_float("max"))));
        } else if (f.op == "Add" && residual.node < 0) {
            const int o = other_input(f, cur);
            if (o < 0) break;
            const ir::PortRef other = f.inputs[size_t(o)];
            if (rw.constant(other) || g.desc(other) != out) break;
            // The chain's tensors have one reader each, so `other` cannot be
            // computed from them; checked anyway, a cycle would be fatal.
            if (rw.depends_on(other.node, id)) break;
            e.post_ops.push_back(ir::PostOp::sum(ElemType::f32, 1.f, 0.f));
            residual = other;
        } else {
            break;
        }
        folded.push_back(r);
        cur = {r, 0};
    }
    if (folded.empty()) return false;

    ir::Node& fused = g.node(id);
    fused.attrs.set("original_op", fused.op);
    fused.op = conv ? "ConvolutionF32" : "MatMulF32";
    ir::epilogue_to_attrs(e, fused.attrs);
    if (residual.node >= 0) fused.inputs.push_back(residual);
    rw.replace_uses(cur, {id, 0});
    for (int f : folded) {
        std::vector<int> constants;
        for (const ir::PortRef& p : g.node(f).inputs)
            if (rw.constant(p)) constants.push_back(p.node);
        rw.remove(f, id);
        for (int c : constants) rw.remove_if_unused(c, id);
    }
    rw.infer(id);
    return true;
}

// Folds the Quantize that reads Gelu `id` into it; true when folded.
bool fuse_gelu_quantize_one(lpt::Rewriter& rw, int id) {
    ir::Graph& g = rw.graph();
    const ir::Node& n = g.node(id);
    if (n.op != "Gelu" || n.inputs.size() != 1 || !all_f32(g, n)) return false;
    const std::string mode = n.attrs.get_string("approximation_mode", "erf");
    if (mode != "erf" && mode != "tanh") return false;
    const int q = rw.single_use({id, 0});
    if (q < 0) return false;
    const ir::Node& qn = g.node(q);
    if (qn.op != "Quantize" || qn.inputs.size() != 1 || qn.outputs.size() != 1 || qn.attrs.has("int8_layout"))
        return false;
    const ir::TensorDesc out = qn.outputs[0];
    if (!ir::is_int8(out.type) || out.shape != n.outputs[0].shape || ir::num_elements(out.shape) == 0) return false;
    try {  // vectors the quantize kernel takes (0, 1 or C values on the axis)
        kernels::gelu_quantize_chain_of(kernels::quantize_problem_of(qn, out.shape, out.type), mode == "tanh");
    } catch (const Error&) {
        return false;
    }
    ir::Attributes attrs = n.attrs;
    attrs.set("original_op", n.attrs.get_string("original_op", n.op));
    for (const char* a : {"destination_type", "scale", "shift", "axis"})
        if (qn.attrs.has(a)) attrs.set(a, qn.attrs.all().at(a));
    ir::Node& fused = g.node(id);
    fused.op = "GeluQuantize";
    fused.attrs = std::move(attrs);
    rw.replace_uses({q, 0}, {id, 0});
    rw.remove(q, id);
    rw.infer(id);
    return true;
}

// The live nodes in a topological order that keeps the original order where
// it can (the smallest ready index first), Results last in their order, so
// Parameters and Results keep their positions relative to each other.
ir::Graph compact(lpt::Rewriter& rw) {
    ir::Graph& g = rw.graph();
    const int count = rw.size();
    std::vector<int> pending(size_t(count), 0), remap(size_t(count), -1), results;
    std::vector<std::vector<int>> readers;
    readers.resize(size_t(count));
    std::priority_queue<int, std::vector<int>, std::greater<int>> ready;
    for (int i = 0; i < count; ++i) {
        if (!rw.alive(i)) continue;
        for (const ir::PortRef& p : g.node(i).inputs) {
            if (!rw.alive(p.node)) throw Error(ir::node_prefix(g.node(i)) + "f32 fusion left a dangling input");
            ++pending[size_t(i)];
            readers[size_t(p.node)].push_back(i);
        }
        if (pending[size_t(i)] == 0) ready.push(i);
    }
    ir::Graph out;
    auto emit = [&](int i) {
        ir::Node n = g.node(i);
        for (ir::PortRef& p : n.inputs) p.node = remap[size_t(p.node)];
        remap[size_t(i)] = out.add_node(std::move(n));
    };
    while (!ready.empty()) {
        const int i = ready.top();
        ready.pop();
        if (g.node(i).op == "Result") {
            results.push_back(i);
            continue;
        }
        emit(i);
        for (int r : readers[size_t(i)])
            if (--pending[size_t(r)] == 0) ready.push(r);
    }
    std::sort(results.begin(), results.end());
    for (int i : results) emit(i);
    for (int i = 0; i < count; ++i)
        if (rw.alive(i) && remap[size_t(i)] < 0) throw Error(ir::node_prefix(g.node(i)) + "f32 fusion left a cycle");
    out.infer();
    return out;
}

}  // namespace

int fuse_followers(ir::Graph& g) {
    lpt::Rewriter rw(g);
    const int count = rw.size();
    int fused = 0;
    for (int id = 0; id < count; ++id)
        if (rw.alive(id) && fuse_one(rw, id)) ++fused;
    if (fused == 0) return 0;
    int folded = 0;
    for (int id = 0; id < count; ++id) folded += !rw.alive(id);
    g = compact(rw);
    return folded;
}

int fuse_gelu_quantize(ir::Graph& g) {
    lpt::Rewriter rw(g);
    int folded = 0;
    for (int id = 0; id < rw.size(); ++id)
        if (rw.alive(id) && fuse_gelu_quantize_one(rw, id)) ++folded;
    if (folded > 0) g = compact(rw);
    return folded;
}

bool gelu_quantize_fusion_enabled(jit::Isa isa) {
    jit::Isa f;
    return kernels::f32::f32_jit_isa(isa, f) && !env_flag("OCTET_F32_NO_FUSE") && !env_flag("OCTET_F32_NO_QUANTIZE_FUSE");
}

bool fusion_enabled(jit::Isa isa) {
    return jit::isa_is_subset(jit::Isa::avx2, isa) && !env_flag("OCTET_F32_REF_CONV_MATMUL") &&
           !env_flag("OCTET_F32_NO_FUSE");
}

}  // namespace octet::engine::f32
