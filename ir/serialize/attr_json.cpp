#include "ir/serialize/attr_json.hpp"

#include <cmath>

#include "ir/error.hpp"
#include "ir/serialize/json_checks.hpp"

namespace octet::ir::format_detail {

namespace {

using OJson = nlohmann::ordered_json;

// JSON has no inf/nan; they travel as strings.
OJson float_to_json(double v) {
    if (std::isnan(v)) return std::signbit(v) ? "-nan" : "nan";
    if (std::isinf(v)) return v < 0 ? "-inf" : "inf";
    return v;
}

double float_from_json(const Json& j, const std::string& what, const std::string& where) {
    if (j.is_number()) return j.get<double>();  // integers are exact floats too ("1" for 1.0)
    if (j.is_string()) {
        const std::string& s = j.get_ref<const std::string&>();
        if (s == "inf") return HUGE_VAL;
        if (s == "-inf") return -HUGE_VAL;
        if (s == "nan") return std::nan("");
        if (s == "-nan") return -std::nan("");
        throw FormatError(where + what + " is the string '" + s + "', expected a number, \"inf\", \"-inf\" or \"nan\"");
    }
    throw FormatError(where + what + " must be a number, not " + j.type_name());
}

}  // namespace

OJson attr_to_json(const AttrValue& value) {
    OJson j = OJson::object();
    j["type"] = attr_type_name(value);
    if (auto p = std::get_if<bool>(&value)) j["value"] = *p;
    else if (auto p = std::get_if<int64_t>(&value)) j["value"] = *p;
    else if (auto p = std::get_if<double>(&value)) j["value"] = float_to_json(*p);
    else if (auto p = std::get_if<std::string>(&value)) j["value"] = *p;
    else if (auto p = std::get_if<std::vector<int64_t>>(&value)) j["value"] = *p;
    else if (auto p = std::get_if<std::vector<double>>(&value)) {
        OJson a = OJson::array();
        for (double v : *p) a.push_back(float_to_json(v));
        j["value"] = std::move(a);
    }
    return j;
}

AttrValue attr_from_json(const Json& j, const std::string& attr_name, const std::string& where) {
    const std::string what = "attribute '" + attr_name + "'";
    expect_object(j, what, where);
    check_known_fields(j, {"type", "value"}, where + what + ": ");
    const std::string kind = expect_string(required_field(j, "type", where + what + ": "), what + " type", where);
    const Json& v = required_field(j, "value", where + what + ": ");
    if (kind == "bool") return expect_bool(v, what, where);
    if (kind == "int") return expect_int(v, what, where);
    if (kind == "float") return float_from_json(v, what, where);
    if (kind == "string") return expect_string(v, what, where);
    if (kind == "ints") {
        expect_array(v, what, where);
        std::vector<int64_t> r;
        r.reserve(v.size());  // bounded by the JSON text, which is bounded in size
        for (size_t i = 0; i < v.size(); ++i) r.push_back(expect_int(v[i], what + "[" + std::to_string(i) + "]", where));
        return r;
    }
    if (kind == "floats") {
        expect_array(v, what, where);
        std::vector<double> r;
        r.reserve(v.size());
        for (size_t i = 0; i < v.size(); ++i)
            r.push_back(float_from_json(v[i], what + "[" + std::to_string(i) + "]", where));
        return r;
    }
    throw FormatError(where + what + " has unknown type '" + kind +
                      "' (expected bool, int, float, string, ints or floats)");
}

}  // namespace octet::ir::format_detail
