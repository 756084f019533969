#pragma once
// Typed node attributes. Getters throw ValidationError naming the attribute
// when it is missing or has another type; Graph adds the node's name.
#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

namespace octet::ir {

using AttrValue = std::variant<bool, int64_t, double, std::string, std::vector<int64_t>, std::vector<double>>;

const char* attr_type_name(const AttrValue& v);  // "bool", "int", "float", "string", "ints", "floats"

class Attributes {
public:
    void set(const std::string& name, AttrValue v) { map_[name] = std::move(v); }
    void set(const std::string& name, bool v) { map_[name] = v; }  // else set(name, true) picks the int overload
    void set(const std::string& name, int v) { map_[name] = int64_t(v); }
    void set(const std::string& name, float v) { map_[name] = double(v); }
    void set(const std::string& name, const char* v) { map_[name] = std::string(v); }
    bool has(const std::string& name) const { return map_.count(name) != 0; }
    const std::map<std::string, AttrValue>& all() const { return map_; }

    bool get_bool(const std::string& name) const;
    bool get_bool(const std::string& name, bool def) const;
    int64_t get_int(const std::string& name) const;
    int64_t get_int(const std::string& name, int64_t def) const;
    double get_float(const std::string& name) const;   // an int value is accepted too
    double get_float(const std::string& name, double def) const;
    std::string get_string(const std::string& name) const;
    std::string get_string(const std::string& name, const std::string& def) const;
    std::vector<int64_t> get_ints(const std::string& name) const;
    std::vector<int64_t> get_ints(const std::string& name, const std::vector<int64_t>& def) const;
    std::vector<double> get_floats(const std::string& name) const;  // ints accepted too
    std::vector<double> get_floats(const std::string& name, const std::vector<double>& def) const;

    bool operator==(const Attributes& o) const { return map_ == o.map_; }

private:
    const AttrValue& at(const std::string& name) const;
    std::map<std::string, AttrValue> map_;
};

}  // namespace octet::ir
