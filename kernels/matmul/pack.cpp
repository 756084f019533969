#include "kernels/matmul/pack.hpp"

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
    const int64_t cols = std::min(nb, n - n0), group = nb * 4;
    std::memset(out, 0, size_t((k + 3) / 4 * group));
    if (transposed) {
        // A column is contiguous: its 4 k of a group are one dword of the block.
        for (int64_t j = 0; j < cols; ++j) {
            const int8_t* col = b + (n0 + j) * k;
            for (int64_t kk = 0; kk < k; ++kk) out[(kk / 4) * group + j * 4 + kk % 4] = col[kk];
        }
        return;
    }
    for (int64_t kk = 0; kk < k; ++kk) {
        const int8_t* row = b + kk * n + n0;
        int8_t* o = out + (kk / 4) * group + kk % 4;
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
    const int64_t cols = std::min(nb, n - n0);
    std::vector<int64_t> sum(size_t(nb), 0);
    for (int64_t j = 0; transposed && j < cols; ++j)
        for (int64_t kk = 0; kk < k; ++kk) sum[size_t(j)] += b[(n0 + j) * k + kk];
    for (int64_t kk = 0; !transposed && kk < k; ++kk)  // row by row: contiguous reads
        for (int64_t j = 0; j < cols; ++j) sum[size_t(j)] += b[kk * n + n0 + j];
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
