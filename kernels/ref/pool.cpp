// MaxPool (every element type) and AvgPool (f32, and u8/s8 after the LPT) over H,W of NCHW data, with
// the window geometry of ir/ops/conv_geometry.hpp. Padding never wins a max.
// AvgPool divides by the window's elements inside the input (exclude_pad) or
// inside input + pads; the part of a ceil-mode window past the end padding is
// never counted (as OpenVINO's reference).
#include <algorithm>
#include <limits>
#include <type_traits>

#include "ir/epilogue.hpp"
#include "ir/ops/conv_geometry.hpp"
#include "kernels/ref/common.hpp"

namespace octet::kernels::ref {

namespace {

ir::Window2D pool_geometry(const ir::Node& n, const Tensors& in, const ir::Tensor& y) {
    expect_rank(n, in, 0, 4);
    ir::Window2D w;
    try {
        w = ir::pool_window(n, in[0].shape());
    } catch (const Error& e) {
        fail(n, e.what());
    }
    const ir::Shape& xs = in[0].shape();
    const ir::Shape expect = {xs[0], xs[1], w.oh, w.ow};
    if (y.shape() != expect || y.type() != in[0].type())
        fail(n, "output is " + ir::to_string(y.shape()) + ", the geometry gives " + ir::to_string(expect));
    return w;
}

// Calls f(plane_in, plane_out, oh, ow, h0, h1, w0, w1) with the window clipped to the input.
template <class F> void for_each_window(const ir::Shape& xs, const ir::Window2D& w, F&& f) {
    const int64_t H = xs[2], W = xs[3];
    for (int64_t plane = 0; plane < xs[0] * xs[1]; ++plane)
        for (int64_t oh = 0; oh < w.oh; ++oh) {
            const int64_t hs = oh * w.sh - w.pt;
            const int64_t h0 = std::max<int64_t>(hs, 0), h1 = std::min(hs + w.kh, H);
            for (int64_t ow = 0; ow < w.ow; ++ow) {
                const int64_t ws = ow * w.sw - w.pl;
                f(plane, oh, ow, hs, ws, h0, h1, std::max<int64_t>(ws, 0), std::min(ws + w.kw, W));
            }
        }
}

template <class T> void max_pool_typed(const ir::Tensor& x, ir::Tensor& y, const ir::Window2D& w) {
    const ir::Shape& xs = x.shape();
    const int64_t H = xs[2], W = xs[3];
    const T* src = x.data<T>();
    T* dst = y.data<T>();
    for_each_window(xs, w, [&](int64_t plane, int64_t oh, int64_t ow, int64_t, int64_t, int64_t h0, int64_t h1,
                               int64_t w0, int64_t w1) {
        const T* p = src + plane * H * W;
        T m = std::numeric_limits<T>::lowest();  // a window of padding only (OpenVINO's reference)
        for (int64_t h = h0; h < h1; ++h)
            for (int64_t c = w0; c < w1; ++c) m = p[h * W + c] > m ? p[h * W + c] : m;
        dst[(plane * w.oh + oh) * w.ow + ow] = m;
    });
}

}  // namespace

Tensors max_pool(const ir::Node& n, const Tensors& in) {
    expect_inputs(n, in, 1);
    ir::Tensor y = make_output(n);
    const ir::Window2D w = pool_geometry(n, in, y);
    switch (in[0].type()) {
    case ir::ElemType::f32: max_pool_typed<float>(in[0], y, w); break;
    case ir::ElemType::s32: max_pool_typed<int32_t>(in[0], y, w); break;
    case ir::ElemType::u8: max_pool_typed<uint8_t>(in[0], y, w); break;
    case ir::ElemType::s8: max_pool_typed<int8_t>(in[0], y, w); break;
    }
    return {y};
}

Tensors avg_pool(const ir::Node& n, const Tensors& in) {
    expect_inputs(n, in, 1);
    if (!ir::is_int8(in[0].type())) expect_type(n, in, 0, ir::ElemType::f32);
    ir::Tensor y = make_output(n);
    const ir::Window2D w = pool_geometry(n, in, y);
    const bool exclude_pad = n.attrs.get_bool("exclude_pad", false);
    const ir::Shape& xs = in[0].shape();
    const int64_t H = xs[2], W = xs[3];
    // f32 sums in f32; u8/s8 (after the LPT) sum in s32, then one f32 division
    // rounded half to even and saturated, as kernels/pool/ref.hpp (the numeric contract).
    auto run = [&](auto* src, auto* dst, auto zero) {
        using Acc = decltype(zero);
        using T = std::remove_const_t<std::remove_pointer_t<decltype(src)>>;
        for_each_window(xs, w, [&](int64_t plane, int64_t oh, int64_t ow, int64_t hs, int64_t ws, int64_t h0,
                                   int64_t h1, int64_t w0, int64_t w1) {
            const T* p = src + plane * H * W;
            Acc s = zero;
            for (int64_t h = h0; h < h1; ++h)
                for (int64_t c = w0; c < w1; ++c) s += p[h * W + c];
            int64_t count;
            if (exclude_pad) {
                count = std::max<int64_t>(h1 - h0, 0) * std::max<int64_t>(w1 - w0, 0);
            } else {  // clip to the padded input [-pt, H + pb)
                const int64_t ph = std::min(hs + w.kh, H + w.pb) - std::max(hs, -w.pt);
                const int64_t pw = std::min(ws + w.kw, W + w.pr) - std::max(ws, -w.pl);
                count = std::max<int64_t>(ph, 0) * std::max<int64_t>(pw, 0);
            }
            T& out = dst[(plane * w.oh + oh) * w.ow + ow];
            if constexpr (std::is_same_v<T, float>) {
                out = count > 0 ? s / float(count) : 0.f;
            } else {
                volatile float v = float(s);  // volatile: one plain division, as divps does
                v = v / float(count > 0 ? count : 1);
                out = count > 0 ? T(ir::saturate_round(v, ir::ElemTypeOf<T>::value)) : T(0);
            }
        });
    };
    switch (in[0].type()) {
    case ir::ElemType::u8: run(in[0].data<uint8_t>(), y.data<uint8_t>(), int32_t(0)); break;
    case ir::ElemType::s8: run(in[0].data<int8_t>(), y.data<int8_t>(), int32_t(0)); break;
    default: run(in[0].data<float>(), y.data<float>(), 0.f); break;
    }
    return {y};
}

}  // namespace octet::kernels::ref
