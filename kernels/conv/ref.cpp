#include "kernels/conv/ref.hpp"

#include "ir/error.hpp"
#include "kernels/common/ref_acc.hpp"
#include "kernels/common/ref_io.hpp"

namespace octet::kernels::ref {
namespace {

// Visits every output element in NHWC order with its exact s32 accumulator.
template <class Src, class Visit>
void for_each_acc(const ConvDesc& d, const Src* src, const int8_t* wei, int32_t src_zp, ir::ElemType src_t,
                  const std::string& where, Visit&& visit) {
    const int64_t icg = d.icg(), ocg = d.ocg();
    const bool fast = row_fits_s32(src_t, src_zp, icg);
    int64_t out = 0;
    for (int64_t n = 0; n < d.mb; ++n)
        for (int64_t oy = 0; oy < d.oh; ++oy)
            for (int64_t ox = 0; ox < d.ow; ++ox)
                for (int64_t g = 0; g < d.g; ++g)
                    for (int64_t ocl = 0; ocl < ocg; ++ocl, ++out) {
                        const int64_t oc = g * ocg + ocl;
                        int64_t acc = 0;
                        for (int64_t ky = 0; ky < d.kh; ++ky) {
                            const int64_t iy = oy * d.sh - d.ph + ky * (d.dh + 1);
                            if (iy < 0 || iy >= d.ih) continue;  // padding: contributes 0
                            for (int64_t kx = 0; kx < d.kw; ++kx) {
                                const int64_t ix = ox * d.sw - d.pw + kx * (d.dw + 1);
                                if (ix < 0 || ix >= d.iw) continue;
                                const Src* x = src + ((n * d.ih + iy) * d.iw + ix) * d.ic + g * icg;
                                const int8_t* w = wei + ((oc * d.kh + ky) * d.kw + kx) * icg;
                                acc += fast ? int64_t(dot<int32_t>(x, w, icg, 1, src_zp))
                                            : dot<int64_t>(x, w, icg, 1, src_zp);
                            }
                        }
                        if (!fits_s32(acc))
                            throw_acc_overflow(acc, where,
                                               "output (n " + std::to_string(n) + ", oh " + std::to_string(oy) +
                                                   ", ow " + std::to_string(ox) + ", oc " + std::to_string(oc) + ")");
                        visit(out, int(oc), int32_t(acc));
                    }
}

template <class Visit>
void run(const ConvDesc& d, ir::ElemType src_t, const void* src, const int8_t* wei, int32_t src_zp,
         const std::string& where, Visit&& visit) {
    check_int8_src(src_t, where);
    if (!src || !wei) throw ArgumentError(where + ": null source or weights pointer");
    check_acc_range(src_t, src_zp, d.icg() * d.kh * d.kw, where);
    if (src_t == ir::ElemType::u8)
        for_each_acc(d, static_cast<const uint8_t*>(src), wei, src_zp, src_t, where, visit);
    else
        for_each_acc(d, static_cast<const int8_t*>(src), wei, src_zp, src_t, where, visit);
}

}  // namespace

void conv_int8_acc(const ConvDesc& d, ir::ElemType src_t, const void* src, const int8_t* wei, int32_t src_zp,
                   int32_t* acc) {
    const std::string where = "conv_int8_acc " + to_string(d);
    if (!acc) throw ArgumentError(where + ": null accumulator pointer");
    run(d, src_t, src, wei, src_zp, where, [&](int64_t i, int, int32_t a) { acc[i] = a; });
}

void conv_int8(const ConvDesc& d, ir::ElemType src_t, const void* src, const int8_t* wei, int32_t src_zp,
               const ir::Epilogue& e, const void* residual, void* dst) {
    const std::string where = "conv_int8 " + to_string(d);
    if (!dst) throw ArgumentError(where + ": null destination pointer");
    check_epilogue(e, d.oc, residual, where);
    run(d, src_t, src, wei, src_zp, where,
        [&](int64_t i, int oc, int32_t a) { finish(e, a, oc, residual, dst, i); });
}

}  // namespace octet::kernels::ref
