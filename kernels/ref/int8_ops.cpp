// Reference evaluation of Quantize, Dequantize, Requantize, AddI8, ConvolutionI8 and MatMulI8
// (see kernels/ref/int8_ops.hpp): the "unfused int8 reference" that the
// engine's fused kernels are compared with, bit for bit.
#include "kernels/ref/int8_ops.hpp"

#include <algorithm>
#include <cstring>

#include "ir/ops/conv_geometry.hpp"
#include "ir/ops/int8_ops.hpp"
#include "kernels/common/ref_io.hpp"
#include "kernels/conv/ref.hpp"
#include "kernels/matmul/ref.hpp"
#include "kernels/ref/common.hpp"

namespace octet::kernels::ref {

namespace {

// Channel index of flat element i of a dense tensor of shape s along `axis`.
struct ChannelOf {
    int64_t inner = 1, count = 1;
    ChannelOf(const ir::Shape& s, int64_t axis) {
        if (axis < 0 || size_t(axis) >= s.size()) return;
        count = s[size_t(axis)];
        for (size_t d = size_t(axis) + 1; d < s.size(); ++d) inner *= s[d];
    }
    int64_t operator()(int64_t i) const { return (i / inner) % count; }
};

}  // namespace

ConvProblem conv_problem_of(const ir::Node& n, const ir::TensorDesc& data_desc, const ir::Tensor& weights) {
    const ir::Shape& data = data_desc.shape;
    const ir::Shape& w = weights.shape();
    const ir::Window2D win = ir::conv_window(n, data, w);
    ConvProblem p;
    ConvDesc& d = p.desc;
    d.g = n.attrs.get_int("group", 1);
    d.mb = data[0];
    d.ic = data[1];
    d.ih = data[2];
    d.iw = data[3];
    d.oc = w[0];
    d.oh = win.oh;
    d.ow = win.ow;
    d.kh = win.kh;
    d.kw = win.kw;
    d.sh = win.sh;
    d.sw = win.sw;
    d.ph = win.pt;
    d.pw = win.pl;
    d.ph_end = win.pb;
    d.pw_end = win.pr;
    d.dh = win.dh - 1;  // benchdnn: 0 is dense
    d.dw = win.dw - 1;
    d.name = n.name;
    p.src_type = data_desc.type;
    p.src_zero_point = int32_t(n.attrs.get_int("src_zero_point", 0));
    p.epilogue = ir::epilogue_from_attrs(n.attrs);
    // [OC][C/g][KH][KW] -> [g][OC/g][KH][KW][C/g]: oc stays major, taps move outside channels.
    const int64_t icg = w[1], kh = w[2], kw = w[3];
    const int8_t* src = weights.data<int8_t>();
    p.weights.resize(size_t(weights.numel()));
    // Written in destination order (sequential stores): this runs over every weight at compile time.
    if (kh * kw == 1) {
        std::memcpy(p.weights.data(), src, p.weights.size());
        return p;
    }
    for (int64_t o = 0; o < d.oc; ++o)
        for (int64_t y = 0; y < kh; ++y)
            for (int64_t x = 0; x < kw; ++x) {
                int8_t* dst = p.weights.data() + ((o * kh + y) * kw + x) * icg;
                const int8_t* s = src + (o * icg * kh + y) * kw + x;
                for (int64_t c = 0; c < icg; ++c) dst[c] = s[c * kh * kw];
            }
    return p;
}

void plain_b(const ir::Node& n, const ir::Tensor& b, int8_t* dst, int64_t batch, int64_t k, int64_t nn) {
    const bool tb = n.attrs.get_bool("transpose_b", false);
    const int8_t* src = b.data<int8_t>();
    if (!tb) {
        std::memcpy(dst, src, size_t(batch * k * nn));
        return;
    }
    // [n][k] -> [k][n] in 32×32 tiles: a column walk over k-byte rows misses the cache
    // on every element (FC 2048×1000: 5 ms at compile time).
    constexpr int64_t kT = 32;
    for (int64_t bi = 0; bi < batch; ++bi)
        for (int64_t r0 = 0; r0 < k; r0 += kT)
            for (int64_t c0 = 0; c0 < nn; c0 += kT)
                for (int64_t r = r0; r < std::min(k, r0 + kT); ++r)
                    for (int64_t c = c0; c < std::min(nn, c0 + kT); ++c)
                        dst[(bi * k + r) * nn + c] = src[(bi * nn + c) * k + r];
}

MatmulProblem matmul_problem_of(const ir::Node& n, const ir::TensorDesc& a_desc, const ir::Shape& bs, const ir::Tensor* b) {
    const ir::Shape& a = a_desc.shape;
    MatmulProblem p;
    p.a_type = a_desc.type;
    MatmulDesc& d = p.desc;
    const bool tb = n.attrs.get_bool("transpose_b", false);
    const size_t r = a.size();
    d.k = a[r - 1];
    d.n = tb ? bs[bs.size() - 2] : bs[bs.size() - 1];
    d.m = a[r - 2];
    if (bs.size() == 2) {
        for (size_t i = 0; i + 2 < r; ++i) d.m *= a[i];  // a 2D B: rows of every batch are rows of one matrix
    } else {
        d.batch_dims.assign(a.begin(), a.end() - 2);
    }
    d.name = n.name;
    p.a_zero_point = int32_t(n.attrs.get_int("a_zero_point", 0));
    p.epilogue = ir::epilogue_from_attrs(n.attrs);
    if (b) {
        p.b.resize(size_t(d.b_elems()));
        plain_b(n, *b, p.b.data(), d.batch(), d.k, d.n);
    }
    return p;
}

namespace {

// The reorders with the element size known at compile time (the copy is a plain load/store).
template <class T>
void reorder(const T* in, T* out, int64_t c, int64_t hw, int64_t n0, int64_t n1, bool to_nhwc) {
    for (int64_t b = n0; b < n1; ++b) {
        const T* src = in + b * c * hw;
        T* dst = out + b * c * hw;
        if (to_nhwc) {
            for (int64_t ch = 0; ch < c; ++ch)
                for (int64_t i = 0; i < hw; ++i) dst[i * c + ch] = src[ch * hw + i];
        } else {
            for (int64_t i = 0; i < hw; ++i)
                for (int64_t ch = 0; ch < c; ++ch) dst[ch * hw + i] = src[i * c + ch];
        }
    }
}

void reorder_any(const void* src, void* dst, const ir::Shape& s, size_t elem, int64_t n0, int64_t n1, bool to_nhwc) {
    const int64_t c = s[1], hw = s[2] * s[3];
    switch (elem) {
    case 1: return reorder(static_cast<const uint8_t*>(src), static_cast<uint8_t*>(dst), c, hw, n0, n1, to_nhwc);
    case 4: return reorder(static_cast<const uint32_t*>(src), static_cast<uint32_t*>(dst), c, hw, n0, n1, to_nhwc);
    default: break;
    }
    const auto* in = static_cast<const uint8_t*>(src);
    auto* out = static_cast<uint8_t*>(dst);
    for (int64_t b = n0; b < n1; ++b)
        for (int64_t ch = 0; ch < c; ++ch)
            for (int64_t i = 0; i < hw; ++i) {
                const size_t nchw = size_t((b * c + ch) * hw + i) * elem, nhwc = size_t((b * hw + i) * c + ch) * elem;
                if (to_nhwc)
                    std::memcpy(out + nhwc, in + nchw, elem);
                else
                    std::memcpy(out + nchw, in + nhwc, elem);
            }
}

}  // namespace

void nchw_to_nhwc(const void* src, void* dst, const ir::Shape& s, size_t elem, int64_t n0, int64_t n1) {
    reorder_any(src, dst, s, elem, n0, n1, true);
}

void nhwc_to_nchw(const void* src, void* dst, const ir::Shape& s, size_t elem, int64_t n0, int64_t n1) {
    reorder_any(src, dst, s, elem, n0, n1, false);
}

void quantize_range(const ir::Node& n, const ir::Tensor& x, ir::Tensor& y, int64_t begin, int64_t end) {
    const std::vector<float> scale = ir::to_floats(n.attrs.get_floats("scale"));
    const std::vector<float> shift = ir::to_floats(n.attrs.get_floats("shift", {}));
    const ChannelOf ch(x.shape(), n.attrs.get_int("axis", 1));
    const float* px = x.data<float>();
    const ir::ElemType t = y.type();
    for (int64_t i = begin; i < end; ++i) {
        const int c = int(ch(i));
        volatile float v = px[i] * ir::epilogue_at(scale, c, 1.f);  // the contract's tail: multiply, then add
        v = v + ir::epilogue_at(shift, c, 0.f);
        store_dst(t, y.raw(), i, v);
    }
}

void dequantize_range(const ir::Node& n, const ir::Tensor& x, ir::Tensor& y, int64_t begin, int64_t end) {
    const std::vector<float> zp = ir::to_floats(n.attrs.get_floats("zero_point", {}));
    const std::vector<float> scale = ir::to_floats(n.attrs.get_floats("scale"));
    const std::vector<float> bias = ir::to_floats(n.attrs.get_floats("bias", {}));
    const ChannelOf ch(x.shape(), n.attrs.get_int("axis", 1));
    float* py = y.data<float>();
    for (int64_t i = begin; i < end; ++i) {
        const int c = int(ch(i));
        // The epilogue's order: float(x) - zero point, x scale, + bias (0 when absent).
        volatile float v = load_as_float(x.type(), x.raw(), i) - ir::epilogue_at(zp, c, 0.f);
        v = v * ir::epilogue_at(scale, c, 1.f);
        v = v + ir::epilogue_at(bias, c, 0.f);
        py[i] = v;
    }
}

Tensors quantize_op(const ir::Node& n, const Tensors& in) {
    expect_inputs(n, in, 1);
    expect_type(n, in, 0, ir::ElemType::f32);
    ir::Tensor y = make_output(n);
    quantize_range(n, in[0], y, 0, y.numel());
    return {y};
}

Tensors dequantize_op(const ir::Node& n, const Tensors& in) {
    expect_inputs(n, in, 1);
    ir::Tensor y = make_output(n);
    dequantize_range(n, in[0], y, 0, y.numel());
    return {y};
}

Tensors requantize_op(const ir::Node& n, const Tensors& in) {
    expect_inputs(n, in, 1);
    ir::Tensor y = make_output(n);
    auto floats = [&](const char* name) { return ir::to_floats(n.attrs.get_floats(name, {})); };
    const std::vector<float> zp = floats("zero_point"), scale = floats("scale"), bias = floats("bias");
    const std::vector<float> out_scale = floats("out_scale"), out_shift = floats("out_shift");
    const ChannelOf ch(y.shape(), n.attrs.get_int("axis", 1));
    for (int64_t i = 0; i < y.numel(); ++i) {
        const int c = int(ch(i));
        // dequantize_range's steps, then quantize_range's.
        volatile float v = load_as_float(in[0].type(), in[0].raw(), i) - ir::epilogue_at(zp, c, 0.f);
        v = v * ir::epilogue_at(scale, c, 1.f);
        v = v + ir::epilogue_at(bias, c, 0.f);
        v = v * ir::epilogue_at(out_scale, c, 1.f);
        v = v + ir::epilogue_at(out_shift, c, 0.f);
        store_dst(y.type(), y.raw(), i, v);
    }
    return {y};
}

Tensors add_i8_op(const ir::Node& n, const Tensors& in) {
    expect_inputs(n, in, 2);
    ir::Tensor y = make_output(n);
    if (in[0].shape() != y.shape() || in[1].shape() != y.shape())
        fail(n, "inputs " + ir::to_string(in[0].shape()) + " and " + ir::to_string(in[1].shape()) + ", output " +
                    ir::to_string(y.shape()));
    auto floats = [&](const char* name) { return ir::to_floats(n.attrs.get_floats(name, {})); };
    const std::vector<float> zp[2] = {floats("a_zero_point"), floats("b_zero_point")};
    const std::vector<float> scale[2] = {floats("a_scale"), floats("b_scale")};
    const std::vector<float> bias[2] = {floats("a_bias"), floats("b_bias")};
    const std::vector<float> out_scale = floats("out_scale"), out_shift = floats("out_shift");
    const bool relu = n.attrs.get_bool("relu", false);
    const ChannelOf ch(y.shape(), n.attrs.get_int("axis", 1));
    for (int64_t i = 0; i < y.numel(); ++i) {
        const int c = int(ch(i));
        // Each input exactly as dequantize_range computes it, then the f32 Add,
        // Relu and Quantize of the graph it replaces (one rounding per step).
        volatile float v = 0.f;
        for (int k = 0; k < 2; ++k) {
            volatile float t = load_as_float(in[size_t(k)].type(), in[size_t(k)].raw(), i) - ir::epilogue_at(zp[k], c, 0.f);
            t = t * ir::epilogue_at(scale[k], c, 1.f);
            t = t + ir::epilogue_at(bias[k], c, 0.f);
            if (k == 0) v = t;
            else v = v + t;
        }
        if (relu) {
            const float x = v;
            v = x > 0.f ? x : 0.f;
        }
        if (!out_scale.empty()) v = v * ir::epilogue_at(out_scale, c, 1.f);
        if (!out_shift.empty()) v = v + ir::epilogue_at(out_shift, c, 0.f);
        store_dst(y.type(), y.raw(), i, v);
    }
    return {y};
}

Tensors convolution_i8_op(const ir::Node& n, const Tensors& in) {
    expect_inputs(n, in, 2, false);
    const ConvProblem p = conv_problem_of(n, {in[0].type(), in[0].shape()}, in[1]);
    ir::Tensor y = make_output(n);
    const int64_t mb = p.desc.mb;
    ir::Tensor src(in[0].type(), {p.desc.mb, p.desc.ih, p.desc.iw, p.desc.ic});
    nchw_to_nhwc(in[0].raw(), src.raw(), in[0].shape(), ir::elem_size(in[0].type()), 0, mb);
    ir::Tensor res;
    if (in.size() == 3) {
        res = ir::Tensor(in[2].type(), {mb, p.desc.oh, p.desc.ow, p.desc.oc});
        nchw_to_nhwc(in[2].raw(), res.raw(), in[2].shape(), ir::elem_size(in[2].type()), 0, mb);
    }
    ir::Tensor dst(y.type(), {mb, p.desc.oh, p.desc.ow, p.desc.oc});
    conv_int8(p.desc, in[0].type(), src.raw(), p.weights.data(), p.src_zero_point, p.epilogue,
              res.empty() ? nullptr : res.raw(), dst.raw());
    nhwc_to_nchw(dst.raw(), y.raw(), y.shape(), ir::elem_size(y.type()), 0, mb);
    return {y};
}

Tensors matmul_i8_op(const ir::Node& n, const Tensors& in) {
    expect_inputs(n, in, 2, false);
    const MatmulProblem p = matmul_problem_of(n, {in[0].type(), in[0].shape()}, in[1].shape(), &in[1]);
    ir::Tensor y = make_output(n);
    matmul_int8(p.desc, in[0].type(), in[0].raw(), p.a_zero_point, p.b.data(), p.epilogue,
                in.size() == 3 ? in[2].raw() : nullptr, y.raw());
    return {y};
}

}  // namespace octet::kernels::ref
