// libFuzzer target for the text jitbench takes from the command line and from
// benchdnn batch files (--conv/--matmul/--ip/--pool descriptors, --dt and
// --attr-* options, whole batch files). These parsers read user-typed text, so
// any input must end in a parsed value or one of octet's exceptions, and a
// descriptor that parses must survive its canonical round trip unchanged.
//
// Input: first byte picks the parser, the rest is the text.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "ir/error.hpp"
#include "kernels/common/benchdnn_attrs.hpp"
#include "kernels/common/benchdnn_batch.hpp"
#include "kernels/conv/desc.hpp"
#include "kernels/matmul/desc.hpp"
#include "kernels/pool/desc.hpp"

namespace {

using namespace octet::kernels;

[[noreturn]] void round_trip_failed(const char* what, const std::string& text, const std::string& canonical) {
    std::fprintf(stderr, "fuzz_layer_desc: %s round trip changed '%s' (canonical '%s')\n", what, text.c_str(),
                 canonical.c_str());
    std::abort();
}

template <class Desc, class Parse>
void check_round_trip(const char* what, const std::string& text, Parse parse) {
    const Desc d = parse(text);
    const std::string canonical = to_string(d);
    if (!(parse(canonical) == d)) round_trip_failed(what, text, canonical);
}

void run(uint8_t selector, const std::string& text) {
    switch (selector % 9) {
    case 0: check_round_trip<ConvDesc>("conv", text, [](const std::string& t) { return parse_conv_desc(t); }); break;
    case 1: check_round_trip<MatmulDesc>("matmul", text, [](const std::string& t) { return parse_matmul_desc(t); }); break;
    case 2: {  // an ip descriptor maps onto a matmul one, whose own round trip must hold
        const MatmulDesc d = parse_ip_desc(text);
        const std::string canonical = to_string(d);
        if (!(parse_matmul_desc(canonical) == d)) round_trip_failed("ip", text, canonical);
        break;
    }
    case 3: {
        const PoolAlg alg = static_cast<PoolAlg>(text.size() % 3);
        const PoolDesc d = parse_pool_desc(text, alg);
        const std::string canonical = to_string(d);
        if (!(parse_pool_desc(canonical, d.alg) == d)) round_trip_failed("pool", text, canonical);
        break;
    }
    case 4: parse_pool_alg(text); break;
    case 5: parse_benchdnn_dt(text); break;
    case 6: parse_benchdnn_scales(text); break;
    case 7: parse_benchdnn_zero_points(text); parse_benchdnn_post_ops(text); break;
    case 8: {
        // Nested --batch= names are looked up in an empty directory: the reader must
        // record them as missing, never read outside it.
        const BatchFile batch = parse_benchdnn_batch(text, "/nonexistent-octet-fuzz-dir", "conv_fuzz");
        for (const BatchEntry& e : batch.entries) {
            if (e.desc.empty()) {
                std::fprintf(stderr, "fuzz_layer_desc: batch reader returned an empty descriptor\n");
                std::abort();
            }
            try {
                parse_conv_desc(e.desc);
            } catch (const octet::Error&) {
            }
        }
        break;
    }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
    try {
        run(data[0], text);
    } catch (const octet::Error&) {
        // Rejected with a message: the expected outcome for malformed text.
    }
    return 0;
}
