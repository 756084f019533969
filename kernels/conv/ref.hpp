#pragma once
// The int8 convolution reference: the ground truth every JIT conv kernel is compared
// with, bit for bit.
//
// Layouts (all dense, row-major in the order written):
//   src       NHWC [mb][ih][iw][ic], u8 or s8
//   weights   [g][oc/g][kh][kw][ic/g], s8 (plain, unpacked; group-major so that
//             output channel oc = g*(oc/g) + ocl holds its taps contiguously)
//   dst       NHWC [mb][oh][ow][oc], of type e.dst_type (u8, s8, s32 or f32)
//   residual  NHWC like dst, of type sum_op()->sum_type; only with a sum post-op
//
// acc(s32) = Σ_{ky,kx,c} (x - src_zp) * w, exact; taps in the padding contribute 0
// (as if they held the zero point). Then dst = ir::epilogue_f32(e, acc, oc, float(r))
// stored as f32, or through ir::saturate_round for integer types; oc is the global
// output channel.
#include <cstdint>

#include "ir/epilogue.hpp"
#include "ir/types.hpp"
#include "kernels/conv/desc.hpp"

namespace octet::kernels::ref {

// Raw accumulators, NHWC [mb][oh][ow][oc] s32. UnsupportedError when an exact
// accumulator does not fit s32 (or the zero point makes exact accumulation
// impossible); ArgumentError for a non-int8 source type or null pointers.
void conv_int8_acc(const ConvDesc& d, ir::ElemType src_t, const void* src, const int8_t* wei, int32_t src_zp,
                   int32_t* acc);

// The full convolution with the epilogue. `residual` must be given exactly when e
// has a sum post-op. Epilogue vectors have size 0, 1 or d.oc (ArgumentError otherwise).
void conv_int8(const ConvDesc& d, ir::ElemType src_t, const void* src, const int8_t* wei, int32_t src_zp,
               const ir::Epilogue& e, const void* residual, void* dst);

}  // namespace octet::kernels::ref
