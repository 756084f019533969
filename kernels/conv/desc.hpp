#pragma once
// A 2D convolution problem, in benchdnn's descriptor syntax:
//   gXmbX_icXihXiwX_ocXohXowX_khXkwX_shXswX_phXpwX_dhXdwX_n"name*N"
// Defaults g1, mb2, stride 1, dilation 0 (benchdnn's convention: 0 is dense, the
// window extent is (k-1)*(d+1)+1). When only h fields are given, w copies them; when
// only w fields are given, the problem is 1D (h = 1). A missing output size or
// padding is deduced, and the end (bottom/right) padding always is:
//   ph_end = (oh-1)*sh - ih + (kh-1)*(dh+1)+1 - ph
// It may be negative: the last input rows are then never read. 3D descriptors
// (id/od/kd/...) are UnsupportedError; anything malformed is an ArgumentError
// naming the field.
#include <cstdint>
#include <string>

namespace octet::kernels {

struct ConvDesc {
    int64_t g = 1, mb = 2;
    int64_t ic = 0, ih = 0, iw = 0;
    int64_t oc = 0, oh = 0, ow = 0;
    int64_t kh = 0, kw = 0;
    int64_t sh = 1, sw = 1;
    int64_t ph = 0, pw = 0;          // top, left padding
    int64_t ph_end = 0, pw_end = 0;  // bottom, right padding (deduced)
    int64_t dh = 0, dw = 0;          // benchdnn dilation: 0 = dense
    std::string name;                // without the "*N" suffix
    int64_t repeat = 1;              // how many times the layer occurs ("*N"), for weighting

    int64_t icg() const { return ic / g; }  // input channels per group
    int64_t ocg() const { return oc / g; }  // output channels per group
    int64_t ext_kh() const { return (kh - 1) * (dh + 1) + 1; }
    int64_t ext_kw() const { return (kw - 1) * (dw + 1) + 1; }
    // Element counts of the NHWC source, the [G][OC/G][KH][KW][IC/G] weights and the NHWC destination.
    int64_t src_elems() const { return mb * ih * iw * ic; }
    int64_t wei_elems() const { return oc * kh * kw * icg(); }
    int64_t dst_elems() const { return mb * oh * ow * oc; }
    // Multiply-accumulates of the whole problem (for GOPS: 2 ops each).
    int64_t macs() const { return dst_elems() * icg() * kh * kw; }

    bool operator==(const ConvDesc& o) const;
    bool operator!=(const ConvDesc& o) const { return !(*this == o); }
};

// Parses a benchdnn conv descriptor. Validates every field (positive sizes, channels
// divisible by groups, kernel no larger than the padded input, tensor sizes within
// ir::kMaxElements); errors are ArgumentError naming the field, 3D is UnsupportedError.
ConvDesc parse_conv_desc(const std::string& text);

// Canonical, fully explicit form; parse_conv_desc(to_string(d)) == d:
//   g1mb2ic3ih224iw224oc64oh112ow112kh7kw7sh2sw2ph3pw3dh0dw0n"name*N"
std::string to_string(const ConvDesc& d);

}  // namespace octet::kernels
