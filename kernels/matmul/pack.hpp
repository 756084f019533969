#pragma once
// Constant-B packing for the JIT int8 matmul (kernels/matmul/jit_matmul_kernel.hpp).
//
// B [batch][K][N] s8 is cut into column blocks of `nb` (a multiple of the vector
// width, zero-padded past N) and, inside a block, into groups of 4 along K
// (zero-padded past K), so that one vector load gives `simd_w` columns × 4 k:
//
//   u8s8 (vpdpbusd / pmaddubsw):  [batch][n_block][K/4][nb][4]        s8
//   s16  (exact pmaddwd path):    [batch][n_block][K/4][2][nb][2]     s16
//                                  part 0 holds (b[4g], b[4g+2]), part 1 (b[4g+1], b[4g+3])
//
// The exact layout pairs k with k+2 so that a u8 dword (a0 a1 a2 a3) splits into
// (a0, a2) and (a1, a3) words with one and-mask and one shift.
//
// A run-time B (attention: both operands are activations) is packed one column
// block at a time by the kernel call itself (pack_block_*), into the same layout,
// from B stored [K][N] or transposed [N][K].
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "kernels/common/aligned_buffer.hpp"
#include "kernels/common/pair_safety.hpp"

namespace octet::kernels::matmul_pack {

using kernels::AlignedBuffer;

inline bool pair_is_safe(int8_t b0, int8_t b1) { return u8s8_pair_safe(b0, b1); }

// Pairs the fast path forms: (k, k+1) for even k, per column and batch; an odd
// K's last row pairs with the zero padding (always safe). Returns the count of
// unsafe pairs.
int64_t count_unsafe_pairs(const int8_t* b, int64_t batch, int64_t k, int64_t n);

struct PackedB {
    AlignedBuffer data;
    int64_t nb = 0;            // block width (columns)
    int64_t n_blocks = 0;
    int64_t k_groups = 0;      // ceil(K / 4)
    int64_t group_bytes = 0;   // bytes of one K group of one block
    int64_t block_bytes = 0;   // k_groups * group_bytes
    int64_t batch_bytes = 0;   // n_blocks * block_bytes
};

// The geometry of a packing (data left empty); elem_bytes 1 (u8s8) or 2 (s16).
PackedB packed_layout(int64_t k, int64_t n, int64_t nb, int64_t elem_bytes);

PackedB pack_u8s8(const int8_t* b, int64_t batch, int64_t k, int64_t n, int64_t nb);
PackedB pack_s16(const int8_t* b, int64_t batch, int64_t k, int64_t n, int64_t nb);

// One column block (columns [n0, n0 + nb), zero past N and past K) of one batch
// element's B into `out`, block_bytes of the layout above. B is [K][N], or [N][K]
// when `transposed`.
void pack_block_u8s8(const int8_t* b, int64_t k, int64_t n, bool transposed, int64_t n0, int64_t nb, int8_t* out);
void pack_block_s16(const int8_t* b, int64_t k, int64_t n, bool transposed, int64_t n0, int64_t nb, int16_t* out);
// compensation() for the same block: nb values, 0 past N.
void block_compensation(const int8_t* b, int64_t k, int64_t n, bool transposed, int64_t n0, int64_t nb,
                        int64_t shift, int32_t* out);

// comp[batch][n_blocks*nb] = -(shift) · Σ_k B[k][n] in s32 (wrapping: the kernel's
// s32 sums are exact modulo 2^32, and the final value is known to fit), with
// shift = 128 for s8 A (moved into u8) plus the A zero point.
AlignedBuffer compensation(const int8_t* b, int64_t batch, int64_t k, int64_t n, int64_t nb, int64_t shift);

}  // namespace octet::kernels::matmul_pack
