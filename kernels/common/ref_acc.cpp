#include "kernels/common/ref_acc.hpp"

#include <algorithm>
#include <cstdlib>
#include <limits>

#include "ir/error.hpp"

namespace octet::kernels::ref {

int64_t max_centered(ir::ElemType src_t, int32_t zp) {
    const int64_t lo = src_t == ir::ElemType::u8 ? 0 : -128;
    const int64_t hi = src_t == ir::ElemType::u8 ? 255 : 127;
    return std::max(std::abs(lo - zp), std::abs(hi - zp));
}

void check_acc_range(ir::ElemType src_t, int32_t zp, int64_t k, const std::string& where) {
    const int64_t term = max_centered(src_t, zp) * 128;  // < 2^39
    if (k > 0 && term > (int64_t(1) << 62) / k)
        throw UnsupportedError(where + ": zero point " + std::to_string(zp) + " with a reduction of " +
                               std::to_string(k) + " taps cannot be accumulated exactly");
}

bool row_fits_s32(ir::ElemType src_t, int32_t zp, int64_t k) {
    const int64_t term = max_centered(src_t, zp) * 128;
    return k == 0 || term <= std::numeric_limits<int32_t>::max() / k;
}

void throw_acc_overflow(int64_t acc, const std::string& where, const std::string& what) {
    throw UnsupportedError(where + ": the accumulator of " + what + " is " + std::to_string(acc) + ", outside s32");
}

}  // namespace octet::kernels::ref
