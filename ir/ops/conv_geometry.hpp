#pragma once
// Window geometry of Convolution, MaxPool and AvgPool over the H,W axes of an
// NCHW tensor, shared by shape inference and every executor so that all of
// them agree on pads and output sizes.
//
// Output element (oh, ow) reads input rows  oh*sh - pt + i*dh  (i in [0, kh))
// and columns ow*sw - pl + j*dw (j in [0, kw)); rows outside [0, H) are padding.
//
// auto_pad: "explicit" uses pads_begin/pads_end; "valid" means no padding;
// "same_upper"/"same_lower" give out = ceil(in / stride) and split the total
// padding max((out-1)*s + (k-1)*d + 1 - in, 0) with the odd element at the end
// (same_upper) or at the beginning (same_lower). pads_begin/pads_end are
// ignored unless auto_pad is explicit.
//
// Pooling with rounding_type "ceil" (explicit or valid pads) follows OpenVINO:
// out = ceil((in + pb + pe - k) / s) + 1, minus one when the last window would
// start at or past in + pb (it must start inside the input or the left
// padding). Such a last window may reach past H + pb; that part is neither
// input nor padding: MaxPool ignores it, and AvgPool does not count it in the
// divisor even with exclude_pad = false (OpenVINO's reference does the same).
#include <cstdint>

#include "ir/graph.hpp"

namespace octet::ir {

struct Window2D {
    int64_t kh = 1, kw = 1;  // kernel
    int64_t sh = 1, sw = 1;  // strides
    int64_t dh = 1, dw = 1;  // dilations (always 1 for pooling)
    int64_t pt = 0, pl = 0;  // effective pads at the beginning: top, left
    int64_t pb = 0, pr = 0;  // effective pads at the end: bottom, right
    int64_t oh = 1, ow = 1;  // output spatial size
};

// Convolution: data [N,C,H,W], weights [OC, C/group, KH, KW]. Validates the
// geometry attributes (strides, dilations, pads_begin, pads_end, auto_pad) and
// throws ValidationError / UnsupportedError (no node prefix) when they are wrong
// or the window does not fit the padded input.
Window2D conv_window(const Node& node, const Shape& data, const Shape& weights);

// MaxPool / AvgPool: data [N,C,H,W]; attrs kernel, strides, pads_begin,
// pads_end, rounding_type, auto_pad.
Window2D pool_window(const Node& node, const Shape& data);

}  // namespace octet::ir
