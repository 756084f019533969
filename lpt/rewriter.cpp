#include "lpt/rewriter.hpp"

#include "ir/error.hpp"
#include "ir/ops.hpp"

namespace octet::lpt {

Rewriter::Rewriter(ir::Graph& g) : g_(g), dead_(g.size(), 0) {}

std::vector<Use> Rewriter::uses(ir::PortRef p) const {
    std::vector<Use> r;
    for (size_t i = 0; i < g_.size(); ++i) {
        if (dead_[i]) continue;
        const ir::Node& n = g_.node(int(i));
        for (size_t k = 0; k < n.inputs.size(); ++k)
            if (n.inputs[k] == p) r.push_back({int(i), k});
    }
    return r;
}

int Rewriter::single_use(ir::PortRef p) const {
    const std::vector<Use> u = uses(p);
    return u.size() == 1 ? u[0].node : -1;
}

void Rewriter::replace_uses(ir::PortRef from, ir::PortRef to) {
    for (size_t i = 0; i < g_.size(); ++i) {
        if (dead_[i] || int(i) == to.node) continue;
        for (ir::PortRef& p : g_.node(int(i)).inputs)
            if (p == from) p = to;
    }
}

const ir::Tensor* Rewriter::constant(ir::PortRef p) const {
    const ir::Node& n = g_.node(p.node);
    return n.op == "Constant" ? &n.value : nullptr;
}

int Rewriter::add(ir::Node n) {
    n.attrs.set("lpt_internal", true);
    const int id = g_.add_node(std::move(n));
    dead_.push_back(0);
    infer(id);
    return id;
}

void Rewriter::infer(int id) {
    ir::Node& n = g_.node(id);
    if (n.op == "Constant") {
        n.outputs = {{n.value.type(), n.value.shape()}};
        return;
    }
    std::vector<ir::TensorDesc> in;
    for (const ir::PortRef& p : n.inputs) in.push_back(g_.desc(p));
    try {
        n.outputs = ir::infer_outputs(n, in);
    } catch (const Error& e) {
        throw ValidationError(ir::node_prefix(n) + "after low-precision transformation: " + e.what());
    }
}

void Rewriter::remove(int id, int into) {
    dead_[size_t(id)] = 1;
    const ir::Node& n = g_.node(id);
    ir::Node& dst = g_.node(into);
    std::string names = dst.attrs.get_string("fused_names", ""), ops = dst.attrs.get_string("fused_ops", "");
    auto append = [](std::string& s, const std::string& v) { s += (s.empty() ? "" : "\n") + v; };
    if (!n.attrs.get_bool("lpt_internal", false)) {
        append(names, n.name);
        append(ops, n.attrs.get_string("original_op", n.op));
    }
    if (n.attrs.has("fused_names") && !n.attrs.get_string("fused_names").empty()) {
        append(names, n.attrs.get_string("fused_names"));
        append(ops, n.attrs.get_string("fused_ops"));
    }
    if (!names.empty()) {
        dst.attrs.set("fused_names", names);
        dst.attrs.set("fused_ops", ops);
    }
}

void Rewriter::remove_if_unused(int id, int into) {
    if (alive(id) && uses({id, 0}).empty()) remove(id, into);
}

bool Rewriter::depends_on(int n, int target) const {
    std::vector<int> stack{n};
    std::vector<char> seen(g_.size(), 0);
    while (!stack.empty()) {
        const int c = stack.back();
        stack.pop_back();
        if (c == target) return true;
        if (seen[size_t(c)]) continue;
        seen[size_t(c)] = 1;
        for (const ir::PortRef& p : g_.node(c).inputs) stack.push_back(p.node);
    }
    return false;
}

ir::Graph Rewriter::finish() {
    ir::Graph out;
    std::vector<int> remap(g_.size(), -1);
    // Topological order of the live nodes (Kahn), so the printed graph reads
    // top-down; dead nodes are skipped (live nodes never read them).
    std::vector<int> pending(g_.size(), 0), order;
    std::vector<std::vector<int>> readers(g_.size());
    for (size_t i = 0; i < g_.size(); ++i) {
        if (dead_[i]) continue;
        for (const ir::PortRef& p : g_.node(int(i)).inputs) {
            if (dead_[size_t(p.node)]) throw Error(ir::node_prefix(g_.node(int(i))) + "low-precision transformation left a dangling input");
            ++pending[i];
            readers[size_t(p.node)].push_back(int(i));
        }
    }
    // Results are read by nothing: they go last, in their original order, so
    // the model's outputs keep their indices (Parameters keep theirs: they
    // start the order, by id).
    auto is_result = [&](int id) { return g_.node(id).op == "Result"; };
    for (size_t i = 0; i < g_.size(); ++i)
        if (!dead_[i] && pending[i] == 0 && !is_result(int(i))) order.push_back(int(i));
    for (size_t k = 0; k < order.size(); ++k)
        for (int r : readers[size_t(order[k])])
            if (--pending[size_t(r)] == 0 && !is_result(r)) order.push_back(r);
    for (size_t i = 0; i < g_.size(); ++i)
        if (!dead_[i] && is_result(int(i))) order.push_back(int(i));
    for (int id : order) {
        ir::Node n = g_.node(id);
        for (ir::PortRef& p : n.inputs) {
            if (remap[size_t(p.node)] < 0)
                throw Error(ir::node_prefix(n) + "low-precision transformation left a dangling input");
            p.node = remap[size_t(p.node)];
        }
        remap[size_t(id)] = out.add_node(std::move(n));
    }
    out.infer();
    return out;
}

ir::Attributes keep_records(const ir::Attributes& a) {
    ir::Attributes r;
    for (const char* k : {"fused_names", "fused_ops"})
        if (a.has(k)) r.set(k, a.get_string(k));
    return r;
}

bool scalar_of(const ir::Tensor* t, float& v) {
    if (!t || t->type() != ir::ElemType::f32 || t->numel() != 1) return false;
    v = t->data<float>()[0];
    return true;
}

std::vector<std::string> split_lines(const std::string& s) {
    std::vector<std::string> r;
    size_t b = 0;
    while (b <= s.size() && !s.empty()) {
        const size_t e = s.find('\n', b);
        r.push_back(s.substr(b, e == std::string::npos ? std::string::npos : e - b));
        if (e == std::string::npos) break;
        b = e + 1;
    }
    return r;
}

}  // namespace octet::lpt
