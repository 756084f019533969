#pragma once
// The built-in model zoo: well-known networks with deterministic, seeded
// weights drawn like trained ones (Kaiming-normal, BatchNorm folded from the
// statistics of a real calibration run), no downloads.
//
//   resnet50, resnet50-int8        ResNet-50 v1.5, input "data" [1,3,224,224], output [1,1000] (Softmax)
//   mobilenetv2, mobilenetv2-int8  MobileNetV2 1.0, input "data" [1,3,224,224], output [1,1000] (Softmax)
//   bert-layer, bert-layer-int8    one BERT-base encoder layer, input "hidden_states" [1,128,768],
//                                  output [1,128,768]
//
// The "-int8" variants are the f32 graph plus FakeQuantize nodes placed as
// NNCF/POT place them (see engine/zoo/quantize.hpp); both share the same weights.
#include <string>
#include <vector>

#include "ir/graph.hpp"

namespace octet::zoo {

// Every name make_model accepts (without the optional "zoo:" prefix).
std::vector<std::string> model_names();

// Builds the named model, inferred (outputs set). Accepts "resnet50" and
// "zoo:resnet50" alike. The same name gives byte-identical graphs on every call.
// Throws ArgumentError listing the valid names for an unknown one.
ir::Graph make_model(const std::string& name);

}  // namespace octet::zoo
