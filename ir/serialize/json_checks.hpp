#pragma once
// Checked access to untrusted JSON: every accessor verifies the JSON type and
// range and throws FormatError starting with `where` ("node 'conv1'
// (Convolution): ", "model: ") and naming the field. Internal to the model
// reader.
#include <cstdint>
#include <initializer_list>
#include <string>

#include <nlohmann/json.hpp>

namespace octet::ir::format_detail {

using Json = nlohmann::json;

// Parses `text`, refusing nesting deeper than `max_depth` before nlohmann sees
// it; syntax errors become FormatError.
Json parse_json_text(const std::string& text, int max_depth);

// The member `key` of object `obj`; missing -> FormatError.
const Json& required_field(const Json& obj, const char* key, const std::string& where);
// The member `key`, or nullptr when absent.
const Json* optional_field(const Json& obj, const char* key);
// Rejects members other than `allowed` (catches typos such as "input").
void check_known_fields(const Json& obj, std::initializer_list<const char*> allowed, const std::string& where);

const Json& expect_object(const Json& v, const std::string& what, const std::string& where);
const Json& expect_array(const Json& v, const std::string& what, const std::string& where);
std::string expect_string(const Json& v, const std::string& what, const std::string& where);
bool expect_bool(const Json& v, const std::string& what, const std::string& where);
// A JSON integer that fits int64 (floats such as 1.0 are refused).
int64_t expect_int(const Json& v, const std::string& what, const std::string& where);
// A JSON integer in [0, max].
uint64_t expect_uint(const Json& v, uint64_t max, const std::string& what, const std::string& where);

}  // namespace octet::ir::format_detail
