#pragma once
// Helpers shared by the zoo tests.
#include <string>
#include <vector>

#include "ir/graph.hpp"

namespace octet::zoo::test {

// Number of nodes with the given op.
inline int count_op(const ir::Graph& g, const std::string& op) {
    int n = 0;
    for (const ir::Node& node : g.nodes()) n += node.op == op;
    return n;
}

// Elements in the model's parameters: every f32 Constant except FakeQuantize ranges.
inline int64_t parameter_count(const ir::Graph& g) {
    int64_t total = 0;
    for (int i = 0; i < int(g.size()); ++i) {
        const ir::Node& n = g.node(i);
        if (n.op != "Constant" || n.value.type() != ir::ElemType::f32) continue;
        bool fq_range = false;
        for (int c : g.consumers(i)) fq_range |= g.node(c).op == "FakeQuantize" && g.node(c).inputs[0].node != i;
        if (!fq_range) total += n.value.numel();
    }
    return total;
}

inline const ir::Node& producer(const ir::Graph& g, const ir::Node& n, size_t port) {
    return g.node(n.inputs.at(port).node);
}

}  // namespace octet::zoo::test
