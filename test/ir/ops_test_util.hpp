#pragma once
// Helpers for the op shape-inference tests: build a node, run infer_outputs.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "ir/error.hpp"
#include "ir/ops.hpp"

namespace octet::ir::testing {

using Ints = std::vector<int64_t>;

// Attribute builder: A().ints("strides", {2, 2}).str("auto_pad", "valid")
struct A {
    Attributes a;
    A() = default;
    explicit A(Attributes base) : a(std::move(base)) {}  // extend an existing set
    A& ints(const std::string& n, Ints v) { a.set(n, AttrValue(std::move(v))); return *this; }
    A& floats(const std::string& n, std::vector<double> v) { a.set(n, AttrValue(std::move(v))); return *this; }
    A& i(const std::string& n, int64_t v) { a.set(n, AttrValue(v)); return *this; }
    A& f(const std::string& n, double v) { a.set(n, AttrValue(v)); return *this; }
    A& str(const std::string& n, const std::string& v) { a.set(n, AttrValue(v)); return *this; }
    A& b(const std::string& n, bool v) { a.set(n, AttrValue(v)); return *this; }
    operator Attributes() const { return a; }  // NOLINT: implicit on purpose
};

inline TensorDesc f32(Shape s) { return {ElemType::f32, std::move(s)}; }
inline TensorDesc u8(Shape s) { return {ElemType::u8, std::move(s)}; }
inline TensorDesc s8(Shape s) { return {ElemType::s8, std::move(s)}; }

inline Node make_node(const std::string& op, const Attributes& attrs = {}) {
    Node n;
    n.name = "n";
    n.op = op;
    n.attrs = attrs;
    return n;
}

// Runs inference for an op with one output and returns that output.
inline TensorDesc infer1(const std::string& op, const std::vector<TensorDesc>& in, const Attributes& attrs = {}) {
    std::vector<TensorDesc> out = infer_outputs(make_node(op, attrs), in);
    REQUIRE(out.size() == 1);
    return out[0];
}

inline Shape shape_of(const std::string& op, const std::vector<TensorDesc>& in, const Attributes& attrs = {}) {
    return infer1(op, in, attrs).shape;
}

}  // namespace octet::ir::testing
