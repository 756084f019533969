#pragma once
// Helpers for the f32 reference tests: build a node by hand (op, attrs,
// inferred output) and tensors from literal values.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "ir/graph.hpp"
#include "ir/tensor.hpp"
#include "kernels/ref/ref.hpp"

namespace reftest {

using octet::ir::ElemType;
using octet::ir::Shape;
using octet::ir::Tensor;

template <class T> Tensor make(const Shape& shape, const std::vector<T>& values) {
    Tensor t(octet::ir::ElemTypeOf<T>::value, shape);
    REQUIRE(size_t(t.numel()) == values.size());
    std::copy(values.begin(), values.end(), t.data<T>());
    return t;
}

inline Tensor iota(const Shape& shape, float start = 0.f) {
    Tensor t(ElemType::f32, shape);
    for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = start + float(i);
    return t;
}

inline octet::ir::Node node(const std::string& op, octet::ir::Attributes attrs, ElemType out_type,
                            const Shape& out_shape) {
    octet::ir::Node n;
    n.name = "n_" + op;
    n.op = op;
    n.attrs = std::move(attrs);
    n.outputs = {{out_type, out_shape}};
    return n;
}

inline Tensor eval1(const octet::ir::Node& n, const std::vector<Tensor>& in) {
    std::vector<Tensor> out = octet::kernels::ref::eval_node(n, in);
    REQUIRE(out.size() == 1);
    return out[0];
}

template <class T> std::vector<T> values(const Tensor& t) {
    return std::vector<T>(t.data<T>(), t.data<T>() + t.numel());
}

// Element-wise comparison with a relative tolerance (hand-computed decimals).
inline void check_close(const Tensor& t, const std::vector<float>& expect, double eps = 1e-5, double margin = 1e-6) {
    REQUIRE(size_t(t.numel()) == expect.size());
    for (size_t i = 0; i < expect.size(); ++i) {
        INFO("element " << i);
        CHECK(t.data<float>()[i] == Approx(expect[i]).epsilon(eps).margin(margin));
    }
}

}  // namespace reftest
