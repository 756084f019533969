#pragma once
// In-place graph surgery for the LPT passes: nodes are never erased while a
// pass runs, only marked dead (finish() compacts). Every removed original
// node is recorded on the node that absorbed it ("fused_names"/"fused_ops",
// newline-separated), so the performance counters can list it as NOT_RUN;
// a node whose op changed keeps its original one in "original_op"; nodes the
// LPT invents carry "lpt_internal" and are not recorded when removed.
#include <string>
#include <utility>
#include <vector>

#include "ir/graph.hpp"

namespace octet::lpt {

struct Use {
    int node;
    size_t input;
};

class Rewriter {
public:
    explicit Rewriter(ir::Graph& g);

    ir::Graph& graph() { return g_; }
    ir::Node& node(int n) { return g_.node(n); }
    bool alive(int n) const { return !dead_[size_t(n)]; }
    int size() const { return int(g_.size()); }
    // Live readers of p, one entry per input slot that reads it.
    std::vector<Use> uses(ir::PortRef p) const;
    // The single live reader of p, or -1.
    int single_use(ir::PortRef p) const;
    void replace_uses(ir::PortRef from, ir::PortRef to);
    // The value of a Constant input, or nullptr.
    const ir::Tensor* constant(ir::PortRef p) const;
    // Appends a node (marked lpt_internal) and infers its outputs.
    int add(ir::Node n);
    // Recomputes a node's outputs from its inputs' descriptions.
    void infer(int n);
    // Marks n dead and records it (and what it had absorbed) on `into`.
    void remove(int n, int into);
    // remove(n, into) when n has no live readers left.
    void remove_if_unused(int n, int into);
    // True when `target` is n or one of n's (transitive) inputs.
    bool depends_on(int n, int target) const;
    // Compacts the live nodes into a new inferred graph.
    ir::Graph finish();

private:
    ir::Graph& g_;
    std::vector<char> dead_;
};

// Only the record attributes of `a` (for a node that changes op in place).
ir::Attributes keep_records(const ir::Attributes& a);
// Per-tensor value of a Constant (numel 1), or false.
bool scalar_of(const ir::Tensor* t, float& v);
// Joins / splits the newline-separated record attributes.
std::vector<std::string> split_lines(const std::string& s);

}  // namespace octet::lpt
