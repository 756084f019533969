// libFuzzer target for the octet model format reader (ir/serialize), the path
// every untrusted .json + .bin file takes. Any input must end in a Graph or in
// one of octet's exceptions; a graph that loads must also serialize and load
// again (the writer may not trip over anything the reader let through).
//
// Input: a little-endian u32 giving the JSON length, the JSON text, then the
// .bin bytes. Shorter inputs are all JSON with an empty .bin.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "fuzz_round_trip.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string json;
    const uint8_t* bin = nullptr;
    size_t bin_size = 0;
    uint32_t json_size = 0;
    if (size >= 4) std::memcpy(&json_size, data, 4);
    if (size >= 4 && json_size <= size - 4) {
        json.assign(reinterpret_cast<const char*>(data) + 4, json_size);
        bin = data + 4 + json_size;
        bin_size = size - 4 - json_size;
    } else {
        json.assign(reinterpret_cast<const char*>(data), size);
    }
    return octet::fuzz::load_then_round_trip("fuzz_json_model", [&] { return octet::ir::parse_model(json, bin, bin_size); });
}
