#pragma once
// OpenVINO IR (v10/v11: model.xml + model.bin) to an octet graph. The files are
// untrusted: every id, edge, port, shape and offset is checked before it is
// used, and an op or attribute value octet cannot express is an
// UnsupportedError naming the layer, so a model is never imported "almost".
// Implementation: ir/import/openvino/.
#include <cstddef>
#include <string>

#include "ir/graph.hpp"

namespace octet::ir {

// Reads `xml_path` and `bin_path` (empty: `xml_path` with ".xml" replaced by
// ".bin"; the .bin is read only when a Const needs it) and returns the graph
// after Graph::infer(). Throws FormatError (unreadable file, bad XML, offsets
// past the .bin), ValidationError (a wrong graph) or UnsupportedError.
Graph import_openvino_file(const std::string& xml_path, const std::string& bin_path = "");

// The same from memory: the XML text and the weights bytes.
Graph import_openvino_buffers(const std::string& xml, const void* bin, size_t bin_size);

}  // namespace octet::ir
