// Reference of the fused f32 ops (ir/ops/f32_fused_ops.hpp): the plain
// Convolution / MatMul, then the epilogue element by element in f32, each step
// the operation the unfused Add / Relu / Clamp / Add node computes, so a
// fused node gives the unfused graph's bits. GeluQuantize: the reference Gelu,
// then the reference Quantize.
#include "ir/ops/f32_fused_ops.hpp"
#include "kernels/ref/common.hpp"
#include "kernels/ref/int8_ops.hpp"

namespace octet::kernels::ref {

namespace {

void apply_epilogue(const ir::Node& n, ir::Tensor& y, const ir::Tensor* residual) {
    const ir::Epilogue e = ir::f32_epilogue_from_attrs(n.attrs);
    const ir::Shape& s = y.shape();
    const int64_t axis = ir::f32_channel_axis(n, s.size());
    int64_t channels = 1, inner = 1;
    for (size_t i = size_t(axis); i < s.size(); ++i) (i == size_t(axis) ? channels : inner) *= s[i];
    float* v = y.data<float>();
    const float* r = residual ? residual->data<float>() : nullptr;
    for (int64_t i = 0; i < y.numel(); ++i) {
        const int c = int(i / inner % channels);
        float x = v[i] + ir::epilogue_at(e.bias, c, 0.f);
        for (const ir::PostOp& p : e.post_ops) {
            switch (p.kind) {
            case ir::PostOp::Kind::relu: x = x > 0.f ? x : 0.f; break;
            case ir::PostOp::Kind::clamp: x = x > p.lo ? x : p.lo; x = x < p.hi ? x : p.hi; break;
            case ir::PostOp::Kind::sum: x = x + r[i]; break;
            }
        }
        v[i] = x;
    }
}

Tensors fused(const ir::Node& n, const Tensors& in, Tensors (*body)(const ir::Node&, const Tensors&)) {
    expect_inputs(n, in, 2, false);
    if (in.size() > 3) fail(n, "expects 2 or 3 inputs, got " + std::to_string(in.size()));
    const bool sum = in.size() == 3;
    if (sum) {
        expect_type(n, in, 2, ir::ElemType::f32);
        if (in[2].shape() != out_desc(n).shape) fail(n, "residual shape differs from the output");
    }
    Tensors y = body(n, {in[0], in[1]});
    apply_epilogue(n, y.at(0), sum ? &in[2] : nullptr);
    return y;
}

}  // namespace

Tensors convolution_f32_op(const ir::Node& n, const Tensors& in) { return fused(n, in, convolution); }
Tensors matmul_f32_op(const ir::Node& n, const Tensors& in) { return fused(n, in, matmul); }

Tensors gelu_quantize_op(const ir::Node& n, const Tensors& in) {
    expect_inputs(n, in, 1);
    expect_type(n, in, 0, ir::ElemType::f32);
    ir::Node gelu = n;  // the Gelu alone: its f32 output
    gelu.op = "Gelu";
    gelu.outputs.at(0).type = ir::ElemType::f32;
    const ir::Tensor x = unary_eltwise(gelu, in).at(0);
    ir::Tensor y = make_output(n);
    quantize_range(n, x, y, 0, y.numel());
    return {y};
}

}  // namespace octet::kernels::ref
