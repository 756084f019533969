#pragma once
// Exact s32 accumulation for the integer references: acc = Σ (x - zp) * w.
//
// The reference sums in int64 and then checks that the exact result fits s32 (the
// JIT kernels accumulate in s32, which is exact whenever the final value fits). A
// product is at most |x - zp| * 128, so int64 is exact when K * that bound <= 2^62;
// check_acc_range rejects the (absurd-zero-point) problems where it is not.
// When K * bound < 2^31 even an int32 running sum is exact, which lets the compiler
// vectorize the common case; dot() picks the accumulator type from that.
#include <cstdint>
#include <climits>
#include <string>

#include "ir/types.hpp"

namespace octet::kernels::ref {

// Largest |x - zp| over the values x of src_t (u8 or s8).
int64_t max_centered(ir::ElemType src_t, int32_t zp);

// UnsupportedError when a sum of k products could overflow int64.
void check_acc_range(ir::ElemType src_t, int32_t zp, int64_t k, const std::string& where);

// True when a sum of k products is exact in int32 (every partial sum fits).
bool row_fits_s32(ir::ElemType src_t, int32_t zp, int64_t k);

// Σ_{i<n} (x[i] - zp) * w[i*w_stride], in Acc (int32_t when row_fits_s32, else int64_t).
template <class Acc, class Src>
Acc dot(const Src* x, const int8_t* w, int64_t n, int64_t w_stride, int32_t zp) {
    Acc s = 0;
    for (int64_t i = 0; i < n; ++i) s += (Acc(x[i]) - Acc(zp)) * Acc(w[i * w_stride]);
    return s;
}

inline bool fits_s32(int64_t acc) { return acc >= INT32_MIN && acc <= INT32_MAX; }

// The UnsupportedError for an accumulator outside s32; `what` names the output element.
[[noreturn]] void throw_acc_overflow(int64_t acc, const std::string& where, const std::string& what);

}  // namespace octet::kernels::ref
