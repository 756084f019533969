#include "kernels/pool/ref.hpp"

#include <algorithm>
#include <limits>

#include "ir/epilogue.hpp"
#include "ir/error.hpp"
#include "ir/tensor.hpp"

namespace octet::kernels::ref {
namespace {

// Half-open range [lo, hi) of one window along an axis, clipped to [min, max).
struct Range {
    int64_t lo, hi;
    int64_t size() const { return std::max<int64_t>(0, hi - lo); }
};
Range clip(int64_t start, int64_t k, int64_t min, int64_t max) {
    return {std::max(start, min), std::min(start + k, max)};
}

template <class T>
void pool(const PoolDesc& d, const T* src, T* dst) {
    for (int64_t n = 0; n < d.mb; ++n)
        for (int64_t oy = 0; oy < d.oh; ++oy)
            for (int64_t ox = 0; ox < d.ow; ++ox) {
                const int64_t y0 = oy * d.sh - d.ph, x0 = ox * d.sw - d.pw;
                const Range ry = clip(y0, d.kh, 0, d.ih), rx = clip(x0, d.kw, 0, d.iw);
                T* out = dst + ((n * d.oh + oy) * d.ow + ox) * d.ic;
                for (int64_t c = 0; c < d.ic; ++c) {
                    if (d.alg == PoolAlg::max) {
                        T m = std::numeric_limits<T>::lowest();
                        for (int64_t y = ry.lo; y < ry.hi; ++y)
                            for (int64_t x = rx.lo; x < rx.hi; ++x)
                                m = std::max(m, src[((n * d.ih + y) * d.iw + x) * d.ic + c]);
                        out[c] = m;
                        continue;
                    }
                    int32_t sum = 0;  // at most 2^23 taps of |x| <= 255 (PoolDesc bounds the window)
                    for (int64_t y = ry.lo; y < ry.hi; ++y)
                        for (int64_t x = rx.lo; x < rx.hi; ++x) sum += src[((n * d.ih + y) * d.iw + x) * d.ic + c];
                    int64_t count = ry.size() * rx.size();
                    if (d.alg == PoolAlg::avg_p)
                        count = clip(y0, d.kh, -d.ph, d.ih + d.ph_end).size() *
                                clip(x0, d.kw, -d.pw, d.iw + d.pw_end).size();
                    if (count == 0) { out[c] = 0; continue; }
                    volatile float v = float(sum);  // volatile: one plain division, as divps does
                    v = v / float(count);
                    out[c] = T(ir::saturate_round(v, ir::ElemTypeOf<T>::value));
                }
            }
}

}  // namespace

void pool_int8(const PoolDesc& d, ir::ElemType t, const void* src, void* dst) {
    const std::string where = "pool_int8 " + to_string(d) + " alg " + to_string(d.alg);
    if (!ir::is_int8(t)) throw ArgumentError(where + ": type must be u8 or s8, got " + ir::to_string(t));
    if (!src || !dst) throw ArgumentError(where + ": null source or destination pointer");
    if (t == ir::ElemType::u8)
        pool(d, static_cast<const uint8_t*>(src), static_cast<uint8_t*>(dst));
    else
        pool(d, static_cast<const int8_t*>(src), static_cast<int8_t*>(dst));
}

}  // namespace octet::kernels::ref
