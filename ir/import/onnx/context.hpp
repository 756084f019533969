#pragma once
// The importer's state while it walks an ONNX graph: what each ONNX value
// name stands for (an IR port, a constant known at import time, or a pending
// QuantizeLinear that a DequantizeLinear may fold into a FakeQuantize), node
// creation with immediate shape inference (so mappers can read input shapes),
// and typed access to a node's attributes.
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "ir/graph.hpp"
#include "ir/import/onnx/const_tensor.hpp"

namespace onnx {
class NodeProto;
class AttributeProto;
}  // namespace onnx

namespace octet::ir::onnx_import {

// A QuantizeLinear whose output has not been materialized: a DequantizeLinear
// with the same parameters turns the pair into one FakeQuantize.
struct PendingQuantize {
    PortRef x;                        // f32 input
    Shape shape;                      // of x
    std::string node_name;            // IR name for the materialized op
    ElemType type = ElemType::u8;
    std::vector<double> scale, zero_point;
    int64_t axis = 1;                 // normalized
};

// A partial result of the erf form of GELU, x * 0.5 * (1 + erf(x / sqrt(2))),
// which octet has as one op: the steps exist only inside that pattern
// (ops_gelu.cpp); reading one anywhere else is an UnsupportedError.
struct GeluPartial {
    PortRef x;
    enum Stage { scaled = 1, erf, one_plus_erf, x_times } stage = scaled;
};

struct Value {
    std::optional<PortRef> port;
    std::optional<GeluPartial> gelu;
    std::optional<ConstTensor> konst;
    std::optional<PendingQuantize> pending_q;
};

class Context;

// One ONNX node being mapped: its inputs, outputs and attributes, with the
// error prefix "node 'name' (OpType): ".
class OnnxNode {
public:
    OnnxNode(Context& ctx, const onnx::NodeProto& proto, std::string name);
    const onnx::NodeProto& proto() const { return proto_; }
    const std::string& name() const { return name_; }  // IR base name: the ONNX name, or op_type_index
    const std::string& op_type() const;
    std::string prefix() const;
    int opset() const;

    size_t input_count() const;
    bool has_input(size_t i) const;                     // present and not ""
    PortRef input(size_t i) const;                      // materialized port
    const TensorDesc& input_desc(size_t i) const;
    const TensorDesc& ctx_desc(PortRef p) const;        // of any port made so far
    const ConstTensor* const_input(size_t i) const;     // nullptr if not known at import
    const ConstTensor& require_const(size_t i, const char* what) const;  // UnsupportedError if not
    const PendingQuantize* pending_q_input(size_t i) const;
    const GeluPartial* gelu_input(size_t i) const;
    void set_output_gelu(size_t i, GeluPartial g) const;
    size_t output_count() const;
    bool output_used(size_t i) const;                   // present, not "", and read or a graph output
    void set_output(size_t i, PortRef p) const;
    void set_output_const(size_t i, ConstTensor c) const;
    void set_output_pending(size_t i, PendingQuantize q) const;

    // Every attribute must be in `known`; others -> UnsupportedError naming it.
    void expect_attrs(std::initializer_list<const char*> known) const;
    bool has_attr(const char* name) const;
    int64_t attr_int(const char* name, int64_t def) const;
    float attr_float(const char* name, float def) const;
    std::string attr_string(const char* name, const std::string& def) const;
    std::vector<int64_t> attr_ints(const char* name, const std::vector<int64_t>& def) const;
    std::vector<float> attr_floats(const char* name) const;
    const onnx::AttributeProto* attr(const char* name, int expected_type) const;  // nullptr if absent

    [[noreturn]] void unsupported(const std::string& what) const;
    [[noreturn]] void invalid(const std::string& what) const;

    // Adds an IR node named "<name><suffix>" and infers its outputs at once.
    PortRef add(const std::string& op, const std::string& suffix, std::vector<PortRef> inputs, Attributes attrs = {}) const;
    PortRef constant(const std::string& suffix, Tensor t) const;
    PortRef f32_constant(const std::string& suffix, Shape dims, std::vector<float> v) const;

private:
    Context& ctx_;
    const onnx::NodeProto& proto_;
    std::string name_;
};

class Context {
public:
    Context(Graph& g, int opset) : graph(g), opset(opset) {}
    Graph& graph;
    int opset;
    std::map<std::string, Value> values;
    std::map<std::string, int> readers;        // ONNX value name -> reading node count
    std::set<std::string> graph_outputs;
    std::set<std::string> node_names;          // IR names in use

    std::string unique_name(const std::string& base);
    // Adds a node and runs its shape inference (errors carry the node prefix).
    PortRef add_node(Node n);
    // The port of an ONNX value, materializing a constant or pending quantize.
    PortRef port_of(const std::string& value, const std::string& who);
    const TensorDesc& desc(PortRef p) const { return graph.node(p.node).outputs.at(size_t(p.port)); }
};

// Normalizes a possibly negative axis for `rank`; ValidationError naming the node.
int64_t normalize_axis(const OnnxNode& n, int64_t axis, int64_t rank, const char* what = "axis");

}  // namespace octet::ir::onnx_import
