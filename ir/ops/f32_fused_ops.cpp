// ConvolutionF32 / MatMulF32: Convolution / MatMul with a folded f32 epilogue
// (ir/ops/f32_fused_ops.hpp).
#include "ir/ops/f32_fused_ops.hpp"

#include "ir/error.hpp"
#include "ir/ops/infer_fns.hpp"
#include "ir/ops/int8_ops.hpp"

namespace octet::ir {

Epilogue f32_epilogue_from_attrs(const Attributes& a) {
    if (!a.has("destination_type")) throw ValidationError("a fused f32 node needs destination_type f32");
    const Epilogue e = epilogue_from_attrs(a);
    if (e.dst_type != ElemType::f32) throw ValidationError("a fused f32 node has destination_type f32");
    if (!e.scale.empty() || !e.out_scale.empty() || !e.out_shift.empty())
        throw ValidationError("a fused f32 node takes no scale, out_scale or out_shift");
    int sums = 0;
    for (const PostOp& p : e.post_ops) {
        if (p.kind != PostOp::Kind::sum) continue;
        ++sums;
        if (p.sum_type != ElemType::f32 || p.sum_scale != 1.f || p.sum_zero_point != 0.f)
            throw ValidationError("the sum post-op of a fused f32 node adds an f32 residual as it is");
    }
    if (sums > 1) throw ValidationError("a fused f32 node has at most one sum post-op");
    return e;
}

namespace infer {

using namespace opcheck;

namespace {

void check(const Node& n, const Inputs& in, const TensorDesc& out) {
    const Epilogue e = f32_epilogue_from_attrs(n.attrs);
    const int64_t axis = f32_channel_axis(n, out.shape.size());
    const int64_t c = axis >= 0 && size_t(axis) < out.shape.size() ? out.shape[size_t(axis)] : 1;
    if (e.bias.size() > 1 && int64_t(e.bias.size()) != c)
        throw ValidationError("attribute 'bias' has " + std::to_string(e.bias.size()) +
                              " values, the channel axis has " + std::to_string(c));
    if (e.has_sum() != (in.size() == 3)) throw ValidationError("a sum post-op needs exactly one residual input (input 2)");
    if (in.size() == 3) {
        expect_type(in[2], {ElemType::f32}, "residual");
        if (in[2].shape != out.shape)
            throw ValidationError("residual shape " + to_string(in[2].shape) + " differs from output " + to_string(out.shape));
    }
}

void expect_2_or_3(const Inputs& in) {
    if (in.size() != 2 && in.size() != 3) throw ValidationError("expects 2 or 3 inputs, got " + std::to_string(in.size()));
}

}  // namespace

Outputs convolution_f32(const Node& n, const Inputs& in) {
    expect_2_or_3(in);
    expect_type(in[0], {ElemType::f32}, "data");
    expect_type(in[1], {ElemType::f32}, "weights");
    Outputs out = convolution(n, {in[0], in[1]});
    check(n, in, out[0]);
    return out;
}

Outputs matmul_f32(const Node& n, const Inputs& in) {
    expect_2_or_3(in);
    expect_type(in[0], {ElemType::f32}, "A");
    expect_type(in[1], {ElemType::f32}, "B");
    if (in[0].shape.size() < 2 || in[1].shape.size() < 2) throw UnsupportedError("MatMulF32 needs operands of rank >= 2");
    Outputs out = matmul(n, {in[0], in[1]});
    check(n, in, out[0]);
    return out;
}

Outputs gelu_quantize(const Node& n, const Inputs& in) {
    gelu(n, in);
    return quantize(n, in);
}

}  // namespace infer
}  // namespace octet::ir
