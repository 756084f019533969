#pragma once
// The int8 pooling reference over NHWC [mb][ih][iw][ic] u8 or s8; dst NHWC
// [mb][oh][ow][ic] of the same type.
//
//   max     the largest tap inside the input; padded taps never win. A window with no
//           tap inside the input gives the type's lowest value (oneDNN's convention).
//   avg_np  sum (s32) of the taps inside the input / their count
//   avg_p   sum (s32) of the taps inside the input / the window size clipped to the
//           padded input [-ph, ih + ph_end) x [-pw, iw + pw_end) (oneDNN avg_p)
// avg: v = float(sum) / float(count), one IEEE division (a JIT's divps gives the same
// bits), then ir::saturate_round (round half to even) to the type. An avg_np window
// with no tap inside the input gives 0.
#include "ir/types.hpp"
#include "kernels/pool/desc.hpp"

namespace octet::kernels::ref {

// ArgumentError for a type other than u8/s8 or null pointers.
void pool_int8(const PoolDesc& d, ir::ElemType t, const void* src, void* dst);

}  // namespace octet::kernels::ref
