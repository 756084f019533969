#include "kernels/matmul/pack.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>

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

PackedB layout(int64_t batch, int64_t k, int64_t n, int64_t nb, int64_t elem_bytes) {
    PackedB p;
    p.nb = nb;
    p.n_blocks = (n + nb - 1) / nb;
    p.k_groups = (k + 3) / 4;
    p.group_bytes = nb * 4 * elem_bytes;
    p.block_bytes = p.k_groups * p.group_bytes;
    p.batch_bytes = p.n_blocks * p.block_bytes;
    p.data = AlignedBuffer(size_t(batch * p.batch_bytes));
    return p;
}

}  // namespace

PackedB pack_u8s8(const int8_t* b, int64_t batch, int64_t k, int64_t n, int64_t nb) {
    PackedB p = layout(batch, k, n, nb, 1);
    auto* out = reinterpret_cast<int8_t*>(p.data.data());
    for (int64_t bi = 0; bi < batch; ++bi)
        for (int64_t kk = 0; kk < k; ++kk) {
            const int8_t* row = b + (bi * k + kk) * n;
            const int64_t g = kk / 4, q = kk % 4;
            for (int64_t j = 0; j < n; ++j) {
                const int64_t blk = j / nb, lane = j % nb;
                out[bi * p.batch_bytes + blk * p.block_bytes + g * p.group_bytes + lane * 4 + q] = row[j];
            }
        }
    return p;
}

PackedB pack_s16(const int8_t* b, int64_t batch, int64_t k, int64_t n, int64_t nb) {
    PackedB p = layout(batch, k, n, nb, 2);
    auto* out = reinterpret_cast<int16_t*>(p.data.data());
    const int64_t half = nb * 2;  // int16 elements of one part
    for (int64_t bi = 0; bi < batch; ++bi)
        for (int64_t kk = 0; kk < k; ++kk) {
            const int8_t* row = b + (bi * k + kk) * n;
            const int64_t g = kk / 4, q = kk % 4;
            const int64_t part = q & 1, word = q >> 1;  // q 0,2 -> part 0; 1,3 -> part 1
            for (int64_t j = 0; j < n; ++j) {
                const int64_t blk = j / nb, lane = j % nb;
                const int64_t base = (bi * p.batch_bytes + blk * p.block_bytes + g * p.group_bytes) / 2;
                out[base + part * half + lane * 2 + word] = row[j];
            }
        }
    return p;
}

AlignedBuffer compensation(const int8_t* b, int64_t batch, int64_t k, int64_t n, int64_t nb, int64_t shift) {
    const int64_t n_pad = (n + nb - 1) / nb * nb;
    AlignedBuffer c(size_t(batch * n_pad) * sizeof(int32_t));
    auto* out = reinterpret_cast<int32_t*>(c.data());
    std::vector<int64_t> sum(static_cast<size_t>(n));
    for (int64_t bi = 0; bi < batch; ++bi) {
        std::fill(sum.begin(), sum.end(), 0);
        for (int64_t kk = 0; kk < k; ++kk) {
            const int8_t* row = b + (bi * k + kk) * n;
            for (int64_t j = 0; j < n; ++j) sum[size_t(j)] += row[j];
        }
        for (int64_t j = 0; j < n; ++j)
            out[bi * n_pad + j] = int32_t(uint32_t(uint64_t(-shift * sum[size_t(j)])));
    }
    return c;
}

}  // namespace octet::kernels::matmul_pack
