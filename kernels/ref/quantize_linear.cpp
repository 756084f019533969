// ONNX QuantizeLinear, exactly: y = saturate(round_half_even(x / scale) + zero_point).
#include "kernels/ref/quantize_linear.hpp"

#include <cmath>

namespace octet::kernels::ref {

Tensors quantize_linear_op(const ir::Node& n, const Tensors& in) {
    expect_inputs(n, in, 1);
    expect_type(n, in, 0, ir::ElemType::f32);
    ir::Tensor y = make_output(n);
    const std::vector<double> scale = n.attrs.get_floats("scale");
    const std::vector<double> zp = n.attrs.get_floats("zero_point", {});
    const ir::Shape& s = in[0].shape();
    const int64_t axis = n.attrs.get_int("axis", 1);
    int64_t inner = 1, channels = 1;
    if (axis >= 0 && size_t(axis) < s.size()) {
        channels = s[size_t(axis)];
        for (size_t d = size_t(axis) + 1; d < s.size(); ++d) inner *= s[d];
    }
    const bool u8 = y.type() == ir::ElemType::u8;
    const float lo = u8 ? 0.f : -128.f, hi = u8 ? 255.f : 127.f;
    const float* x = in[0].data<float>();
    for (int64_t i = 0; i < y.numel(); ++i) {
        const size_t c = size_t(channels > 0 ? (i / inner) % channels : 0);
        const float sc = float(scale[scale.size() == 1 ? 0 : c]);
        const float z = zp.empty() ? 0.f : float(zp[zp.size() == 1 ? 0 : c]);
        volatile float q = x[i] / sc;  // volatile: one f32 division, as ONNX specifies
        float v = std::nearbyint(q) + z;
        v = v > lo ? v : lo;  // NaN saturates to the low bound, as the epilogue does
        v = v < hi ? v : hi;
        if (u8)
            y.data<uint8_t>()[i] = uint8_t(v);
        else
            y.data<int8_t>()[i] = int8_t(v);
    }
    return {y};
}

}  // namespace octet::kernels::ref
