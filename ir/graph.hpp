#pragma once
// A graph of named nodes. Nodes live in a vector and refer to their inputs by
// (node index, output port); the logical layout of activations is NCHW, as in
// OpenVINO IR and ONNX (kernels pick their own layouts later).
#include <string>
#include <vector>

#include "ir/attributes.hpp"
#include "ir/tensor.hpp"
#include "ir/types.hpp"

namespace octet::ir {

struct PortRef {
    int node = -1;
    int port = 0;
    bool operator==(const PortRef& o) const { return node == o.node && port == o.port; }
    bool operator!=(const PortRef& o) const { return !(*this == o); }
};

struct TensorDesc {
    ElemType type = ElemType::f32;
    Shape shape;
    bool operator==(const TensorDesc& o) const { return type == o.type && shape == o.shape; }
    bool operator!=(const TensorDesc& o) const { return !(*this == o); }
};

struct Node {
    std::string name;
    std::string op;                   // "Convolution", "FakeQuantize", ... (see ir/ops.hpp)
    std::vector<PortRef> inputs;
    Attributes attrs;
    std::vector<TensorDesc> outputs;  // set by Graph::infer()
    Tensor value;                     // Constant only
};

class Graph {
public:
    // Builders; each returns output port 0 of the new node. Nothing is checked
    // until infer().
    PortRef parameter(const std::string& name, ElemType type, const Shape& shape);
    PortRef constant(const std::string& name, Tensor value);
    PortRef add(const std::string& op, const std::string& name, std::vector<PortRef> inputs,
                Attributes attrs = {});
    PortRef result(const std::string& name, PortRef input);
    int add_node(Node n);  // raw insertion (the model loader uses it)

    size_t size() const { return nodes_.size(); }
    Node& node(int i) { return nodes_.at(size_t(i)); }
    const Node& node(int i) const { return nodes_.at(size_t(i)); }
    std::vector<Node>& nodes() { return nodes_; }
    const std::vector<Node>& nodes() const { return nodes_; }
    int find(const std::string& name) const;  // -1 when absent
    std::vector<int> parameters() const;      // Parameter nodes, in insertion order
    std::vector<int> results() const;         // Result nodes, in insertion order
    // Nodes reading output `port` of node `n` (each reader listed once per use).
    std::vector<int> consumers(int n) const;

    // Checks the graph and fills every node's outputs: unique non-empty names,
    // known ops, inputs that exist, no cycles, at least one Parameter... and
    // per-op validation / shape inference. Throws ValidationError (or
    // UnsupportedError for an unknown op) whose message names the node.
    void infer();
    // Node indices with every node after its inputs; throws on cycles and
    // dangling inputs.
    std::vector<int> topo_order() const;
    const TensorDesc& desc(PortRef p) const;  // requires infer()

private:
    std::vector<Node> nodes_;
};

// "node 'name' (Op): " — the prefix every error about a node starts with.
std::string node_prefix(const Node& n);

}  // namespace octet::ir
