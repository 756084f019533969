#pragma once
// pmaddubsw adds two u8×s8 products into s16 WITH saturation. For weights
// (w0, w1) the sum is exact for every u8 input iff the signs differ (or one is
// 0) or |w0| + |w1| <= 128 (255·128 = 32640 fits, 255·129 does not). Every
// non-VNNI int8 kernel uses this one rule to decide its fast path.
namespace octet::kernels {

inline bool u8s8_pair_safe(int w0, int w1) {
    if ((w0 <= 0 && w1 >= 0) || (w0 >= 0 && w1 <= 0)) return true;
    return (w0 < 0 ? -w0 : w0) + (w1 < 0 ? -w1 : w1) <= 128;
}

}  // namespace octet::kernels
