#include "ir/ops/op_checks.hpp"

#include <algorithm>

#include "ir/error.hpp"

namespace octet::ir::opcheck {

void check_shape(const Shape& s) {
    const bool empty = std::find(s.begin(), s.end(), 0) != s.end();
    int64_t n = 1;  // product of the non-zero dims: the same in every order
    for (int64_t d : s) {
        if (d < 0) throw ValidationError("shape " + to_string(s) + " has a negative dimension");
        if (d == 0) continue;
        if (n > kMaxElements / d)
            throw ValidationError("shape " + to_string(s) + (empty ? " has non-zero dims whose product exceeds 2^40"
                                                                   : " has more than 2^40 elements"));
        n *= d;
    }
}

void expect_inputs(const Inputs& in, size_t count) {
    if (in.size() != count)
        throw ValidationError("expects " + std::to_string(count) + " input" + (count == 1 ? "" : "s") +
                              ", got " + std::to_string(in.size()));
}

void expect_rank(const TensorDesc& d, size_t rank, const std::string& what) {
    if (d.shape.size() != rank)
        throw ValidationError(what + " must have rank " + std::to_string(rank) + ", got shape " +
                              to_string(d.shape));
}

void expect_type(const TensorDesc& d, std::initializer_list<ElemType> allowed, const std::string& what) {
    std::string names;
    for (ElemType t : allowed) {
        if (t == d.type) return;
        names += std::string(names.empty() ? "" : " or ") + to_string(t);
    }
    throw ValidationError(what + " has element type " + to_string(d.type) + ", expected " + names);
}

void expect_same_type(const TensorDesc& a, const TensorDesc& b, const std::string& what_a,
                      const std::string& what_b) {
    if (a.type != b.type)
        throw ValidationError(what_a + " is " + to_string(a.type) + " but " + what_b + " is " +
                              to_string(b.type) + "; element types must be equal");
}

size_t normalize_axis(int64_t axis, size_t rank, const std::string& what) {
    const int64_t r = int64_t(rank);
    if (axis < -r || axis >= r)
        throw ValidationError(what + " " + std::to_string(axis) + " is out of range for rank " +
                              std::to_string(rank));
    return size_t(axis < 0 ? axis + r : axis);
}

std::vector<int64_t> get_sized_ints(const Attributes& attrs, const std::string& name, size_t count,
                                    const std::vector<int64_t>& def, int64_t min_value) {
    // An empty default means the attribute is required: the getter names it when missing.
    std::vector<int64_t> v = def.empty() ? attrs.get_ints(name) : attrs.get_ints(name, def);
    if (v.size() != count)
        throw ValidationError("attribute '" + name + "' must have " + std::to_string(count) +
                              " values, got " + std::to_string(v.size()));
    for (int64_t x : v) {
        if (x < min_value)
            throw ValidationError("attribute '" + name + "' = " + join(v) + " must be " +
                                  (min_value == 1 ? "positive" : ">= " + std::to_string(min_value)));
        if (x > kMaxAttrValue)
            throw ValidationError("attribute '" + name + "' = " + join(v) + " has a value above 2^31");
    }
    return v;
}

std::string get_choice(const Attributes& attrs, const std::string& name, const std::string& def,
                       std::initializer_list<const char*> allowed) {
    std::string v = def.empty() ? attrs.get_string(name) : attrs.get_string(name, def);  // empty def: required
    std::string names;
    for (const char* a : allowed) {
        if (v == a) return v;
        names += std::string(names.empty() ? "" : ", ") + a;
    }
    throw UnsupportedError("attribute '" + name + "' = '" + v + "' is not supported (expected one of " +
                           names + ")");
}

std::string join(const std::vector<int64_t>& v) { return to_string(Shape(v)); }

}  // namespace octet::ir::opcheck
