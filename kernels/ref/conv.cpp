// f32 Convolution (NCHW data, [OC, C/group, KH, KW] weights).
//
// General case: per (image, group, tile of output pixels, block of the
// reduction r = (c, kh, kw)), the input window is unrolled into a small column
// matrix col[r][pixel] (im2col, padding as zeros), and a register-blocked GEMM
// out[oc][pixel] += w[oc][r] * col[r][pixel] accumulates MR output channels x
// NR pixels in vector registers. Tiles bound the scratch memory and keep the
// column block in L2. 1x1 / stride 1 / no padding reads the input directly.
// Cg == 1 (depthwise, any multiplier) uses a direct loop over output rows.
#include <algorithm>
#include <cstring>

#include "ir/ops/conv_geometry.hpp"
#include "kernels/ref/common.hpp"

namespace octet::kernels::ref {

namespace {

typedef float v4f __attribute__((vector_size(16)));  // GCC/Clang vector extension

constexpr int64_t MR = 4;    // output channels per micro-tile
constexpr int64_t NR = 8;    // output pixels per micro-tile (2 vectors)
constexpr int64_t TP = 128;  // pixels per column tile
constexpr int64_t KC = 256;  // reduction rows per column block

inline v4f load4(const float* p) { v4f v; std::memcpy(&v, p, sizeof v); return v; }
inline void store4(float* p, v4f v) { std::memcpy(p, &v, sizeof v); }

struct Geometry {
    int64_t C, H, W, Cg, OCg, OH, OW, KH, KW;
    ir::Window2D w;
};

// Weights of one group packed as [oc block][r][MR], zero-padded to a multiple of MR.
std::vector<float> pack_weights(const float* wg, int64_t ocg, int64_t r_count) {
    const int64_t blocks = (ocg + MR - 1) / MR;
    std::vector<float> p(size_t(blocks * r_count * MR), 0.f);
    for (int64_t oc = 0; oc < ocg; ++oc)
        for (int64_t r = 0; r < r_count; ++r) p[size_t(((oc / MR) * r_count + r) * MR + oc % MR)] = wg[oc * r_count + r];
    return p;
}

// col[(r - r0) * TP + (p - p0)] = input value seen by reduction row r at pixel p.
void fill_columns(const Geometry& g, const float* xg, int64_t r0, int64_t r1, int64_t p0, int64_t p1, float* col) {
    const ir::Window2D& w = g.w;
    for (int64_t r = r0; r < r1; ++r) {
        const int64_t c = r / (g.KH * g.KW), i = r / g.KW % g.KH, j = r % g.KW;
        const float* xc = xg + c * g.H * g.W;
        float* dst = col + (r - r0) * TP;
        for (int64_t p = p0; p < p1;) {
            const int64_t oh = p / g.OW, ow0 = p % g.OW, len = std::min(g.OW - ow0, p1 - p);
            const int64_t ih = oh * w.sh - w.pt + i * w.dh;
            float* d = dst + (p - p0);
            if (ih < 0 || ih >= g.H) {
                std::fill(d, d + len, 0.f);
            } else {
                const float* row = xc + ih * g.W;
                const int64_t off = j * w.dw - w.pl;
                for (int64_t q = 0; q < len; ++q) {
                    const int64_t iw = (ow0 + q) * w.sw + off;
                    d[q] = iw >= 0 && iw < g.W ? row[iw] : 0.f;
                }
            }
            p += len;
        }
    }
}

// out[oc][p] (+)= sum_r wp[r][oc] * col[r][p] for MR channels and pixels [0, np).
void gemm_block(const float* wp, const float* col, int64_t ldc, int64_t rn, float* out, int64_t ldo,
                int64_t oc_valid, int64_t np, bool accumulate) {
    int64_t p = 0;
    for (; p + NR <= np; p += NR) {
        v4f acc[MR][2];
        for (int64_t m = 0; m < MR; ++m) {
            if (accumulate && m < oc_valid) {
                acc[m][0] = load4(out + m * ldo + p);
                acc[m][1] = load4(out + m * ldo + p + 4);
            } else {
                acc[m][0] = acc[m][1] = v4f{0, 0, 0, 0};
            }
        }
        for (int64_t r = 0; r < rn; ++r) {
            const v4f c0 = load4(col + r * ldc + p), c1 = load4(col + r * ldc + p + 4);
            const float* wr = wp + r * MR;
            for (int64_t m = 0; m < MR; ++m) {
                const v4f wv = {wr[m], wr[m], wr[m], wr[m]};
                acc[m][0] += wv * c0;
                acc[m][1] += wv * c1;
            }
        }
        for (int64_t m = 0; m < oc_valid; ++m) {
            store4(out + m * ldo + p, acc[m][0]);
            store4(out + m * ldo + p + 4, acc[m][1]);
        }
    }
    for (; p < np; ++p)  // pixel tail
        for (int64_t m = 0; m < oc_valid; ++m) {
            float s = accumulate ? out[m * ldo + p] : 0.f;
            for (int64_t r = 0; r < rn; ++r) s += wp[r * MR + m] * col[r * ldc + p];
            out[m * ldo + p] = s;
        }
}

void conv_gemm(const Geometry& g, const float* xg, const std::vector<float>& wp, float* yg) {
    const int64_t R = g.Cg * g.KH * g.KW, P = g.OH * g.OW;
    const ir::Window2D& w = g.w;
    const bool direct = g.KH == 1 && g.KW == 1 && w.sh == 1 && w.sw == 1 && w.pt == 0 && w.pl == 0 &&
                        g.OH == g.H && g.OW == g.W;
    std::vector<float> col(direct ? 0 : size_t(KC * TP));
    for (int64_t p0 = 0; p0 < P; p0 += TP) {
        const int64_t p1 = std::min(P, p0 + TP);
        for (int64_t r0 = 0; r0 < R; r0 += KC) {
            const int64_t r1 = std::min(R, r0 + KC);
            const float* cb;
            int64_t ldc;
            if (direct) {
                cb = xg + r0 * P + p0;
                ldc = P;
            } else {
                fill_columns(g, xg, r0, r1, p0, p1, col.data());
                cb = col.data();
                ldc = TP;
            }
            for (int64_t oc = 0; oc < g.OCg; oc += MR)
                gemm_block(wp.data() + ((oc / MR) * R + r0) * MR, cb, ldc, r1 - r0, yg + oc * P + p0, P,
                           std::min(MR, g.OCg - oc), p1 - p0, r0 > 0);
        }
    }
}

// Cg == 1: each output channel reads one input channel; accumulate whole
// output rows (contiguous when the stride is 1).
void conv_depthwise(const Geometry& g, const float* x, const float* wt, float* y, int64_t n_oc_total) {
    const ir::Window2D& w = g.w;
    for (int64_t oc = 0; oc < n_oc_total; ++oc) {
        const float* xc = x + (oc / g.OCg) * g.H * g.W;
        const float* wk = wt + oc * g.KH * g.KW;
        float* yc = y + oc * g.OH * g.OW;
        for (int64_t oh = 0; oh < g.OH; ++oh) {
            float* yr = yc + oh * g.OW;
            for (int64_t i = 0; i < g.KH; ++i) {
                const int64_t ih = oh * w.sh - w.pt + i * w.dh;
                if (ih < 0 || ih >= g.H) continue;
                const float* xr = xc + ih * g.W;
                for (int64_t j = 0; j < g.KW; ++j) {
                    const float wv = wk[i * g.KW + j];
                    const int64_t off = j * w.dw - w.pl;  // iw = ow*sw + off must lie in [0, W)
                    const int64_t lo = off >= 0 ? 0 : (-off + w.sw - 1) / w.sw;
                    const int64_t hi = std::min(g.OW, g.W - off <= 0 ? 0 : (g.W - off - 1) / w.sw + 1);
                    if (w.sw == 1)
                        for (int64_t ow = lo; ow < hi; ++ow) yr[ow] += wv * xr[ow + off];
                    else
                        for (int64_t ow = lo; ow < hi; ++ow) yr[ow] += wv * xr[ow * w.sw + off];
                }
            }
        }
    }
}

}  // namespace

Tensors convolution(const ir::Node& n, const Tensors& in) {
    expect_inputs(n, in, 2);
    expect_type(n, in, 0, ir::ElemType::f32);
    expect_type(n, in, 1, ir::ElemType::f32);
    expect_rank(n, in, 0, 4);
    expect_rank(n, in, 1, 4);
    const ir::Shape& xs = in[0].shape();
    const ir::Shape& ws = in[1].shape();
    const int64_t group = n.attrs.get_int("group", 1);
    if (group < 1 || xs[1] % group != 0 || ws[0] % group != 0 || ws[1] * group != xs[1])
        fail(n, "data " + ir::to_string(xs) + " and weights " + ir::to_string(ws) + " do not fit group " +
                    std::to_string(group));
    Geometry g;
    try {
        g.w = ir::conv_window(n, xs, ws);
    } catch (const Error& e) {
        fail(n, e.what());
    }
    g.C = xs[1]; g.H = xs[2]; g.W = xs[3];
    g.Cg = ws[1]; g.OCg = ws[0] / group; g.KH = ws[2]; g.KW = ws[3];
    g.OH = g.w.oh; g.OW = g.w.ow;
    ir::Tensor y = make_output(n);
    const ir::Shape expect = {xs[0], ws[0], g.OH, g.OW};
    if (y.shape() != expect || y.type() != ir::ElemType::f32)
        fail(n, "output is " + ir::to_string(y.shape()) + ", the geometry gives " + ir::to_string(expect));

    const float* x = in[0].data<float>();
    const float* wt = in[1].data<float>();
    float* out = y.data<float>();
    const int64_t in_img = g.C * g.H * g.W, out_img = ws[0] * g.OH * g.OW;
    if (g.Cg == 1) {
        for (int64_t b = 0; b < xs[0]; ++b) conv_depthwise(g, x + b * in_img, wt, out + b * out_img, ws[0]);
        return {y};
    }
    const int64_t R = g.Cg * g.KH * g.KW;
    for (int64_t gi = 0; gi < group; ++gi) {
        const std::vector<float> wp = pack_weights(wt + gi * g.OCg * R, g.OCg, R);
        for (int64_t b = 0; b < xs[0]; ++b)
            conv_gemm(g, x + b * in_img + gi * g.Cg * g.H * g.W, wp, out + b * out_img + gi * g.OCg * g.OH * g.OW);
    }
    return {y};
}

}  // namespace octet::kernels::ref
