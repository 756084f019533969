#pragma once
// The int8 matmul reference (also inner product): the ground truth of the JIT matmul.
//
// Layouts (dense, row-major):
//   A         [batch][M][K], u8 or s8, with zero point a_zp
//   B         [batch][K][N], s8
//   dst       [batch][M][N], of type e.dst_type (u8, s8, s32 or f32)
//   residual  [batch][M][N], of type sum_op()->sum_type; only with a sum post-op
//
// acc(s32) = Σ_k (A[m][k] - a_zp) * B[k][n], exact; then the epilogue with column n as
// the channel ("oc") of every per-channel vector, stored as in the conv reference.
#include <cstdint>

#include "ir/epilogue.hpp"
#include "ir/types.hpp"
#include "kernels/matmul/desc.hpp"

namespace octet::kernels::ref {

// Raw accumulators [batch][M][N] s32; UnsupportedError when one does not fit s32.
void matmul_int8_acc(const MatmulDesc& d, ir::ElemType a_t, const void* a, int32_t a_zp, const int8_t* b,
                     int32_t* acc);

// The full matmul with the epilogue; epilogue vectors have size 0, 1 or d.n.
void matmul_int8(const MatmulDesc& d, ir::ElemType a_t, const void* a, int32_t a_zp, const int8_t* b,
                 const ir::Epilogue& e, const void* residual, void* dst);

}  // namespace octet::kernels::ref
