// FakeQuantize (opset1), element-wise over x with the four ranges broadcast to it.
#include <algorithm>
#include <cmath>

#include "kernels/ref/common.hpp"
#include "kernels/ref/ref.hpp"

namespace octet::kernels::ref {

float fake_quantize(float x, float il, float ih, float ol, float oh, int levels) {
    if (x <= std::min(il, ih)) return ol;
    if (x > std::max(il, ih)) return oh;
    const float steps = float(levels - 1);
    // volatile: one rounding per operation, in this order, never contracted to FMA.
    volatile float q = (x - il) / (ih - il) * steps;
    volatile float r = std::nearbyint(float(q)) / steps * (oh - ol);
    return r + ol;
}

Tensors fake_quantize_op(const ir::Node& n, const Tensors& in) {
    expect_inputs(n, in, 5);
    for (size_t i = 0; i < 5; ++i) expect_type(n, in, i, ir::ElemType::f32);
    const int64_t levels = n.attrs.get_int("levels");
    if (levels < 2 || levels > (int64_t(1) << 24))
        fail(n, "levels must be in [2, 2^24], got " + std::to_string(levels));
    ir::Tensor out = make_output(n);
    const ir::Shape& shape = out.shape();
    if (in[0].shape() != shape) fail(n, "x has shape " + ir::to_string(in[0].shape()) + ", output " + ir::to_string(shape));

    std::vector<int64_t> st[4];
    const float* range[4];
    for (size_t k = 0; k < 4; ++k) {
        st[k] = broadcast_strides(n, k + 1, in[k + 1].shape(), shape);
        range[k] = in[k + 1].data<float>();
    }
    const int64_t s0 = inner_stride(st[0]), s1 = inner_stride(st[1]), s2 = inner_stride(st[2]),
                  s3 = inner_stride(st[3]);
    const float* x = in[0].data<float>();
    float* y = out.data<float>();
    const int lv = int(levels);
    for_each_broadcast_row(shape, st, [&](int64_t base, const int64_t* off, int64_t len) {
        const float *il = range[0] + off[0], *ih = range[1] + off[1], *ol = range[2] + off[2], *oh = range[3] + off[3];
        for (int64_t j = 0; j < len; ++j)
            y[base + j] = fake_quantize(x[base + j], il[j * s0], ih[j * s1], ol[j * s2], oh[j * s3], lv);
    });
    return {out};
}

}  // namespace octet::kernels::ref
