#include "ir/attributes.hpp"

#include "ir/error.hpp"

namespace octet::ir {

const char* attr_type_name(const AttrValue& v) {
    static const char* names[] = {"bool", "int", "float", "string", "ints", "floats"};
    return names[v.index()];
}

const AttrValue& Attributes::at(const std::string& name) const {
    auto it = map_.find(name);
    if (it == map_.end()) throw ValidationError("missing attribute '" + name + "'");
    return it->second;
}

namespace {
[[noreturn]] void wrong(const std::string& name, const AttrValue& v, const char* want) {
    throw ValidationError("attribute '" + name + "' is " + attr_type_name(v) + ", expected " + want);
}
}  // namespace

bool Attributes::get_bool(const std::string& name) const {
    const AttrValue& v = at(name);
    if (auto p = std::get_if<bool>(&v)) return *p;
    wrong(name, v, "bool");
}
int64_t Attributes::get_int(const std::string& name) const {
    const AttrValue& v = at(name);
    if (auto p = std::get_if<int64_t>(&v)) return *p;
    wrong(name, v, "int");
}
double Attributes::get_float(const std::string& name) const {
    const AttrValue& v = at(name);
    if (auto p = std::get_if<double>(&v)) return *p;
    if (auto p = std::get_if<int64_t>(&v)) return double(*p);
    wrong(name, v, "float");
}
std::string Attributes::get_string(const std::string& name) const {
    const AttrValue& v = at(name);
    if (auto p = std::get_if<std::string>(&v)) return *p;
    wrong(name, v, "string");
}
std::vector<int64_t> Attributes::get_ints(const std::string& name) const {
    const AttrValue& v = at(name);
    if (auto p = std::get_if<std::vector<int64_t>>(&v)) return *p;
    wrong(name, v, "ints");
}
std::vector<double> Attributes::get_floats(const std::string& name) const {
    const AttrValue& v = at(name);
    if (auto p = std::get_if<std::vector<double>>(&v)) return *p;
    if (auto p = std::get_if<std::vector<int64_t>>(&v)) return std::vector<double>(p->begin(), p->end());
    wrong(name, v, "floats");
}

bool Attributes::get_bool(const std::string& n, bool d) const { return has(n) ? get_bool(n) : d; }
int64_t Attributes::get_int(const std::string& n, int64_t d) const { return has(n) ? get_int(n) : d; }
double Attributes::get_float(const std::string& n, double d) const { return has(n) ? get_float(n) : d; }
std::string Attributes::get_string(const std::string& n, const std::string& d) const {
    return has(n) ? get_string(n) : d;
}
std::vector<int64_t> Attributes::get_ints(const std::string& n, const std::vector<int64_t>& d) const {
    return has(n) ? get_ints(n) : d;
}
std::vector<double> Attributes::get_floats(const std::string& n, const std::vector<double>& d) const {
    return has(n) ? get_floats(n) : d;
}

}  // namespace octet::ir
