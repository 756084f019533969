#include "ir/graph.hpp"

#include <cmath>
#include <unordered_set>

#include "ir/error.hpp"
#include "ir/ops.hpp"

namespace octet::ir {

std::string node_prefix(const Node& n) { return "node '" + n.name + "' (" + n.op + "): "; }

namespace {

// FakeQuantize ranges given as Constants must be finite: a NaN or infinite
// bound has no quantization grid, and every path (f32 reference, int8 kernels)
// would turn it into NaN or a constant output without a word.
void check_fake_quantize_ranges(const std::vector<Node>& nodes, const Node& fq) {
    static const char* names[] = {"x", "input_low", "input_high", "output_low", "output_high"};
    for (size_t k = 1; k < fq.inputs.size() && k < 5; ++k) {
        const Node& src = nodes[size_t(fq.inputs[k].node)];
        if (src.op != "Constant" || src.value.empty() || src.value.type() != ElemType::f32) continue;
        const float* v = src.value.data<float>();
        for (int64_t i = 0; i < src.value.numel(); ++i)
            if (!std::isfinite(v[i]))
                throw ValidationError(node_prefix(fq) + names[k] + " (Constant '" + src.name + "') holds " +
                                      (std::isnan(v[i]) ? "NaN" : v[i] > 0 ? "+Inf" : "-Inf") + " at element " +
                                      std::to_string(i) + "; FakeQuantize ranges must be finite");
    }
}

}  // namespace

int Graph::add_node(Node n) {
    nodes_.push_back(std::move(n));
    return int(nodes_.size()) - 1;
}

PortRef Graph::parameter(const std::string& name, ElemType type, const Shape& shape) {
    Node n;
    n.name = name;
    n.op = "Parameter";
    n.attrs.set("element_type", std::string(to_string(type)));
    n.attrs.set("shape", shape);
    return {add_node(std::move(n)), 0};
}

PortRef Graph::constant(const std::string& name, Tensor value) {
    Node n;
    n.name = name;
    n.op = "Constant";
    n.value = std::move(value);
    return {add_node(std::move(n)), 0};
}

PortRef Graph::add(const std::string& op, const std::string& name, std::vector<PortRef> inputs,
                   Attributes attrs) {
    Node n;
    n.name = name;
    n.op = op;
    n.inputs = std::move(inputs);
    n.attrs = std::move(attrs);
    return {add_node(std::move(n)), 0};
}

PortRef Graph::result(const std::string& name, PortRef input) { return add("Result", name, {input}); }

int Graph::find(const std::string& name) const {
    for (size_t i = 0; i < nodes_.size(); ++i)
        if (nodes_[i].name == name) return int(i);
    return -1;
}

std::vector<int> Graph::parameters() const {
    std::vector<int> r;
    for (size_t i = 0; i < nodes_.size(); ++i)
        if (nodes_[i].op == "Parameter") r.push_back(int(i));
    return r;
}

std::vector<int> Graph::results() const {
    std::vector<int> r;
    for (size_t i = 0; i < nodes_.size(); ++i)
        if (nodes_[i].op == "Result") r.push_back(int(i));
    return r;
}

std::vector<int> Graph::consumers(int n) const {
    std::vector<int> r;
    for (size_t i = 0; i < nodes_.size(); ++i)
        for (const PortRef& p : nodes_[i].inputs)
            if (p.node == n) r.push_back(int(i));
    return r;
}

std::vector<int> Graph::topo_order() const {
    const int count = int(nodes_.size());
    std::vector<int> pending(static_cast<size_t>(count), 0);
    std::vector<std::vector<int>> readers(static_cast<size_t>(count));
    for (int i = 0; i < count; ++i) {
        for (const PortRef& p : nodes_[size_t(i)].inputs) {
            if (p.node < 0 || p.node >= count)
                throw ValidationError(node_prefix(nodes_[size_t(i)]) + "input refers to node #" +
                                      std::to_string(p.node) + ", which does not exist");
            if (p.node == i) throw ValidationError(node_prefix(nodes_[size_t(i)]) + "reads its own output (cycle)");
            ++pending[size_t(i)];
            readers[size_t(p.node)].push_back(i);
        }
    }
    std::vector<int> order, ready;
    order.reserve(size_t(count));
    for (int i = count - 1; i >= 0; --i)
        if (pending[size_t(i)] == 0) ready.push_back(i);
    while (!ready.empty()) {
        int n = ready.back();
        ready.pop_back();
        order.push_back(n);
        for (int r : readers[size_t(n)])
            if (--pending[size_t(r)] == 0) ready.push_back(r);
    }
    if (int(order.size()) != count) {
        for (int i = 0; i < count; ++i)
            if (pending[size_t(i)] != 0)
                throw ValidationError(node_prefix(nodes_[size_t(i)]) + "is part of a cycle");
    }
    return order;
}

void Graph::infer() {
    std::unordered_set<std::string> names;
    for (const Node& n : nodes_) {
        if (n.name.empty()) throw ValidationError("a node of type '" + n.op + "' has an empty name");
        if (!names.insert(n.name).second) throw ValidationError("node name '" + n.name + "' is used twice");
        if (!is_known_op(n.op))
            throw UnsupportedError(node_prefix(n) + "unknown op '" + n.op + "'");
    }
    if (parameters().empty()) throw ValidationError("the graph has no Parameter");
    if (results().empty()) throw ValidationError("the graph has no Result");
    for (int i : topo_order()) {
        Node& n = nodes_[size_t(i)];
        std::vector<TensorDesc> in;
        in.reserve(n.inputs.size());
        for (size_t k = 0; k < n.inputs.size(); ++k) {
            const PortRef& p = n.inputs[k];
            const Node& src = nodes_[size_t(p.node)];
            if (p.port < 0 || size_t(p.port) >= src.outputs.size())
                throw ValidationError(node_prefix(n) + "input " + std::to_string(k) + " reads port " +
                                      std::to_string(p.port) + " of '" + src.name + "', which has " +
                                      std::to_string(src.outputs.size()) + " output(s)");
            in.push_back(src.outputs[size_t(p.port)]);
        }
        try {
            n.outputs = infer_outputs(n, in);
        } catch (const UnsupportedError& e) {
            throw UnsupportedError(node_prefix(n) + e.what());
        } catch (const Error& e) {
            throw ValidationError(node_prefix(n) + e.what());
        }
        if (n.op == "FakeQuantize") check_fake_quantize_ranges(nodes_, n);
    }
}

const TensorDesc& Graph::desc(PortRef p) const {
    const Node& n = node(p.node);
    if (p.port < 0 || size_t(p.port) >= n.outputs.size())
        throw ValidationError(node_prefix(n) + "has no output port " + std::to_string(p.port) +
                              " (was infer() run?)");
    return n.outputs[size_t(p.port)];
}

}  // namespace octet::ir
