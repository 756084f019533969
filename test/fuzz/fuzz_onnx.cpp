// libFuzzer target for the ONNX importer (ir/import/onnx), the path every
// untrusted .onnx file takes. Any input must end in an inferred Graph or in
// one of octet's exceptions; a crash, a sanitizer report, an out-of-memory or
// any other exception type is a bug. No base folder is given, so external
// tensor data must fail cleanly and no file is ever opened.
#include <cstddef>
#include <cstdint>

#include "ir/error.hpp"
#include "ir/import/onnx_import.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    try {
        const octet::ir::Graph g = octet::ir::import_onnx_bytes(data, size);
        // What import returns is inferred; every Result must read a described port.
        for (int r : g.results()) (void)g.desc(g.node(r).inputs.at(0));
    } catch (const octet::Error&) {
        // rejected with a message: the expected outcome for malformed input
    }
    return 0;
}
