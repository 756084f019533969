#pragma once
// The im2col rows an AMX tile multiply reads (kernels/conv/amx_conv_kernel.hpp):
// one row per output pixel, its window tap by tap (ky, kx), IC bytes per tap.
//
// Why per kernel row and not per tap: in NHWC a window row's kw taps are kw·IC
// contiguous source bytes when x is not dilated, so a row is one copy (plus the
// padding's bytes at its ends) instead of kw copies of IC bytes; ResNet-50's
// 56×56×64 3×3 layer made 28 K copies of 64 bytes per call, whose call overhead
// was most of the layer's time on AMX.
#include <cstdint>

#include "kernels/conv/desc.hpp"

namespace octet::kernels {

// Rows [m0, m0 + rows) of the im2col matrix of `d` (one group; source NHWC, IC bytes per
// pixel): row r at out + r·ld holds output pixel m0 + r's taps, `pad` where a tap reads
// the padding, then zeros up to ld (>= kh·kw·IC) bytes.
void im2col_rows(const ConvDesc& d, const uint8_t* src, int64_t m0, int64_t rows, int64_t ld, uint8_t pad,
                 uint8_t* out);

}  // namespace octet::kernels
