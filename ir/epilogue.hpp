#pragma once
// The numeric contract's tail (DESIGN.md), shared by every int8 kernel and its
// reference: what happens to an s32 accumulator of output channel `oc`.
//
//   v = float(acc)                      exact for |acc| < 2^24, else round-to-nearest-even
//   v = v * scale[oc]                   one f32 multiply
//   v = v + bias[oc]                    one f32 add (no FMA anywhere in the chain: SSE4.2
//                                       has none, and every ISA must give the same bits)
//   post-ops in order:
//     relu   v = v > 0 ? v : 0          (maxps semantics: NaN -> 0)
//     clamp  v = v > lo ? v : lo; v = v < hi ? v : hi
//     sum    v = v + (float(r) - sum_zero_point) * sum_scale     r: residual element
//   v = v * out_scale[oc] + out_shift[oc]   (multiply, then add)
//   dst f32: v as is.  dst u8/s8/s32: v clamped to the type's range in f32 (maxps/minps
//   semantics, NaN -> the low bound), then rounded half to even (cvtps2dq under the
//   default MXCSR), which cannot overflow after the clamp.
//
// Vectors of size 1 broadcast over channels; empty bias / out_shift mean 0 and
// empty scale / out_scale mean 1.
#include <cmath>
#include <cstdint>
#include <vector>

#include "ir/types.hpp"

namespace octet::ir {

struct PostOp {
    enum class Kind { relu, clamp, sum } kind = Kind::relu;
    float lo = 0.f, hi = 0.f;        // clamp bounds
    float sum_scale = 1.f;           // sum: residual dequantization
    float sum_zero_point = 0.f;
    ElemType sum_type = ElemType::u8;

    static PostOp relu() { return {}; }
    static PostOp clamp(float lo, float hi) { PostOp p; p.kind = Kind::clamp; p.lo = lo; p.hi = hi; return p; }
    static PostOp sum(ElemType t, float scale, float zero_point = 0.f) {
        PostOp p; p.kind = Kind::sum; p.sum_type = t; p.sum_scale = scale; p.sum_zero_point = zero_point; return p;
    }
};

struct Epilogue {
    std::vector<float> scale;      // size 0, 1 or OC
    std::vector<float> bias;       // size 0, 1 or OC
    std::vector<PostOp> post_ops;
    std::vector<float> out_scale;  // size 0, 1 or OC
    std::vector<float> out_shift;  // size 0, 1 or OC
    ElemType dst_type = ElemType::f32;

    bool has_sum() const {
        for (const PostOp& p : post_ops) if (p.kind == PostOp::Kind::sum) return true;
        return false;
    }
    const PostOp* sum_op() const {
        for (const PostOp& p : post_ops) if (p.kind == PostOp::Kind::sum) return &p;
        return nullptr;
    }
};

inline float epilogue_at(const std::vector<float>& v, int oc, float def) {
    return v.empty() ? def : v[v.size() == 1 ? 0 : size_t(oc)];
}

// Range of an integer destination type, as f32 bounds for the clamp.
inline void dst_bounds(ElemType t, float& lo, float& hi) {
    switch (t) {
    case ElemType::u8: lo = 0.f; hi = 255.f; break;
    case ElemType::s8: lo = -128.f; hi = 127.f; break;
    default: lo = -2147483648.f; hi = 2147483520.f; break;  // largest f32 below 2^31
    }
}

// The chain up to (not including) the conversion to the destination type.
// `residual` is the sum post-op's input element already read as float(r).
inline float epilogue_f32(const Epilogue& e, int32_t acc, int oc, float residual = 0.f) {
    volatile float v = float(acc);  // volatile: keep the compiler from contracting into FMA
    v = v * epilogue_at(e.scale, oc, 1.f);
    v = v + epilogue_at(e.bias, oc, 0.f);
    for (const PostOp& p : e.post_ops) {
        float x = v;
        switch (p.kind) {
        case PostOp::Kind::relu: x = x > 0.f ? x : 0.f; break;
        case PostOp::Kind::clamp: x = x > p.lo ? x : p.lo; x = x < p.hi ? x : p.hi; break;
        case PostOp::Kind::sum: {
            volatile float t = residual - p.sum_zero_point;
            t = t * p.sum_scale;
            x = x + t;
            break;
        }
        }
        v = x;
    }
    v = v * epilogue_at(e.out_scale, oc, 1.f);
    v = v + epilogue_at(e.out_shift, oc, 0.f);
    return v;
}

// f32 -> integer destination: clamp (NaN -> lo), then round half to even.
inline int32_t saturate_round(float v, ElemType t) {
    float lo, hi;
    dst_bounds(t, lo, hi);
    v = v > lo ? v : lo;
    v = v < hi ? v : hi;
    return int32_t(std::nearbyint(v));
}

}  // namespace octet::ir
