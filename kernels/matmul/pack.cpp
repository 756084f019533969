#include "kernels/matmul/pack.hpp"

#include <emmintrin.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>
#include <vector>

namespace octet::kernels::matmul_pack {

int64_t count_unsafe_pairs(const int8_t* b, int64_t batch, int64_t k, int64_t n) {
    int64_t unsafe = 0;
    for (int64_t bi = 0; bi < batch; ++bi) {
        const int8_t* bb = b + bi * k * n;
        for (int64_t kk = 0; kk + 1 < k; kk += 2)
            for (int64_t j = 0; j < n; ++j)
                unsafe += !pair_is_safe(bb[kk * n + j], bb[(kk + 1) * n + j]);
    }
    return unsafe;
}

namespace {

// B[k][j] of one batch element, stored [K][N] or [N][K].
inline int8_t b_at(const int8_t* b, int64_t k, int64_t n, bool transposed, int64_t kk, int64_t j) {
    return transposed ? b[j * k + kk] : b[kk * n + j];
}

PackedB allocated(int64_t batch, int64_t k, int64_t n, int64_t nb, int64_t elem_bytes) {
    PackedB p = packed_layout(k, n, nb, elem_bytes);
    p.data = AlignedBuffer(size_t(batch * p.batch_bytes));
    return p;
}

}  // namespace

PackedB packed_layout(int64_t k, int64_t n, int64_t nb, int64_t elem_bytes) {
    PackedB p;
    p.nb = nb;
    p.n_blocks = (n + nb - 1) / nb;
    p.k_groups = (k + 3) / 4;
    p.group_bytes = nb * 4 * elem_bytes;
    p.block_bytes = p.k_groups * p.group_bytes;
    p.batch_bytes = p.n_blocks * p.block_bytes;
    return p;
}

void pack_block_u8s8(const int8_t* b, int64_t k, int64_t n, bool transposed, int64_t n0, int64_t nb, int8_t* out) {
    const int64_t cols = std::min(nb, n - n0), group = nb * 4, full = k / 4;
    std::memset(out, 0, size_t((k + 3) / 4 * group));
    if (transposed) {
        // A column is contiguous: its 4 k of a group are one dword of the block.
        for (int64_t j = 0; j < cols; ++j) {
            const int8_t* col = b + (n0 + j) * k;
            for (int64_t g = 0; g < full; ++g) std::memcpy(out + g * group + j * 4, col + 4 * g, 4);
            for (int64_t kk = full * 4; kk < k; ++kk) out[full * group + j * 4 + kk % 4] = col[kk];
        }
        return;
    }
    // Rows: 4 rows of 16 columns interleaved into 16 dwords (SSE2 unpacks), as
    // the run-time B of attention (P·V) is packed on every call.
    for (int64_t g = 0; g < full; ++g) {
        const int8_t* r = b + 4 * g * n + n0;
        int8_t* o = out + g * group;
        int64_t j = 0;
        for (; j + 16 <= cols; j += 16) {
            const __m128i r0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(r + j));
            const __m128i r1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(r + n + j));
            const __m128i r2 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(r + 2 * n + j));
            const __m128i r3 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(r + 3 * n + j));
            const __m128i a_lo = _mm_unpacklo_epi8(r0, r1), a_hi = _mm_unpackhi_epi8(r0, r1);
            const __m128i c_lo = _mm_unpacklo_epi8(r2, r3), c_hi = _mm_unpackhi_epi8(r2, r3);
            auto* d = reinterpret_cast<__m128i*>(o + j * 4);
            _mm_storeu_si128(d, _mm_unpacklo_epi16(a_lo, c_lo));
            _mm_storeu_si128(d + 1, _mm_unpackhi_epi16(a_lo, c_lo));
            _mm_storeu_si128(d + 2, _mm_unpacklo_epi16(a_hi, c_hi));
            _mm_storeu_si128(d + 3, _mm_unpackhi_epi16(a_hi, c_hi));
        }
        for (; j < cols; ++j)
            for (int q = 0; q < 4; ++q) o[j * 4 + q] = r[q * n + j];
    }
    for (int64_t kk = full * 4; kk < k; ++kk) {
        const int8_t* row = b + kk * n + n0;
        int8_t* o = out + full * group + kk % 4;
        for (int64_t j = 0; j < cols; ++j) o[j * 4] = row[j];
    }
}

