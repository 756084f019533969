#pragma once
// octet's public API, shaped like OpenVINO's:
//
//   auto model    = octet::Model::load("model.json");        // or Model::from_zoo("resnet50-int8")
//   auto compiled = octet::compile(model, {/*threads*/ 0, /*max_isa*/ "", /*streams*/ 1});
//   auto request  = compiled.create_request();
//   request.set_input(0, tensor);
//   request.infer();
//   octet::ir::Tensor y = request.output(0);
//   for (auto& pc : request.perf_counters()) ...             // the per-layer table
#include "octet/compiled_model.hpp"
#include "octet/infer_request.hpp"
#include "octet/model.hpp"
#include "octet/perf_counter.hpp"
