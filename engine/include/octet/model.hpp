#pragma once
// A model: an inferred, validated ir::Graph. Like ov::Model, it is what a user
// loads or builds, and what compile() turns into something that runs.
#include <string>
#include <vector>

#include "ir/graph.hpp"

namespace octet {

// A named model input (Parameter) or output (Result) with its type and shape.
struct PortInfo {
    std::string name;
    ir::TensorDesc desc;
};

class Model {
public:
    // Reads a model file, chosen by extension: ".json" (octet's format, the
    // constants in the .bin beside it unless `bin_path` is given). "zoo:<name>"
    // builds a zoo model. Other formats throw UnsupportedError.
    static Model load(const std::string& path, const std::string& bin_path = "");
    // A built-in model ("resnet50-int8" or "zoo:resnet50-int8"); see zoo::model_names().
    static Model from_zoo(const std::string& name);
    // Takes a graph built in code; validates it and infers its shapes
    // (ValidationError / UnsupportedError naming the node).
    static Model from_graph(ir::Graph graph);

    const ir::Graph& graph() const { return graph_; }
    std::vector<PortInfo> inputs() const;   // Parameters, in graph order
    std::vector<PortInfo> outputs() const;  // Results, in graph order
    // Writes the model in octet's JSON + .bin format.
    void save(const std::string& json_path, const std::string& bin_path) const;

private:
    explicit Model(ir::Graph graph) : graph_(std::move(graph)) {}
    ir::Graph graph_;
};

}  // namespace octet
