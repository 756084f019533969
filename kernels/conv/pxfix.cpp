#include "kernels/conv/pxfix.hpp"

#include <emmintrin.h>

#include <algorithm>
#include <cstring>

namespace octet::kernels::conv_pack {

namespace {

// 32 zero bytes: the scan below skips the (most) blocks of delta without a correction.
bool all_zero32(const int8_t* d) {
    const __m128i a = _mm_or_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(d)),
                                   _mm_loadu_si128(reinterpret_cast<const __m128i*>(d + 16)));
    return _mm_movemask_epi8(_mm_cmpeq_epi8(a, _mm_setzero_si128())) == 0xffff;
}

// The entry lists of delta [oc][taps][k]: offset(f, tap, kp) locates each nonzero pair.
template <typename Offset>
PxFix build(const int8_t* delta, int64_t oc, int64_t taps, int64_t k, int oc_block, int lanes, int64_t width,
            Offset offset) {
    PxFix f;
    f.lanes = lanes;
    f.oc_block = oc_block;
    f.k = k;
    f.taps = taps;
    f.kp_tap = (k + 15) / 16 * 8;
    f.kp_pad = taps * f.kp_tap;
    f.width = width;
    const int64_t cols = (oc + oc_block - 1) / oc_block * oc_block;
    f.col.assign(size_t(cols + 1), 0);
    for (int64_t n = 0; n < cols; ++n) {
        f.col[size_t(n)] = f.entries();
        if (n >= oc) continue;
        for (int64_t t = 0; t < taps; ++t) {
            const int8_t* d = delta + (n * taps + t) * k;
            for (int64_t kp = 0; 2 * kp < k; ++kp) {
                if (kp % 16 == 0 && 2 * kp + 32 <= k && all_zero32(d + 2 * kp)) {
                    kp += 15;  // 16 pairs without a correction (most of them)
                    continue;
                }
                const int d0 = d[2 * kp], d1 = 2 * kp + 1 < k ? d[2 * kp + 1] : 0;
                if (d0 == 0 && d1 == 0) continue;
                f.ent.push_back(offset(f, t, kp));
                f.ent.push_back(int32_t(uint32_t(uint16_t(int16_t(d0))) | uint32_t(uint16_t(int16_t(d1))) << 16));
            }
        }
    }
    f.col[size_t(cols)] = f.entries();
    return f;
}

}  // namespace

PxFix make_pxfix(const int8_t* delta, int64_t oc, int64_t taps, int64_t ic, int oc_block, int lanes) {
    return build(delta, oc, taps, ic, oc_block, lanes, 0, [lanes](const PxFix& f, int64_t t, int64_t kp) {
        return int32_t((t * f.kp_tap + kp) * lanes * 4);
    });
}

PxFix make_pxfix_image(const int8_t* delta, int64_t oc, int64_t kh, int64_t kw, int64_t ic, int oc_block, int lanes,
                       int64_t dh, int64_t dw, int64_t width) {
    return build(delta, oc, kh * kw, ic, oc_block, lanes, width, [=](const PxFix& f, int64_t t, int64_t kp) {
        return int32_t((t / kw) * (dh + 1) * f.row_bytes() + kp * width * 4 + (t % kw) * (dw + 1) * 4);
    });
}

namespace {

// 8 pixels × 16 channels per step: an 8×8 transpose of their byte pairs as
// words (3 rounds of unpacks), then each pair row zero-extended to words,
// pixels 0-3 and 4-7 (one 16-byte store each: a whole block for lanes 4, a
// half for lanes 8; pair kp at kstep·kp __m128i further). row[r] null: a zero
// pixel. Each row is readable for `readable` bytes (>= k): a tail group inside
// them is loaded whole and masked.
void step8(const PxFix& f, const uint8_t* const row[8], bool xor80, __m128i* lo, __m128i* hi, int64_t readable,
           int64_t kstep) {
    const int64_t k = f.k, full = k / 16, step = kstep;
    const __m128i zero = _mm_setzero_si128(), flip = _mm_set1_epi8(xor80 ? char(0x80) : 0);
    for (int64_t kg = 0; kg < f.kp_tap / 8; ++kg) {
        const int64_t c0 = kg * 16;
        __m128i a[8];
        if (kg < full) {
            for (int r = 0; r < 8; ++r)
                a[r] = row[r] ? _mm_xor_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(row[r] + c0)), flip)
                              : zero;
        } else if (c0 + 16 <= readable) {
            // The tail group inside the readable bytes: one load, the bytes past k masked.
            alignas(16) uint8_t m[16] = {};
            std::memset(m, 0xff, size_t(k - c0));
            const __m128i mask = _mm_load_si128(reinterpret_cast<const __m128i*>(m));
            for (int r = 0; r < 8; ++r)
                a[r] = row[r] ? _mm_and_si128(
                                    _mm_xor_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(row[r] + c0)), flip),
                                    mask)
                              : zero;
        } else {
            // The channels past k are zero, after the shift too.
            const size_t bytes = size_t(k - c0);
            alignas(16) uint8_t m[16] = {};
            std::memset(m, 0xff, bytes);
            const __m128i mask = _mm_load_si128(reinterpret_cast<const __m128i*>(m));
            for (int r = 0; r < 8; ++r) {
                alignas(16) uint8_t tmp[16] = {};
                if (row[r]) std::memcpy(tmp, row[r] + c0, bytes);
                a[r] = row[r] ? _mm_and_si128(_mm_xor_si128(_mm_load_si128(reinterpret_cast<const __m128i*>(tmp)), flip),
                                              mask)
                              : zero;
            }
        }
        __m128i s[8], t[8];
        for (int i = 0; i < 4; ++i) {
            s[2 * i] = _mm_unpacklo_epi16(a[2 * i], a[2 * i + 1]);
            s[2 * i + 1] = _mm_unpackhi_epi16(a[2 * i], a[2 * i + 1]);
        }
        // t0: pairs 0,1 of rows 0-3; t1: 2,3; t2: 4,5; t3: 6,7; t4..t7: rows 4-7.
        for (int h = 0; h < 2; ++h) {
            t[4 * h + 0] = _mm_unpacklo_epi32(s[4 * h + 0], s[4 * h + 2]);
            t[4 * h + 1] = _mm_unpackhi_epi32(s[4 * h + 0], s[4 * h + 2]);
            t[4 * h + 2] = _mm_unpacklo_epi32(s[4 * h + 1], s[4 * h + 3]);
            t[4 * h + 3] = _mm_unpackhi_epi32(s[4 * h + 1], s[4 * h + 3]);
        }
        for (int i = 0; i < 4; ++i) {
            const __m128i o0 = _mm_unpacklo_epi64(t[i], t[4 + i]), o1 = _mm_unpackhi_epi64(t[i], t[4 + i]);
            const int64_t kp = kg * 8 + 2 * i;
            _mm_store_si128(lo + kp * step, _mm_unpacklo_epi8(o0, zero));
            _mm_store_si128(lo + (kp + 1) * step, _mm_unpacklo_epi8(o1, zero));
            if (hi) {
                _mm_store_si128(hi + kp * step, _mm_unpackhi_epi8(o0, zero));
                _mm_store_si128(hi + (kp + 1) * step, _mm_unpackhi_epi8(o1, zero));
            }
        }
    }
}

