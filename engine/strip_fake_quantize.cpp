#include "engine/strip_fake_quantize.hpp"

#include <vector>

namespace octet::engine {

ir::Graph strip_fake_quantize(const ir::Graph& graph) {
    const std::vector<int> order = graph.topo_order();
    // Where each FakeQuantize's readers read from instead (chains resolve
    // because producers come first in topological order).
    std::vector<ir::PortRef> bypass(graph.size());
    auto source = [&](ir::PortRef p) {
        return graph.node(p.node).op == "FakeQuantize" ? bypass[size_t(p.node)] : p;
    };
    for (int i : order) {
        const ir::Node& n = graph.node(i);
        if (n.op == "FakeQuantize") bypass[size_t(i)] = source(n.inputs.at(0));
    }

    // Keep what the Results still need, plus every Parameter.
    std::vector<char> live(graph.size(), 0);
    for (auto it = order.rbegin(); it != order.rend(); ++it) {
        const ir::Node& n = graph.node(*it);
        if (n.op == "Result" || n.op == "Parameter") live[size_t(*it)] = 1;
        if (!live[size_t(*it)] || n.op == "FakeQuantize") continue;
        for (const ir::PortRef& p : n.inputs) live[size_t(source(p).node)] = 1;
    }

    // Copy the live nodes in their original order, renumbering inputs.
    ir::Graph out;
    std::vector<int> new_index(graph.size(), -1);
    int next = 0;
    for (size_t i = 0; i < graph.size(); ++i)
        if (live[i] && graph.node(int(i)).op != "FakeQuantize") new_index[i] = next++;
    for (size_t i = 0; i < graph.size(); ++i) {
        if (new_index[i] < 0) continue;
        ir::Node n = graph.node(int(i));
        for (ir::PortRef& p : n.inputs) {
            p = source(p);
            p.node = new_index[size_t(p.node)];
        }
        n.outputs.clear();
        out.add_node(std::move(n));
    }
    out.infer();
    return out;
}

}  // namespace octet::engine
