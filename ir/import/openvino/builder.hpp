#pragma once
// Turns a checked IrDocument into an octet graph, one layer at a time in
// topological order. Const layers stay values until a layer reads them: as
// attributes (Reshape's shape, Transpose's order, axes) they never become
// nodes, as data they become one Constant node each. Every node is
// shape-inferred as it is added, so a layer's converter sees real shapes and
// an error is reported at the layer that caused it.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "ir/graph.hpp"
#include "ir/import/openvino/const_data.hpp"
#include "ir/import/openvino/ir_document.hpp"

namespace octet::ir::openvino {

class Builder {
public:
    Builder(const IrDocument& doc, const uint8_t* bin, size_t bin_size);
    // Converts every layer, drops nodes no Result needs, runs Graph::infer().
    Graph build();

    // For the per-type converters (layer_ops.cpp); all refer to the layer
    // being converted.
    const LayerDesc& layer() const { return doc_.layers[current_]; }
    const uint8_t* bin() const { return bin_; }
    size_t bin_size() const { return bin_size_; }
    size_t num_inputs() const { return layer().input_ports.size(); }
    // Port counts: inputs in [min_in, max_in], exactly `outputs` outputs.
    void expect_ports(size_t min_in, size_t max_in, size_t outputs) const;
    PortRef input(size_t i);                        // the input as a graph value
    const ConstData* input_const(size_t i) const;   // nullptr when not a Const
    std::vector<int64_t> input_ints(size_t i, const std::string& what) const;  // an integer Const
    std::vector<double> input_floats(size_t i, const std::string& what) const; // any numeric Const
    const TensorDesc& desc(PortRef p) const;
    Graph& graph() { return graph_; }

    // Adds a node and infers its outputs; errors name the current layer.
    PortRef emit(const std::string& op, const std::string& name, std::vector<PortRef> inputs, Attributes attrs = {});
    PortRef emit_constant(const std::string& name, Tensor value);
    std::string unique_name(const std::string& wanted);

    void set_output(size_t port, PortRef value);
    void set_output_const(size_t port, ConstData value);
    // Reading this output is an UnsupportedError saying `why`.
    void forbid_output(size_t port, const std::string& why);

private:
    struct Value {
        bool set = false;
        PortRef ref{-1, 0};
        std::shared_ptr<const ConstData> constant;
        std::string unusable;
    };
    const Value& source_value(size_t i) const;
    void convert_layer();

    const IrDocument& doc_;
    const uint8_t* bin_;
    size_t bin_size_;
    size_t current_ = 0;
    std::vector<std::vector<Value>> values_;  // per layer, per output port
    std::set<std::string> names_;
    Graph graph_;
};

// The converter for one layer type (layer_ops.cpp); UnsupportedError naming
// the type when there is none.
void convert_layer(Builder& b);

}  // namespace octet::ir::openvino
