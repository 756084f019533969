// Writing the octet model format (see model_format.hpp). One node per line,
// keys in a fixed order, attributes sorted by name: the same graph always gives
// the same bytes, so save -> load -> save is byte-identical.
#include <cstring>
#include <fstream>
#include <unordered_set>

#include "ir/error.hpp"
#include "ir/serialize/attr_json.hpp"
#include "ir/serialize/model_format.hpp"

namespace octet::ir {

using format_detail::attr_to_json;

namespace {

using OJson = nlohmann::ordered_json;

// Appends a Constant's bytes at the next aligned offset; returns that offset.
size_t append_aligned(std::vector<uint8_t>& bin, const Tensor& value) {
    const size_t offset = (bin.size() + kModelBinAlignment - 1) / kModelBinAlignment * kModelBinAlignment;
    bin.resize(offset + value.nbytes(), 0);  // the gap is zero padding
    if (value.nbytes() != 0) std::memcpy(bin.data() + offset, value.raw(), value.nbytes());
    return offset;
}

OJson node_to_json(const Graph& g, const Node& n, std::vector<uint8_t>& bin) {
    OJson j = OJson::object();
    j["name"] = n.name;
    j["op"] = n.op;
    OJson inputs = OJson::array();
    for (size_t k = 0; k < n.inputs.size(); ++k) {
        const PortRef& p = n.inputs[k];
        if (p.node < 0 || size_t(p.node) >= g.size() || p.port < 0)
            throw ValidationError(node_prefix(n) + "input " + std::to_string(k) + " refers to node #" +
                                  std::to_string(p.node) + " port " + std::to_string(p.port) +
                                  ", which does not exist");
        OJson in = OJson::object();
        in["node"] = g.node(p.node).name;
        in["port"] = p.port;
        inputs.push_back(std::move(in));
    }
    j["inputs"] = std::move(inputs);
    OJson attrs = OJson::object();
    for (const auto& [name, value] : n.attrs.all()) attrs[name] = attr_to_json(value);
    j["attrs"] = std::move(attrs);
    if (n.op == "Constant") {
        if (n.value.empty()) throw ValidationError(node_prefix(n) + "has no value to write");
        j["element_type"] = to_string(n.value.type());
        j["shape"] = n.value.shape();
        j["offset"] = append_aligned(bin, n.value);
        j["size"] = n.value.nbytes();
    }
    return j;
}

void write_file(const std::string& path, const void* data, size_t size) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) throw ArgumentError("cannot open '" + path + "' for writing");
    out.write(static_cast<const char*>(data), std::streamsize(size));
    out.close();
    if (!out) throw ArgumentError("cannot write '" + path + "'");
}

}  // namespace

std::pair<std::string, std::vector<uint8_t>> serialize_model(const Graph& g) {
    // Refuse what the reader would refuse, so every written model loads.
    std::unordered_set<std::string> names;
    for (const Node& n : g.nodes()) {
        if (n.name.empty()) throw ValidationError("a node of type '" + n.op + "' has an empty name");
        if (!names.insert(n.name).second) throw ValidationError("node name '" + n.name + "' is used twice");
    }
    std::vector<uint8_t> bin;
    std::string text = std::string("{\n \"format\": \"") + kModelFormatName + "\",\n \"version\": " +
                       std::to_string(kModelFormatVersion) + ",\n \"nodes\": [";
    for (size_t i = 0; i < g.size(); ++i) {
        const Node& n = g.node(int(i));
        std::string line;
        try {
            line = node_to_json(g, n, bin).dump();  // strict: invalid UTF-8 in a name throws
        } catch (const nlohmann::json::exception& e) {
            throw ArgumentError(node_prefix(n) + "cannot be written as JSON: " + e.what());
        }
        text += (i == 0 ? "\n  " : ",\n  ") + line;
    }
    text += g.size() == 0 ? "]\n}\n" : "\n ]\n}\n";
    return {std::move(text), std::move(bin)};
}

void save_model(const Graph& graph, const std::string& json_path, const std::string& bin_path) {
    auto [text, bin] = serialize_model(graph);
    write_file(bin_path, bin.data(), bin.size());
    write_file(json_path, text.data(), text.size());
}

}  // namespace octet::ir
