#pragma once
// Attribute values <-> JSON, with the kind stored explicitly:
//   {"type": "ints", "value": [1, 2]}
// so that an int never reads back as a float or the other way round. Internal
// to the model reader and writer.
#include <string>

#include <nlohmann/json.hpp>

#include "ir/attributes.hpp"

namespace octet::ir::format_detail {

nlohmann::ordered_json attr_to_json(const AttrValue& value);

// `where` starts every error message ("node 'conv1' (Convolution): ").
AttrValue attr_from_json(const nlohmann::json& j, const std::string& attr_name, const std::string& where);

}  // namespace octet::ir::format_detail
