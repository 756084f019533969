#pragma once
// pmaddubsw adds two u8×s8 products into s16 WITH saturation. For weights
// (w0, w1) the sum is exact for every u8 input iff the signs differ (or one is
// 0) or |w0| + |w1| <= 128 (255·128 = 32640 fits, 255·129 does not). Every
// non-VNNI int8 kernel uses this one rule to decide its fast path.
#include <emmintrin.h>

#include <cstdint>

namespace octet::kernels {

// For s8 weights that is |w0 + w1| <= 128: with equal signs |w0 + w1| =
// |w0| + |w1|, with opposite ones |w0 + w1| <= 128 always; one compare pair,
// no branch, so the O(weights) scans over it vectorize.
inline bool u8s8_pair_safe(int w0, int w1) {
    const int s = w0 + w1;
    return s <= 128 && s >= -128;
}

// The safe part of an unsafe pair and what it leaves: the larger weight (by
// magnitude; w0 on a tie) moves toward 0 by the excess |w0| + |w1| - 128 (1..128),
// so the safe pair sums to +-128 and delta = w - w_safe has one non-zero in
// [-128, 127]. A safe pair is kept, delta 0. The fast pmaddubsw chain then runs on
// w_safe and a sparse correction adds a·delta (conv: pack.hpp, pxfix.hpp;
// matmul at M = 1: jit_matmul_kernel.cpp).
inline void u8s8_make_pair_safe(int8_t& w0, int8_t& w1, int8_t& d0, int8_t& d1) {
    d0 = d1 = 0;
    if (u8s8_pair_safe(w0, w1)) return;
    const int a0 = w0 < 0 ? -w0 : w0, a1 = w1 < 0 ? -w1 : w1;
    const int excess = a0 + a1 - 128;
    int8_t& big = a0 >= a1 ? w0 : w1;
    int8_t& d = a0 >= a1 ? d0 : d1;
    const int sign = big > 0 ? 1 : -1;
    big = int8_t(big - sign * excess);
    d = int8_t(sign * excess);
}

// Whether the 16 pairs (32 bytes) at w hold an unsafe one. The scans over every weight
// at compile time (safe_weights) skip the blocks without one this way:
// the compiler leaves the stride-2 scalar form unvectorized.
inline bool u8s8_any_unsafe16(const int8_t* w) {
    const __m128i hi = _mm_set1_epi16(128), lo = _mm_set1_epi16(-128);
    __m128i bad = _mm_setzero_si128();
    for (int h = 0; h < 2; ++h) {
        const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(w + 16 * h));
        // w0 + w1 of each pair as s16: the even byte sign-extended plus the odd one.
        const __m128i sum = _mm_add_epi16(_mm_srai_epi16(_mm_slli_epi16(x, 8), 8), _mm_srai_epi16(x, 8));
        bad = _mm_or_si128(bad, _mm_or_si128(_mm_cmpgt_epi16(sum, hi), _mm_cmplt_epi16(sum, lo)));
    }
    return _mm_movemask_epi8(bad) != 0;
}

}  // namespace octet::kernels
