// octet-convert: writes any model octet can load (a zoo model, an octet .json,
// later ONNX / OpenVINO IR) to octet's JSON + .bin format.
//
//   octet-convert zoo:resnet50-int8 resnet50-int8.json [resnet50-int8.bin]
#include <cstdio>
#include <exception>
#include <string>

#include <octet/octet.hpp>

#include "ir/error.hpp"
#include "ir/serialize/model_format.hpp"

namespace {

int usage(const char* argv0, int code) {
    std::fprintf(code ? stderr : stdout,
                 "usage: %s <model.json | zoo:<name>> <out.json> [out.bin]\n"
                 "Writes the model in octet's JSON format; the constants go to out.bin\n"
                 "(default: out.json with .json replaced by .bin).\n",
                 argv0);
    return code;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc == 2 && (std::string(argv[1]) == "-h" || std::string(argv[1]) == "--help")) return usage(argv[0], 0);
    if (argc < 3 || argc > 4) return usage(argv[0], 2);
    const std::string out_json = argv[2];
    const std::string out_bin = argc == 4 ? argv[3] : octet::ir::default_bin_path(out_json);
    try {
        octet::Model model = octet::Model::load(argv[1]);
        model.save(out_json, out_bin);
        std::printf("octet-convert: %s -> %s + %s (%zu nodes)\n", argv[1], out_json.c_str(), out_bin.c_str(),
                    model.graph().size());
        return 0;
    } catch (const octet::Error& e) {
        std::fprintf(stderr, "octet-convert: %s\n", e.what());
        return 1;
    }
}
