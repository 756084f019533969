#pragma once
// Strict readers for the values OpenVINO IR keeps in XML attributes
// ("1,3,224,224", "true", "-3.4e+38"). Whole-string parses only: trailing junk,
// overflow and empty fields are FormatErrors; `what` names the attribute and
// its layer in the message.
#include <cstdint>
#include <string>
#include <vector>

namespace octet::ir::openvino {

int64_t parse_int(const std::string& text, const std::string& what);
double parse_float(const std::string& text, const std::string& what);
bool parse_bool(const std::string& text, const std::string& what);
// Comma-separated; an empty string is an empty list (a scalar's shape).
std::vector<int64_t> parse_ints(const std::string& text, const std::string& what);

}  // namespace octet::ir::openvino
