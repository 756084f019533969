#pragma once
// The structure of an OpenVINO IR .xml, read and checked but not yet
// interpreted: layers with their <data> attributes and port ids, and for every
// input port the (layer, output) that feeds it. Checked here: the net version
// (10 or 11), unique layer ids, edges that name existing layers and ports,
// every input port fed exactly once, no cycles.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace octet::ir::openvino {

struct LayerDesc {
    int64_t id = 0;
    std::string name, type, version;
    std::map<std::string, std::string> data;  // attributes of <data>
    std::vector<int64_t> input_ports, output_ports;  // port ids, in document order

    // "layer 'conv1' (Convolution, id 3)" - how every message names a layer.
    std::string describe() const;
    // describe() + ": " + attribute name; for messages about one attribute.
    std::string attr_where(const std::string& attr) const;
    bool has(const std::string& attr) const { return data.count(attr) != 0; }
    // The attribute's text; a missing one is a FormatError naming it.
    const std::string& attr(const std::string& attr) const;
};

struct Source {
    size_t layer = 0;   // index into IrDocument::layers
    size_t output = 0;  // index into that layer's output_ports
};

struct IrDocument {
    int version = 0;
    std::vector<LayerDesc> layers;
    std::vector<std::vector<Source>> sources;  // sources[layer][input index]
    std::vector<size_t> order;                 // layers, each after its producers
};

// Largest .xml accepted (a ResNet-50 IR is well under 1 MiB).
constexpr size_t kMaxIrXmlBytes = size_t(256) << 20;

IrDocument parse_ir_document(const std::string& xml);

}  // namespace octet::ir::openvino
