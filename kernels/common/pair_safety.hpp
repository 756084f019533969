#pragma once
// pmaddubsw adds two u8×s8 products into s16 WITH saturation. For weights
// (w0, w1) the sum is exact for every u8 input iff the signs differ (or one is
// 0) or |w0| + |w1| <= 128 (255·128 = 32640 fits, 255·129 does not). Every
// non-VNNI int8 kernel uses this one rule to decide its fast path.
namespace octet::kernels {

// For s8 weights that is |w0 + w1| <= 128: with equal signs |w0 + w1| =
// |w0| + |w1|, with opposite ones |w0 + w1| <= 128 always; one compare pair,
// no branch, so the O(weights) scans over it vectorize.
inline bool u8s8_pair_safe(int w0, int w1) {
    const int s = w0 + w1;
    return s <= 128 && s >= -128;
}

}  // namespace octet::kernels
