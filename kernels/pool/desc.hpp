#pragma once
// A 2D pooling problem, in benchdnn's pool descriptor syntax:
//   mbXicX_ihXiwX_ohXowX_khXkwX_shXswX_phXpwX_n"name*N"
// Same rules as conv (kernels/conv/desc.hpp): mb2 and stride 1 by default, w copied
// from h when only h is given, 1D when only w is, output size / padding deduced and
// the end padding always deduced. The algorithm is not part of benchdnn's string
// (it is --alg=); it is a separate field, max by default. Dilated (dh/dw > 0) and 3D
// pooling are UnsupportedError.
#include <cstdint>
#include <string>

namespace octet::kernels {

enum class PoolAlg {
    max,     // padded taps never win
    avg_np,  // average over the taps inside the input (exclude padding)
    avg_p,   // average over the window clipped to the padded input (include padding)
};

const char* to_string(PoolAlg a);  // "max", "avg_np", "avg_p"
// Accepts benchdnn's and oneDNN's names: max / pooling_max, avg_np / avg /
// pooling_avg_exclude_padding, avg_p / pooling_avg_include_padding. ArgumentError otherwise.
PoolAlg parse_pool_alg(const std::string& s);

struct PoolDesc {
    int64_t mb = 2, ic = 0;
    int64_t ih = 0, iw = 0, oh = 0, ow = 0;
    int64_t kh = 0, kw = 0, sh = 1, sw = 1;
    int64_t ph = 0, pw = 0;          // top, left padding
    int64_t ph_end = 0, pw_end = 0;  // bottom, right padding (deduced)
    PoolAlg alg = PoolAlg::max;
    std::string name;
    int64_t repeat = 1;

    int64_t src_elems() const { return mb * ih * iw * ic; }
    int64_t dst_elems() const { return mb * oh * ow * ic; }

    bool operator==(const PoolDesc& o) const;
    bool operator!=(const PoolDesc& o) const { return !(*this == o); }
};

// Parses a benchdnn pool descriptor (alg left at `alg`). Errors are ArgumentError
// naming the field; 3D or dilation is UnsupportedError.
PoolDesc parse_pool_desc(const std::string& text, PoolAlg alg = PoolAlg::max);

// Canonical form (without the algorithm); parse_pool_desc(to_string(d), d.alg) == d:
//   mb2ic64ih112iw112oh56ow56kh3kw3sh2sw2ph0pw0n"name"
std::string to_string(const PoolDesc& d);

}  // namespace octet::kernels