// Whole 8-pixel steps cover the last block (npix rounded up to lanes <= 8);
// row_of(i) gives pixel i's bytes (i < npix) or null.
template <typename RowOf>
void transpose_all(const PxFix& f, int64_t npix, bool xor80, uint32_t* at, int64_t tap, int64_t readable,
                   RowOf row_of) {
    const int64_t L = f.lanes, kp_pad = f.kp_pad, kp0 = tap * f.kp_tap;
    const int64_t np = (npix + L - 1) / L * L;
    for (int64_t p0 = 0; p0 < np; p0 += 8) {
        // Pixels p0..p0+3 and p0+4..p0+7 of pair kp: 16 bytes at lo / hi + kp·L dwords.
        __m128i* lo = reinterpret_cast<__m128i*>(at + ((p0 / L) * kp_pad + kp0) * L + p0 % L);
        __m128i* hi = p0 + 4 < np ? reinterpret_cast<__m128i*>(at + (((p0 + 4) / L) * kp_pad + kp0) * L + (p0 + 4) % L)
                                  : nullptr;
        const uint8_t* row[8];
        for (int r = 0; r < 8; ++r) row[r] = p0 + r < npix ? row_of(p0 + r) : nullptr;
        step8(f, row, xor80, lo, hi, readable, L / 4);
    }
}

}  // namespace

void transpose_pairs(const PxFix& f, const uint8_t* src, int64_t pix_stride, int64_t npix, bool xor80,
                     uint32_t* at, int64_t tap, int64_t readable) {
    transpose_all(f, npix, xor80, at, tap, std::max(readable, f.k), [&](int64_t i) { return src + i * pix_stride; });
}

void transpose_pairs(const PxFix& f, const uint8_t* const* rows, int64_t npix, bool xor80, uint32_t* at,
                     int64_t tap, int64_t readable) {
    transpose_all(f, npix, xor80, at, tap, std::max(readable, f.k), [&](int64_t i) { return rows[i]; });
}

void transpose_row(const PxFix& f, const uint8_t* src, int64_t iw, bool xor80, uint32_t* row) {
    const int64_t w = f.width, x_end = kImageXPad + (iw + 7) / 8 * 8;
    for (int64_t kp = 0; kp < f.kp_tap; ++kp) {
        uint32_t* r = row + kp * w;
        std::memset(r, 0, size_t(kImageXPad) * 4);
        std::memset(r + x_end, 0, size_t(w - x_end) * 4);
    }
    for (int64_t p0 = 0; p0 < iw; p0 += 8) {
        const uint8_t* rows[8];
        for (int r = 0; r < 8; ++r) rows[r] = p0 + r < iw ? src + (p0 + r) * f.k : nullptr;
        __m128i* lo = reinterpret_cast<__m128i*>(row + kImageXPad + p0);
        step8(f, rows, xor80, lo, lo + 1, f.k, w / 4);
    }
}

void pxfix_ref(const PxFix& f, const uint32_t* at, int64_t npb, int64_t ob, int32_t* tile) {
    const int64_t L = f.lanes;
    for (int64_t pb = 0; pb < npb; ++pb)
        for (int64_t c = 0; c < f.oc_block; ++c) {
            const int64_t n = ob * f.oc_block + c;
            for (int64_t l = 0; l < L; ++l) {
                uint32_t acc = 0;  // wraps like the generated vpaddd
                for (int64_t e = f.col[size_t(n)]; e < f.col[size_t(n + 1)]; ++e) {
                    const int64_t off = f.ent[size_t(2 * e)];
                    const uint32_t dp = uint32_t(f.ent[size_t(2 * e + 1)]);
                    const uint32_t a = at[(pb * f.pb_bytes() + off) / 4 + l];
                    acc += uint32_t(int32_t(a & 0xffff) * int32_t(int16_t(dp & 0xffff)) +
                                    int32_t(a >> 16) * int32_t(int16_t(dp >> 16)));
                }
                tile[(pb * L + l) * f.oc_block + c] = int32_t(acc);
            }
        }
}

}  // namespace octet::kernels::conv_pack
