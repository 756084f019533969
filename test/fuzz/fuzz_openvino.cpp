// libFuzzer target for the OpenVINO IR importer (ir/import/openvino), which
// reads untrusted .xml + .bin pairs. Any input must end in a Graph or in one of
// octet's exceptions; a graph that imports must also survive octet's own
// save + load (the importer may not let through what the model format rejects).
//
// Input: the .xml text, a NUL byte, then the .bin bytes. Without a NUL the
// whole input is the .xml and the .bin is empty.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "fuzz_round_trip.hpp"
#include "ir/import/openvino_import.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const void* nul = std::memchr(data, 0, size);
    const size_t xml_size = nul ? size_t(static_cast<const uint8_t*>(nul) - data) : size;
    const std::string xml(reinterpret_cast<const char*>(data), xml_size);
    const uint8_t* bin = nul ? data + xml_size + 1 : nullptr;
    const size_t bin_size = nul ? size - xml_size - 1 : 0;
    return octet::fuzz::load_then_round_trip("fuzz_openvino",
                                             [&] { return octet::ir::import_openvino_buffers(xml, bin, bin_size); });
}
