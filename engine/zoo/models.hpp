#pragma once
// The zoo's network definitions, one file each; used by zoo.cpp.
#include "engine/zoo/builder.hpp"

namespace octet::zoo {

BuiltModel build_resnet50();
BuiltModel build_mobilenetv2();
BuiltModel build_bert_layer();

}  // namespace octet::zoo
