#pragma once
// Element access shared by the integer reference kernels: reading activations and
// residuals of any element type, writing a destination element through the numeric
// contract's last step, and checking an epilogue against a channel count.
#include <cstdint>
#include <string>

#include "ir/epilogue.hpp"
#include "ir/types.hpp"

namespace octet::kernels::ref {

// Element i of an integer buffer of type t (u8, s8 or s32), widened.
inline int64_t load_int(ir::ElemType t, const void* p, int64_t i) {
    switch (t) {
    case ir::ElemType::u8: return static_cast<const uint8_t*>(p)[i];
    case ir::ElemType::s8: return static_cast<const int8_t*>(p)[i];
    case ir::ElemType::s32: return static_cast<const int32_t*>(p)[i];
    case ir::ElemType::f32: break;
    }
    return 0;  // not reached: callers check the type first
}

// Element i of a buffer of type t read as float: the sum post-op's float(r).
inline float load_as_float(ir::ElemType t, const void* p, int64_t i) {
    if (t == ir::ElemType::f32) return static_cast<const float*>(p)[i];
    return float(load_int(t, p, i));  // s32: cvtdq2ps rounding, like the JIT
}

// Stores the epilogue's f32 value into element i of dst: f32 as is, integer types
// through ir::saturate_round (clamp, then round half to even).
inline void store_dst(ir::ElemType t, void* p, int64_t i, float v) {
    switch (t) {
    case ir::ElemType::f32: static_cast<float*>(p)[i] = v; break;
    case ir::ElemType::s32: static_cast<int32_t*>(p)[i] = ir::saturate_round(v, t); break;
    case ir::ElemType::u8: static_cast<uint8_t*>(p)[i] = uint8_t(ir::saturate_round(v, t)); break;
    case ir::ElemType::s8: static_cast<int8_t*>(p)[i] = int8_t(ir::saturate_round(v, t)); break;
    }
}

// Throws ArgumentError (prefixed by `where`) unless src_t is u8 or s8.
void check_int8_src(ir::ElemType src_t, const std::string& where);

// Throws ArgumentError unless every per-channel vector of e has size 0, 1 or
// `channels`, there is at most one sum post-op, `residual` is given exactly when e has
// a sum, and no clamp has lo > hi or a NaN bound.
void check_epilogue(const ir::Epilogue& e, int64_t channels, const void* residual, const std::string& where);

// The epilogue and store of one output element: acc of channel `oc` at flat index i.
inline void finish(const ir::Epilogue& e, int32_t acc, int oc, const void* residual, void* dst, int64_t i) {
    const ir::PostOp* sum = e.sum_op();
    const float r = sum ? load_as_float(sum->sum_type, residual, i) : 0.f;
    store_dst(e.dst_type, dst, i, ir::epilogue_f32(e, acc, oc, r));
}

}  // namespace octet::kernels::ref
