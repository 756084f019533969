// Reading the .xml with pugixml and checking its wiring. Nothing here trusts a
// number in the file: ids and ports are looked up, never used as indices.
#include "ir/import/openvino/ir_document.hpp"

#include <pugixml.hpp>

#include <unordered_map>

#include "ir/error.hpp"
#include "ir/import/openvino/text_values.hpp"

namespace octet::ir::openvino {

std::string LayerDesc::describe() const {
    return "layer '" + name + "' (" + type + ", id " + std::to_string(id) + ")";
}

std::string LayerDesc::attr_where(const std::string& a) const { return describe() + ": attribute '" + a + "'"; }

const std::string& LayerDesc::attr(const std::string& a) const {
    auto it = data.find(a);
    if (it == data.end()) throw FormatError(describe() + ": missing attribute '" + a + "'");
    return it->second;
}

namespace {

std::string required_attr(const pugi::xml_node& node, const char* attr, const std::string& where) {
    const pugi::xml_attribute a = node.attribute(attr);
    if (!a) throw FormatError(where + ": <" + node.name() + "> has no '" + attr + "' attribute");
    return a.value();
}

std::vector<int64_t> read_ports(const pugi::xml_node& group, const LayerDesc& layer, const char* kind) {
    std::vector<int64_t> ids;
    if (!group) return ids;
    for (const pugi::xml_node& port : group.children()) {
        if (std::string(port.name()) != "port") continue;
        const int64_t id = parse_int(required_attr(port, "id", layer.describe()),
                                     layer.describe() + ": " + kind + " port id");
        for (int64_t seen : ids)
            if (seen == id)
                throw ValidationError(layer.describe() + ": " + kind + " port id " + std::to_string(id) +
                                      " appears twice");
        ids.push_back(id);
    }
    return ids;
}

LayerDesc read_layer(const pugi::xml_node& node) {
    LayerDesc l;
    l.id = parse_int(required_attr(node, "id", "a <layer>"), "a <layer>'s id");
    l.name = node.attribute("name").value();
    l.type = required_attr(node, "type", "layer id " + std::to_string(l.id));
    l.version = node.attribute("version").value();
    if (l.name.empty()) l.name = l.type + "_" + std::to_string(l.id);
    if (const pugi::xml_node data = node.child("data"))
        for (const pugi::xml_attribute& a : data.attributes()) l.data[a.name()] = a.value();
    l.input_ports = read_ports(node.child("input"), l, "input");
    // Input and output port ids share one namespace in OpenVINO IR.
    l.output_ports = read_ports(node.child("output"), l, "output");
    for (int64_t in : l.input_ports)
        for (int64_t out : l.output_ports)
            if (in == out)
                throw ValidationError(l.describe() + ": port id " + std::to_string(in) +
                                      " is both an input and an output");
    return l;
}

int find_port(const std::vector<int64_t>& ports, int64_t id) {
    for (size_t i = 0; i < ports.size(); ++i)
        if (ports[i] == id) return int(i);
    return -1;
}

std::vector<size_t> topological_order(const IrDocument& doc) {
    // Kahn's algorithm on input edges; what remains afterwards lies on a cycle.
    const size_t n = doc.layers.size();
    std::vector<size_t> pending(n);
    std::vector<std::vector<size_t>> readers(n);
    for (size_t l = 0; l < n; ++l) {
        pending[l] = doc.sources[l].size();
        for (const Source& s : doc.sources[l]) readers[s.layer].push_back(l);
    }
    std::vector<size_t> order;
    order.reserve(n);
    for (size_t l = 0; l < n; ++l)
        if (pending[l] == 0) order.push_back(l);
    for (size_t i = 0; i < order.size(); ++i)
        for (size_t r : readers[order[i]])
            if (--pending[r] == 0) order.push_back(r);
    if (order.size() != n)
        for (size_t l = 0; l < n; ++l)
            if (pending[l] != 0)
                throw ValidationError(doc.layers[l].describe() + " lies on a cycle of edges");
    return order;
}

// Offset of the first byte that is not part of well-formed UTF-8, or npos.
// OpenVINO writes UTF-8; names end up in octet's JSON, which must be UTF-8 too.
size_t invalid_utf8_at(const std::string& s) {
    size_t i = 0;
    while (i < s.size()) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        size_t len;
        uint32_t cp;
        if (c < 0x80) { ++i; continue; }
        if ((c & 0xe0) == 0xc0) { len = 2; cp = c & 0x1f; }
        else if ((c & 0xf0) == 0xe0) { len = 3; cp = c & 0x0f; }
        else if ((c & 0xf8) == 0xf0) { len = 4; cp = c & 0x07; }
        else return i;
        if (i + len > s.size()) return i;
        for (size_t k = 1; k < len; ++k) {
            const unsigned char d = static_cast<unsigned char>(s[i + k]);
            if ((d & 0xc0) != 0x80) return i;
            cp = (cp << 6) | (d & 0x3f);
        }
        const uint32_t min_cp[] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < min_cp[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
        i += len;
    }
    return std::string::npos;
}

}  // namespace

IrDocument parse_ir_document(const std::string& xml) {
    if (xml.size() > kMaxIrXmlBytes)
        throw FormatError("OpenVINO IR: the .xml has " + std::to_string(xml.size()) + " bytes, more than the " +
                          std::to_string(kMaxIrXmlBytes) + " accepted");
    if (const size_t bad = invalid_utf8_at(xml); bad != std::string::npos)
        throw FormatError("OpenVINO IR: the .xml is not valid UTF-8 (byte " + std::to_string(bad) + ")");
    pugi::xml_document dom;
    const pugi::xml_parse_result parsed = dom.load_buffer(xml.data(), xml.size(), pugi::parse_default);
    if (!parsed)
        throw FormatError(std::string("OpenVINO IR: the .xml is not well-formed XML: ") + parsed.description() +
                          " at byte " + std::to_string(parsed.offset));
    const pugi::xml_node net = dom.child("net");
    if (!net) throw FormatError("OpenVINO IR: the .xml has no <net> root element");

    IrDocument doc;
    const int64_t version = parse_int(required_attr(net, "version", "OpenVINO IR <net>"), "OpenVINO IR <net> version");
    if (version != 10 && version != 11)
        throw UnsupportedError("OpenVINO IR version " + std::to_string(version) + " is not supported (10 or 11)");
    doc.version = int(version);

    const pugi::xml_node layers = net.child("layers");
    if (!layers) throw FormatError("OpenVINO IR: <net> has no <layers>");
    std::unordered_map<int64_t, size_t> index_of;
    for (const pugi::xml_node& node : layers.children("layer")) {
        LayerDesc l = read_layer(node);
        auto [it, fresh] = index_of.emplace(l.id, doc.layers.size());
        if (!fresh)
            throw ValidationError("OpenVINO IR: " + l.describe() + " has the same id as " +
                                  doc.layers[it->second].describe());
        doc.layers.push_back(std::move(l));
    }
    if (doc.layers.empty()) throw ValidationError("OpenVINO IR: <layers> is empty");

    constexpr size_t kUnset = size_t(-1);
    std::vector<std::vector<Source>> sources(doc.layers.size());
    for (size_t l = 0; l < doc.layers.size(); ++l)
        sources[l].assign(doc.layers[l].input_ports.size(), Source{kUnset, 0});
    if (const pugi::xml_node edges = net.child("edges")) {
        for (const pugi::xml_node& e : edges.children("edge")) {
            const std::string where = "OpenVINO IR: <edge>";
            const int64_t from_id = parse_int(required_attr(e, "from-layer", where), where + " from-layer");
            const int64_t from_port = parse_int(required_attr(e, "from-port", where), where + " from-port");
            const int64_t to_id = parse_int(required_attr(e, "to-layer", where), where + " to-layer");
            const int64_t to_port = parse_int(required_attr(e, "to-port", where), where + " to-port");
            const std::string edge = "edge " + std::to_string(from_id) + ":" + std::to_string(from_port) + " -> " +
                                     std::to_string(to_id) + ":" + std::to_string(to_port);
            auto from = index_of.find(from_id), to = index_of.find(to_id);
            if (from == index_of.end())
                throw ValidationError("OpenVINO IR: " + edge + " starts at layer id " + std::to_string(from_id) +
                                      ", which does not exist");
            if (to == index_of.end())
                throw ValidationError("OpenVINO IR: " + edge + " ends at layer id " + std::to_string(to_id) +
                                      ", which does not exist");
            const LayerDesc& src = doc.layers[from->second];
            const LayerDesc& dst = doc.layers[to->second];
            const int out = find_port(src.output_ports, from_port);
            if (out < 0)
                throw ValidationError("OpenVINO IR: " + edge + ": " + src.describe() + " has no output port " +
                                      std::to_string(from_port));
            const int in = find_port(dst.input_ports, to_port);
            if (in < 0)
                throw ValidationError("OpenVINO IR: " + edge + ": " + dst.describe() + " has no input port " +
                                      std::to_string(to_port));
            Source& slot = sources[to->second][size_t(in)];
            if (slot.layer != kUnset)
                throw ValidationError("OpenVINO IR: " + edge + ": input port " + std::to_string(to_port) + " of " +
                                      dst.describe() + " already has an edge");
            slot = Source{from->second, size_t(out)};
        }
    }
    for (size_t l = 0; l < doc.layers.size(); ++l)
        for (size_t i = 0; i < sources[l].size(); ++i)
            if (sources[l][i].layer == kUnset)
                throw ValidationError("OpenVINO IR: " + doc.layers[l].describe() + ": input port " +
                                      std::to_string(doc.layers[l].input_ports[i]) + " has no edge");
    doc.sources = std::move(sources);
    doc.order = topological_order(doc);
    return doc;
}

}  // namespace octet::ir::openvino
