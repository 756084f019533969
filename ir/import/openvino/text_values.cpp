// Attribute text to numbers, rejecting anything strtoll/strtod would silently
// accept in part (OpenVINO's own reader is lenient; an untrusted file is not).
#include "ir/import/openvino/text_values.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "ir/error.hpp"

namespace octet::ir::openvino {

namespace {

std::string trim(const std::string& s) {
    size_t b = 0, e = s.size();
    while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\n' || s[b] == '\r')) ++b;
    while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\n' || s[e - 1] == '\r')) --e;
    return s.substr(b, e - b);
}

}  // namespace

int64_t parse_int(const std::string& text, const std::string& what) {
    const std::string t = trim(text);
    if (t.empty()) throw FormatError(what + ": expected an integer, got an empty value");
    errno = 0;
    char* end = nullptr;
    const long long v = std::strtoll(t.c_str(), &end, 10);
    if (end != t.c_str() + t.size()) throw FormatError(what + ": '" + text + "' is not an integer");
    if (errno == ERANGE) throw FormatError(what + ": '" + text + "' does not fit in 64 bits");
    return int64_t(v);
}

double parse_float(const std::string& text, const std::string& what) {
    const std::string t = trim(text);
    if (t.empty()) throw FormatError(what + ": expected a number, got an empty value");
    char* end = nullptr;
    const double v = std::strtod(t.c_str(), &end);
    if (end != t.c_str() + t.size()) throw FormatError(what + ": '" + text + "' is not a number");
    return v;
}

bool parse_bool(const std::string& text, const std::string& what) {
    const std::string t = trim(text);
    if (t == "true" || t == "True" || t == "1") return true;
    if (t == "false" || t == "False" || t == "0") return false;
    throw FormatError(what + ": '" + text + "' is not a boolean (true/false)");
}

std::vector<int64_t> parse_ints(const std::string& text, const std::string& what) {
    std::vector<int64_t> r;
    if (trim(text).empty()) return r;
    size_t start = 0;
    while (true) {
        const size_t comma = text.find(',', start);
        const std::string field = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        r.push_back(parse_int(field, what + " (item " + std::to_string(r.size()) + ")"));
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return r;
}

}  // namespace octet::ir::openvino
