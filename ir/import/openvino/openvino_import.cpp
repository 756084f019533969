// Entry points of the OpenVINO IR importer: read the files (bounded), check
// the document, build the graph.
#include "ir/import/openvino_import.hpp"

#include <fstream>
#include <iterator>
#include <vector>

#include "ir/error.hpp"
#include "ir/import/openvino/builder.hpp"
#include "ir/import/openvino/ir_document.hpp"

namespace octet::ir {

namespace {

std::vector<char> read_file(const std::string& path, uint64_t limit, const char* what) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw FormatError("cannot open OpenVINO IR " + std::string(what) + " '" + path + "'");
    in.seekg(0, std::ios::end);
    const std::streamoff size = in.tellg();
    if (size < 0) throw FormatError("cannot read OpenVINO IR " + std::string(what) + " '" + path + "'");
    if (uint64_t(size) > limit)
        throw FormatError("OpenVINO IR " + std::string(what) + " '" + path + "' has " + std::to_string(size) +
                          " bytes, more than the " + std::to_string(limit) + " accepted");
    in.seekg(0);
    std::vector<char> data(static_cast<size_t>(size));
    if (size && !in.read(data.data(), size))
        throw FormatError("cannot read OpenVINO IR " + std::string(what) + " '" + path + "'");
    return data;
}

// Weights files up to 64 GiB; above that a file is treated as malformed.
constexpr uint64_t kMaxBinBytes = uint64_t(64) << 30;

}  // namespace

Graph import_openvino_buffers(const std::string& xml, const void* bin, size_t bin_size) {
    const openvino::IrDocument doc = openvino::parse_ir_document(xml);
    openvino::Builder builder(doc, static_cast<const uint8_t*>(bin), bin ? bin_size : 0);
    return builder.build();
}

Graph import_openvino_file(const std::string& xml_path, const std::string& bin_path) {
    std::string bin = bin_path;
    if (bin.empty()) {
        const std::string ext = ".xml";
        const bool has_ext = xml_path.size() >= ext.size() &&
                             xml_path.compare(xml_path.size() - ext.size(), ext.size(), ext) == 0;
        bin = (has_ext ? xml_path.substr(0, xml_path.size() - ext.size()) : xml_path) + ".bin";
    }
    const std::vector<char> xml = read_file(xml_path, openvino::kMaxIrXmlBytes, ".xml");
    const openvino::IrDocument doc = openvino::parse_ir_document(std::string(xml.begin(), xml.end()));
    // The .bin is needed only by Const layers.
    bool needs_bin = false;
    for (const openvino::LayerDesc& l : doc.layers) needs_bin = needs_bin || l.type == "Const";
    std::vector<char> weights;
    if (needs_bin) weights = read_file(bin, kMaxBinBytes, ".bin");
    openvino::Builder builder(doc, reinterpret_cast<const uint8_t*>(weights.data()), weights.size());
    return builder.build();
}

}  // namespace octet::ir