void pack_block_s16(const int8_t* b, int64_t k, int64_t n, bool transposed, int64_t n0, int64_t nb, int16_t* out) {
    const int64_t cols = std::min(nb, n - n0), half = nb * 2, group = nb * 4;  // int16 elements
    std::memset(out, 0, size_t((k + 3) / 4 * group) * sizeof(int16_t));
    for (int64_t kk = 0; kk < k; ++kk) {
        const int64_t q = kk % 4;
        int16_t* o = out + (kk / 4) * group + (q & 1) * half + (q >> 1);  // q 0,2 -> part 0; 1,3 -> part 1
        for (int64_t j = 0; j < cols; ++j) o[j * 2] = b_at(b, k, n, transposed, kk, n0 + j);
    }
}

void block_compensation(const int8_t* b, int64_t k, int64_t n, bool transposed, int64_t n0, int64_t nb,
                        int64_t shift, int32_t* out) {
    // Column sums in int64 per column (K can be any length); the inner loops run
    // over contiguous bytes in int32 chunks, which the compiler vectorizes.
    constexpr int64_t kChunk = int64_t(1) << 23;  // |Σ| <= 128 · 2^23 < 2^31
    const int64_t cols = std::min(nb, n - n0);
    std::vector<int64_t> sum(size_t(nb), 0);
    for (int64_t j = 0; transposed && j < cols; ++j) {
        const int8_t* col = b + (n0 + j) * k;
        for (int64_t k0 = 0; k0 < k; k0 += kChunk) {
            int32_t s = 0;
            for (int64_t kk = k0; kk < std::min(k, k0 + kChunk); ++kk) s += col[kk];
            sum[size_t(j)] += s;
        }
    }
    std::vector<int32_t> part(transposed ? 0 : static_cast<size_t>(nb));
    for (int64_t k0 = 0; !transposed && k0 < k; k0 += kChunk) {  // row by row: contiguous reads
        std::fill(part.begin(), part.end(), 0);
        for (int64_t kk = k0; kk < std::min(k, k0 + kChunk); ++kk) {
            const int8_t* row = b + kk * n + n0;
            for (int64_t j = 0; j < cols; ++j) part[size_t(j)] += row[j];
        }
        for (int64_t j = 0; j < cols; ++j) sum[size_t(j)] += part[size_t(j)];
    }
    for (int64_t j = 0; j < nb; ++j) out[j] = int32_t(uint32_t(uint64_t(-shift * sum[size_t(j)])));
}

PackedB pack_u8s8(const int8_t* b, int64_t batch, int64_t k, int64_t n, int64_t nb) {
    PackedB p = allocated(batch, k, n, nb, 1);
    auto* out = reinterpret_cast<int8_t*>(p.data.data());
    for (int64_t bi = 0; bi < batch; ++bi)
        for (int64_t blk = 0; blk < p.n_blocks; ++blk)
            pack_block_u8s8(b + bi * k * n, k, n, false, blk * nb, nb, out + bi * p.batch_bytes + blk * p.block_bytes);
    return p;
}

PackedB pack_s16(const int8_t* b, int64_t batch, int64_t k, int64_t n, int64_t nb) {
    PackedB p = allocated(batch, k, n, nb, 2);
    for (int64_t bi = 0; bi < batch; ++bi)
        for (int64_t blk = 0; blk < p.n_blocks; ++blk)
            pack_block_s16(b + bi * k * n, k, n, false, blk * nb, nb,
                           reinterpret_cast<int16_t*>(p.data.data() + bi * p.batch_bytes + blk * p.block_bytes));
    return p;
}

AlignedBuffer compensation(const int8_t* b, int64_t batch, int64_t k, int64_t n, int64_t nb, int64_t shift) {
    const int64_t n_pad = (n + nb - 1) / nb * nb;
    AlignedBuffer c(size_t(batch * n_pad) * sizeof(int32_t));
    auto* out = reinterpret_cast<int32_t*>(c.data());
    for (int64_t bi = 0; bi < batch; ++bi)
        for (int64_t n0 = 0; n0 < n; n0 += nb) block_compensation(b + bi * k * n, k, n, false, n0, nb, shift, out + bi * n_pad + n0);
    return c;
}

}  // namespace octet::kernels::matmul_pack
