#include "ir/serialize/json_checks.hpp"

#include <algorithm>
#include <cstring>
#include <limits>

#include "ir/error.hpp"

namespace octet::ir::format_detail {

namespace {

// nlohmann's parser keeps its own stack, but deep documents still cost memory
// and recursive destruction; a model never needs more than a few levels, so
// count brackets outside strings first.
void check_nesting(const std::string& text, int max_depth) {
    int depth = 0;
    bool in_string = false, escaped = false;
    for (char c : text) {
        if (in_string) {
            if (escaped) escaped = false;
            else if (c == '\\') escaped = true;
            else if (c == '"') in_string = false;
            continue;
        }
        if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            if (++depth > max_depth)
                throw FormatError("model JSON nests deeper than " + std::to_string(max_depth) + " levels");
        } else if (c == '}' || c == ']') {
            --depth;  // unbalanced text is left to the parser to report
        }
    }
}

[[noreturn]] void wrong_type(const Json& v, const std::string& what, const char* want, const std::string& where) {
    throw FormatError(where + what + " must be " + want + ", not " + v.type_name());
}

}  // namespace

Json parse_json_text(const std::string& text, int max_depth) {
    check_nesting(text, max_depth);
    try {
        return Json::parse(text);
    } catch (const Json::exception& e) {
        throw FormatError(std::string("model JSON is malformed: ") + e.what());
    }
}

const Json& required_field(const Json& obj, const char* key, const std::string& where) {
    auto it = obj.find(key);
    if (it == obj.end()) throw FormatError(where + "missing field '" + key + "'");
    return *it;
}

const Json* optional_field(const Json& obj, const char* key) {
    auto it = obj.find(key);
    return it == obj.end() ? nullptr : &*it;
}

void check_known_fields(const Json& obj, std::initializer_list<const char*> allowed, const std::string& where) {
    for (auto it = obj.begin(); it != obj.end(); ++it) {
        bool known = std::any_of(allowed.begin(), allowed.end(),
                                 [&](const char* k) { return it.key() == k; });
        if (!known) {
            std::string list;
            for (const char* k : allowed) list += (list.empty() ? "" : ", ") + std::string(k);
            throw FormatError(where + "unknown field '" + it.key() + "' (expected " + list + ")");
        }
    }
}

const Json& expect_object(const Json& v, const std::string& what, const std::string& where) {
    if (!v.is_object()) wrong_type(v, what, "an object", where);
    return v;
}

const Json& expect_array(const Json& v, const std::string& what, const std::string& where) {
    if (!v.is_array()) wrong_type(v, what, "an array", where);
    return v;
}

std::string expect_string(const Json& v, const std::string& what, const std::string& where) {
    if (!v.is_string()) wrong_type(v, what, "a string", where);
    return v.get<std::string>();
}

bool expect_bool(const Json& v, const std::string& what, const std::string& where) {
    if (!v.is_boolean()) wrong_type(v, what, "a boolean", where);
    return v.get<bool>();
}

int64_t expect_int(const Json& v, const std::string& what, const std::string& where) {
    if (v.is_number_unsigned()) {
        uint64_t u = v.get<uint64_t>();
        if (u > uint64_t(std::numeric_limits<int64_t>::max()))
            throw FormatError(where + what + " (" + std::to_string(u) + ") does not fit a 64-bit signed integer");
        return int64_t(u);
    }
    if (v.is_number_integer()) return v.get<int64_t>();
    wrong_type(v, what, "an integer", where);
}

uint64_t expect_uint(const Json& v, uint64_t max, const std::string& what, const std::string& where) {
    if (v.is_number_unsigned()) {
        uint64_t u = v.get<uint64_t>();
        if (u > max)
            throw FormatError(where + what + " (" + std::to_string(u) + ") exceeds " + std::to_string(max));
        return u;
    }
    if (v.is_number_integer()) {
        int64_t i = v.get<int64_t>();
        if (i < 0) throw FormatError(where + what + " (" + std::to_string(i) + ") must not be negative");
        if (uint64_t(i) > max)
            throw FormatError(where + what + " (" + std::to_string(i) + ") exceeds " + std::to_string(max));
        return uint64_t(i);
    }
    wrong_type(v, what, "a non-negative integer", where);
}

}  // namespace octet::ir::format_detail
