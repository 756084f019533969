// octet-convert: writes any model octet can load (a zoo model, an octet .json,
// ONNX, OpenVINO IR) to octet's JSON + .bin format, or to ONNX (opset 17, QDQ
// for FakeQuantize) when the output name ends in .onnx, so a peer runtime can
// run exactly the model octet runs.
//
//   octet-convert zoo:resnet50-int8 resnet50-int8.json [resnet50-int8.bin]
//   octet-convert zoo:resnet50-int8 resnet50-int8.onnx
#include <cstdio>
#include <exception>
#include <string>

#include <octet/octet.hpp>

#include "ir/error.hpp"
#include "ir/export/onnx_export.hpp"
#include "ir/serialize/model_format.hpp"

namespace {

int usage(const char* argv0, int code) {
    std::fprintf(code ? stderr : stdout,
                 "usage: %s <model.json | model.onnx | model.xml | zoo:<name>> <out.json | out.onnx> [out.bin]\n"
                 "Writes the model in octet's JSON format; the constants go to out.bin\n"
                 "(default: out.json with .json replaced by .bin). An output name ending in\n"
                 ".onnx writes ONNX opset 17 instead (FakeQuantize as QuantizeLinear/DequantizeLinear).\n",
                 argv0);
    return code;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc == 2 && (std::string(argv[1]) == "-h" || std::string(argv[1]) == "--help")) return usage(argv[0], 0);
    if (argc < 3 || argc > 4) return usage(argv[0], 2);
    const std::string out_json = argv[2];
    const bool to_onnx = out_json.size() >= 5 && out_json.compare(out_json.size() - 5, 5, ".onnx") == 0;
    if (to_onnx && argc == 4) return usage(argv[0], 2);
    const std::string out_bin = argc == 4 ? argv[3] : octet::ir::default_bin_path(out_json);
    try {
        octet::Model model = octet::Model::load(argv[1]);
        if (to_onnx) {
            octet::ir::export_onnx(model.graph(), out_json);
            std::printf("octet-convert: %s -> %s (ONNX opset 17, %zu nodes)\n", argv[1], out_json.c_str(),
                        model.graph().size());
            return 0;
        }
        model.save(out_json, out_bin);
        std::printf("octet-convert: %s -> %s + %s (%zu nodes)\n", argv[1], out_json.c_str(), out_bin.c_str(),
                    model.graph().size());
        return 0;
    } catch (const octet::Error& e) {
        std::fprintf(stderr, "octet-convert: %s\n", e.what());
        return 1;
    }
}
