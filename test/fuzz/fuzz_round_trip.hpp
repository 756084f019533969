#pragma once
// The check the model-file fuzz targets share: `load` turns the fuzz input
// into a Graph or throws one of octet's exceptions (the expected outcome for
// malformed input); a graph that loads must also survive octet's own save +
// load, so no reader lets through what the model format rejects.
#include <cstdio>
#include <cstdlib>

#include "ir/error.hpp"
#include "ir/serialize/model_format.hpp"

namespace octet::fuzz {

template <class Load>
int load_then_round_trip(const char* target, Load load) {
    ir::Graph graph;
    try {
        graph = load();
    } catch (const Error&) {
        return 0;  // rejected with a message
    }
    try {
        const auto written = ir::serialize_model(graph);
        ir::parse_model(written.first, written.second.data(), written.second.size());
    } catch (const Error& e) {
        std::fprintf(stderr, "%s: a loaded model does not survive save + load: %s\n", target, e.what());
        std::abort();
    }
    return 0;
}

}  // namespace octet::fuzz
