// Model: loading by file type, the zoo, graphs built in code, saving.
#include <utility>

#include "engine/zoo/zoo.hpp"
#include "ir/error.hpp"
#include "ir/import/onnx_import.hpp"
#include "ir/import/openvino_import.hpp"
#include "ir/serialize/model_format.hpp"
#include "octet/model.hpp"

namespace octet {

namespace {

const std::string kZooPrefix = "zoo:";

bool ends_with(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::vector<PortInfo> ports(const ir::Graph& g, const std::vector<int>& nodes, bool results) {
    std::vector<PortInfo> r;
    for (int i : nodes) {
        const ir::Node& n = g.node(i);
        r.push_back({n.name, results ? g.desc(n.inputs.at(0)) : n.outputs.at(0)});
    }
    return r;
}

}  // namespace

Model Model::load(const std::string& path, const std::string& bin_path) {
    if (path.compare(0, kZooPrefix.size(), kZooPrefix) == 0) return from_zoo(path);
    if (ends_with(path, ".json")) return Model(ir::load_model(path, bin_path));
    if (ends_with(path, ".onnx")) return Model(ir::import_onnx_file(path));
    if (ends_with(path, ".xml")) return Model(ir::import_openvino_file(path, bin_path));
    throw UnsupportedError("cannot load '" + path + "': unknown model format (expected .json, .onnx, .xml or zoo:<name>)");
}

Model Model::from_zoo(const std::string& name) {
    std::string bare = name.compare(0, kZooPrefix.size(), kZooPrefix) == 0 ? name.substr(kZooPrefix.size()) : name;
    return from_graph(zoo::make_model(bare));
}

Model Model::from_graph(ir::Graph graph) {
    graph.infer();
    return Model(std::move(graph));
}

std::vector<PortInfo> Model::inputs() const { return ports(graph_, graph_.parameters(), false); }
std::vector<PortInfo> Model::outputs() const { return ports(graph_, graph_.results(), true); }

void Model::save(const std::string& json_path, const std::string& bin_path) const {
    ir::save_model(graph_, json_path, bin_path);
}

}  // namespace octet
