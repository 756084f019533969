// The im2col rows of the AMX conv kernel against a tap-by-tap gather: every
// padding side, strides, dilation in x and y, whole kernel rows in the padding,
// row ranges across images, row widths past K, pad byte values.
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "kernels/conv/desc.hpp"
#include "kernels/conv/im2col.hpp"

using namespace octet::kernels;

namespace {

std::vector<uint8_t> gather_ref(const ConvDesc& d, const uint8_t* src, int64_t m0, int64_t rows, int64_t ld,
                                uint8_t pad) {
    std::vector<uint8_t> out(size_t(rows * ld), 0);
    for (int64_t r = 0; r < rows; ++r) {
        const int64_t pix = m0 + r, img = pix / (d.oh * d.ow), rem = pix % (d.oh * d.ow);
        const int64_t oy = rem / d.ow, ox = rem % d.ow;
        for (int64_t ky = 0; ky < d.kh; ++ky)
            for (int64_t kx = 0; kx < d.kw; ++kx) {
                const int64_t iy = oy * d.sh - d.ph + ky * (d.dh + 1), ix = ox * d.sw - d.pw + kx * (d.dw + 1);
                uint8_t* tap = out.data() + r * ld + (ky * d.kw + kx) * d.ic;
                if (iy < 0 || iy >= d.ih || ix < 0 || ix >= d.iw) std::memset(tap, pad, size_t(d.ic));
                else std::memcpy(tap, src + ((img * d.ih + iy) * d.iw + ix) * d.ic, size_t(d.ic));
            }
    }
    return out;
}

}  // namespace

TEST_CASE("im2col rows: equal to a tap-by-tap gather", "[kernels][conv]") {
    const char* shapes[] = {
        "mb1ic64ih9oc64oh9kh3ph1",
        "mb1ic16ih30oc64oh15kh7sh2ph3",
        "mb2ic40ih11iw7oc70oh6ow4kh3kw3sh2sw2ph1pw1",
        "mb1ic256ih14oc512oh7kh1sh2",
        "mb1ic32ih12oc33oh8kh3dh1",
        "mb1ic17ih8iw9oc20oh8ow9kh3kw3ph0pw2",
        "mb1ic130ih5oc31oh5kh3ph1",
        "mb1ic3ih20iw20oc8oh10ow10kh7kw7sh2sw2ph3pw3",
        "mb2ic24ih6iw6oc8oh6ow6kh3kw3dh1dw1ph2pw2",      // x dilation: per-tap copies
        "mb1ic16ih4iw4oc8oh8ow8kh3kw3ph4pw4",            // windows wholly in the padding
        "mb3ic20ih5iw3oc8oh3ow2kh3kw2sh2sw2ph1pw1",
    };
    std::mt19937 rng(5);
    for (const char* sh : shapes) {
        const ConvDesc d = parse_conv_desc(sh);
        std::vector<uint8_t> src(size_t(d.src_elems()));
        for (auto& x : src) x = uint8_t(rng());
        const int64_t m = d.mb * d.oh * d.ow, k = d.kh * d.kw * d.ic;
        for (int64_t ld : {k, (k + 63) / 64 * 64 + 64})
            for (uint8_t pad : {uint8_t(0), uint8_t(131)})
                for (int64_t m0 = 0; m0 < m; m0 += 29) {
                    const int64_t rows = std::min<int64_t>(32, m - m0);
                    std::vector<uint8_t> got(size_t(rows * ld), 0xEE);
                    im2col_rows(d, src.data(), m0, rows, ld, pad, got.data());
                    INFO(sh << " ld " << ld << " pad " << int(pad) << " m0 " << m0);
                    CHECK(got == gather_ref(d, src.data(), m0, rows, ld, pad));
                }
    }
}
