// Element-wise ops: Relu, Clamp, Gelu (unary), Add/Subtract/Multiply (numpy
// broadcasting), and Convert.
#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

#include "ir/epilogue.hpp"
#include "kernels/ref/common.hpp"

namespace octet::kernels::ref {

namespace {

template <class T> void relu_typed(const ir::Tensor& x, ir::Tensor& y) {
    const T* a = x.data<T>();
    T* b = y.data<T>();
    // maxps semantics (NaN -> 0), the same as the relu post-op of the epilogue.
    for (int64_t i = 0; i < x.numel(); ++i) b[i] = a[i] > T(0) ? a[i] : T(0);
}

template <class T> void clamp_typed(const ir::Tensor& x, ir::Tensor& y, T lo, T hi) {
    const T* a = x.data<T>();
    T* b = y.data<T>();
    for (int64_t i = 0; i < x.numel(); ++i) {
        T v = a[i] > lo ? a[i] : lo;  // NaN -> lo, as the clamp post-op
        b[i] = v < hi ? v : hi;
    }
}

// Integer clamp bounds: the integers inside [min, max], saturated to T.
template <class T> void clamp_int(const ir::Tensor& x, ir::Tensor& y, double mn, double mx) {
    const double tlo = double(std::numeric_limits<T>::lowest()), thi = double(std::numeric_limits<T>::max());
    const double lo = std::min(std::max(std::ceil(mn), tlo), thi);
    const double hi = std::min(std::max(std::floor(mx), tlo), thi);
    clamp_typed<T>(x, y, T(lo), T(hi));
}

float gelu_erf(float x) { return 0.5f * x * (1.f + std::erf(x * 0.70710678118654752f)); }
float gelu_tanh(float x) {
    const float k = 0.79788456080286536f;  // sqrt(2/pi)
    return 0.5f * x * (1.f + std::tanh(k * (x + 0.044715f * x * x * x)));
}

template <class T, class Op>
void binary_typed(const ir::Node& n, const ir::Tensor& a, const ir::Tensor& b, ir::Tensor& y, Op op) {
    const T* pa = a.data<T>();
    const T* pb = b.data<T>();
    T* py = y.data<T>();
    if (a.shape() == y.shape() && b.shape() == y.shape()) {
        for (int64_t i = 0; i < y.numel(); ++i) py[i] = op(pa[i], pb[i]);
        return;
    }
    std::vector<int64_t> st[2] = {broadcast_strides(n, 0, a.shape(), y.shape()),
                                  broadcast_strides(n, 1, b.shape(), y.shape())};
    const int64_t sa = inner_stride(st[0]), sb = inner_stride(st[1]);
    for_each_broadcast_row(y.shape(), st, [&](int64_t base, const int64_t* off, int64_t len) {
        const T* ra = pa + off[0];
        const T* rb = pb + off[1];
        T* ry = py + base;
        if (sa == 1 && sb == 0) {  // per-channel scalar broadcast: the common case
            const T s = rb[0];
            for (int64_t j = 0; j < len; ++j) ry[j] = op(ra[j], s);
        } else {
            for (int64_t j = 0; j < len; ++j) ry[j] = op(ra[j * sa], rb[j * sb]);
        }
    });
}

// s32 arithmetic wraps like the hardware (two's complement), without UB.
struct AddOp {
    float operator()(float a, float b) const { return a + b; }
    int32_t operator()(int32_t a, int32_t b) const { return int32_t(uint32_t(a) + uint32_t(b)); }
};
struct SubOp {
    float operator()(float a, float b) const { return a - b; }
    int32_t operator()(int32_t a, int32_t b) const { return int32_t(uint32_t(a) - uint32_t(b)); }
};
struct MulOp {
    float operator()(float a, float b) const { return a * b; }
    int32_t operator()(int32_t a, int32_t b) const { return int32_t(uint32_t(a) * uint32_t(b)); }
};

template <class Op> void binary_dispatch(const ir::Node& n, const Tensors& in, ir::Tensor& y, Op op) {
    if (y.type() == ir::ElemType::f32)
        binary_typed<float>(n, in[0], in[1], y, op);
    else
        binary_typed<int32_t>(n, in[0], in[1], y, op);
}

template <class S, class D> void convert_typed(const ir::Tensor& x, ir::Tensor& y) {
    const S* a = x.data<S>();
    D* b = y.data<D>();
    for (int64_t i = 0; i < x.numel(); ++i) {
        if constexpr (std::is_same_v<D, float>) {
            b[i] = float(a[i]);
        } else if constexpr (std::is_same_v<S, float>) {
            b[i] = D(ir::saturate_round(a[i], ir::ElemTypeOf<D>::value));  // half to even, saturated
        } else {
            const int64_t v = int64_t(a[i]);
            const int64_t lo = int64_t(std::numeric_limits<D>::lowest()), hi = int64_t(std::numeric_limits<D>::max());
            b[i] = D(v < lo ? lo : v > hi ? hi : v);
        }
    }
}

template <class S> void convert_from(const ir::Tensor& x, ir::Tensor& y) {
    switch (y.type()) {
    case ir::ElemType::f32: convert_typed<S, float>(x, y); break;
    case ir::ElemType::s32: convert_typed<S, int32_t>(x, y); break;
    case ir::ElemType::u8: convert_typed<S, uint8_t>(x, y); break;
    case ir::ElemType::s8: convert_typed<S, int8_t>(x, y); break;
    }
}

}  // namespace

Tensors unary_eltwise(const ir::Node& n, const Tensors& in) {
    expect_inputs(n, in, 1);
    ir::Tensor y = make_output(n);
    const ir::Tensor& x = in[0];
    if (x.type() != y.type() || x.shape() != y.shape())
        fail(n, "input " + std::string(ir::to_string(x.type())) + ir::to_string(x.shape()) + " does not match output " +
                    ir::to_string(y.type()) + ir::to_string(y.shape()));
    if (n.op == "Relu") {
        switch (x.type()) {
        case ir::ElemType::f32: relu_typed<float>(x, y); break;
        case ir::ElemType::s32: relu_typed<int32_t>(x, y); break;
        case ir::ElemType::s8: relu_typed<int8_t>(x, y); break;
        case ir::ElemType::u8: relu_typed<uint8_t>(x, y); break;
        }
    } else if (n.op == "Clamp") {
        const double mn = n.attrs.get_float("min"), mx = n.attrs.get_float("max");
        switch (x.type()) {
        case ir::ElemType::f32: clamp_typed<float>(x, y, float(mn), float(mx)); break;
        case ir::ElemType::s32: clamp_int<int32_t>(x, y, mn, mx); break;
        case ir::ElemType::s8: clamp_int<int8_t>(x, y, mn, mx); break;
        case ir::ElemType::u8: clamp_int<uint8_t>(x, y, mn, mx); break;
        }
    } else {  // Gelu
        expect_type(n, in, 0, ir::ElemType::f32);
        const std::string mode = n.attrs.get_string("approximation_mode", "erf");
        if (mode != "erf" && mode != "tanh") unsupported(n, "unknown approximation_mode '" + mode + "'");
        const float* a = x.data<float>();
        float* b = y.data<float>();
        if (mode == "erf")
            for (int64_t i = 0; i < x.numel(); ++i) b[i] = gelu_erf(a[i]);
        else
            for (int64_t i = 0; i < x.numel(); ++i) b[i] = gelu_tanh(a[i]);
    }
    return {y};
}

Tensors binary_eltwise(const ir::Node& n, const Tensors& in) {
    expect_inputs(n, in, 2);
    ir::Tensor y = make_output(n);
    if (y.type() != ir::ElemType::f32 && y.type() != ir::ElemType::s32)
        unsupported(n, std::string("the reference computes f32 and s32, not ") + ir::to_string(y.type()));
    expect_type(n, in, 0, y.type());
    expect_type(n, in, 1, y.type());
    if (n.op == "Add")
        binary_dispatch(n, in, y, AddOp{});
    else if (n.op == "Subtract")
        binary_dispatch(n, in, y, SubOp{});
    else
        binary_dispatch(n, in, y, MulOp{});
    return {y};
}

Tensors convert(const ir::Node& n, const Tensors& in) {
    expect_inputs(n, in, 1);
    ir::Tensor y = make_output(n);
    const ir::Tensor& x = in[0];
    if (x.shape() != y.shape())
        fail(n, "input shape " + ir::to_string(x.shape()) + " differs from output " + ir::to_string(y.shape()));
    switch (x.type()) {
    case ir::ElemType::f32: convert_from<float>(x, y); break;
    case ir::ElemType::s32: convert_from<int32_t>(x, y); break;
    case ir::ElemType::u8: convert_from<uint8_t>(x, y); break;
    case ir::ElemType::s8: convert_from<int8_t>(x, y); break;
    }
    return {y};
}

}  // namespace octet::kernels::ref
