#include "kernels/conv/im2col.hpp"

#include <algorithm>
#include <cstring>

#include <emmintrin.h>

namespace octet::kernels {
namespace {

// n bytes, 16 at a time inline (runs of whole 16-byte steps are the common case: IC % 16 == 0).
inline void copy_run(uint8_t* d, const uint8_t* s, int64_t n) {
    int64_t i = 0;
    for (; i + 16 <= n; i += 16)
        _mm_storeu_si128(reinterpret_cast<__m128i*>(d + i), _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i)));
    if (i < n) std::memcpy(d + i, s + i, size_t(n - i));
}

}  // namespace

void im2col_rows(const ConvDesc& d, const uint8_t* src, int64_t m0, int64_t rows, int64_t ld, uint8_t pad,
                 uint8_t* out) {
    const int64_t ic = d.ic, k = d.kh * d.kw * ic, hw = d.oh * d.ow;
    int64_t img = m0 / hw, oy = (m0 % hw) / d.ow, ox = (m0 % hw) % d.ow;
    for (int64_t r = 0; r < rows; ++r) {
        uint8_t* row = out + r * ld;
        const uint8_t* simg = src + img * d.ih * d.iw * ic;
        const int64_t x0 = ox * d.sw - d.pw;
        for (int64_t ky = 0; ky < d.kh; ++ky) {
            const int64_t iy = oy * d.sh - d.ph + ky * (d.dh + 1);
            uint8_t* kr = row + ky * d.kw * ic;
            if (iy < 0 || iy >= d.ih) {
                std::memset(kr, pad, size_t(d.kw * ic));
                continue;
            }
            const uint8_t* srow = simg + iy * d.iw * ic;
            if (d.dw == 0) {
                // Taps [lo, hi) read the source, one run; the others the padding.
                const int64_t lo = std::min(d.kw, std::max<int64_t>(0, -x0));
                const int64_t hi = std::max(lo, std::min(d.kw, d.iw - x0));
                if (lo > 0) std::memset(kr, pad, size_t(lo * ic));
                if (hi > lo) copy_run(kr + lo * ic, srow + (x0 + lo) * ic, (hi - lo) * ic);
                if (hi < d.kw) std::memset(kr + hi * ic, pad, size_t((d.kw - hi) * ic));
            } else {
                for (int64_t kx = 0; kx < d.kw; ++kx) {
                    const int64_t ix = x0 + kx * (d.dw + 1);
                    if (ix < 0 || ix >= d.iw) std::memset(kr + kx * ic, pad, size_t(ic));
                    else copy_run(kr + kx * ic, srow + ix * ic, ic);
                }
            }
        }
        if (ld > k) std::memset(row + k, 0, size_t(ld - k));
        if (++ox == d.ow) {
            ox = 0;
            if (++oy == d.oh) {
                oy = 0;
                ++img;
            }
        }
    }
}

}  // namespace octet::kernels
