// libFuzzer target for the OpenVINO IR importer (ir/import/openvino), which
// reads untrusted .xml + .bin pairs. Any input must end in a Graph or in one of
// octet's exceptions; a graph that imports must also survive octet's own
// save + load (the importer may not let through what the model format rejects).
//
// Input: the .xml text, a NUL byte, then the .bin bytes. Without a NUL the
// whole input is the .xml and the .bin is empty.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "ir/error.hpp"
#include "ir/import/openvino_import.hpp"
#include "ir/serialize/model_format.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const void* nul = std::memchr(data, 0, size);
    const size_t xml_size = nul ? size_t(static_cast<const uint8_t*>(nul) - data) : size;
    const std::string xml(reinterpret_cast<const char*>(data), xml_size);
    const uint8_t* bin = nul ? data + xml_size + 1 : nullptr;
    const size_t bin_size = nul ? size - xml_size - 1 : 0;
    octet::ir::Graph graph;
    try {
        graph = octet::ir::import_openvino_buffers(xml, bin, bin_size);
    } catch (const octet::Error&) {
        return 0;  // rejected with a message: the expected outcome for malformed input
    }
    try {
        const auto written = octet::ir::serialize_model(graph);
        octet::ir::parse_model(written.first, written.second.data(), written.second.size());
    } catch (const octet::Error& e) {
        std::fprintf(stderr, "fuzz_openvino: an imported model does not survive save + load: %s\n", e.what());
        std::abort();
    }
    return 0;
}
