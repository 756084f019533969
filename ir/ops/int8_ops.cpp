// Internal int8 ops created by the low-precision transformations (lpt/):
// Quantize, Dequantize, Requantize, AddI8, ConvolutionI8, MatMulI8. See ir/ops.hpp.
#include "ir/ops/int8_ops.hpp"

#include "ir/error.hpp"
#include "ir/ops.hpp"
#include "ir/ops/infer_fns.hpp"

namespace octet::ir {

std::vector<float> to_floats(const std::vector<double>& v) { return std::vector<float>(v.begin(), v.end()); }
std::vector<double> to_doubles(const std::vector<float>& v) { return std::vector<double>(v.begin(), v.end()); }

Epilogue epilogue_from_attrs(const Attributes& a) {
    Epilogue e;
    e.scale = to_floats(a.get_floats("scale", {}));
    e.bias = to_floats(a.get_floats("bias", {}));
    e.out_scale = to_floats(a.get_floats("out_scale", {}));
    e.out_shift = to_floats(a.get_floats("out_shift", {}));
    e.dst_type = parse_elem_type(a.get_string("destination_type", "s32"));
    const std::vector<int64_t> kinds = a.get_ints("post_ops", {});
    const std::vector<double> lo = a.get_floats("post_lo", {}), hi = a.get_floats("post_hi", {});
    if (lo.size() != kinds.size() || hi.size() != kinds.size())
        throw ValidationError("post_lo/post_hi must have one value per post-op");
    for (size_t i = 0; i < kinds.size(); ++i) {
        switch (kinds[i]) {
        case 0: e.post_ops.push_back(PostOp::relu()); break;
        case 1: e.post_ops.push_back(PostOp::clamp(float(lo[i]), float(hi[i]))); break;
        case 2:
            e.post_ops.push_back(PostOp::sum(parse_elem_type(a.get_string("sum_type")), float(a.get_float("sum_scale")),
                                             float(a.get_float("sum_zero_point"))));
            break;
        default: throw ValidationError("unknown post-op kind " + std::to_string(kinds[i]));
        }
    }
    return e;
}

void epilogue_to_attrs(const Epilogue& e, Attributes& a) {
    a.set("scale", to_doubles(e.scale));
    a.set("bias", to_doubles(e.bias));
    a.set("out_scale", to_doubles(e.out_scale));
    a.set("out_shift", to_doubles(e.out_shift));
    a.set("destination_type", to_string(e.dst_type));
    std::vector<int64_t> kinds;
    std::vector<double> lo, hi;
    for (const PostOp& p : e.post_ops) {
        kinds.push_back(int64_t(p.kind));
        lo.push_back(p.lo);
        hi.push_back(p.hi);
        if (p.kind == PostOp::Kind::sum) {
            a.set("sum_type", to_string(p.sum_type));
            a.set("sum_scale", AttrValue(double(p.sum_scale)));
            a.set("sum_zero_point", AttrValue(double(p.sum_zero_point)));
        }
    }
    a.set("post_ops", kinds);
    a.set("post_lo", lo);
    a.set("post_hi", hi);
}

namespace infer {

using namespace opcheck;

namespace {

// Per-channel vectors have size 0, 1 or the size of the channel axis.
void expect_channel_vector(const Node& n, const char* name, const Shape& s, int64_t axis) {
    const size_t size = n.attrs.get_floats(name, {}).size();
    const int64_t c = axis >= 0 && size_t(axis) < s.size() ? s[size_t(axis)] : 1;
    if (size > 1 && int64_t(size) != c)
        throw ValidationError(std::string("attribute '") + name + "' has " + std::to_string(size) +
                              " values, the channel axis has " + std::to_string(c));
}

void check_epilogue(const Node& n, const Inputs& in, const Shape& out, int64_t channel_axis) {
    const Epilogue e = epilogue_from_attrs(n.attrs);
    for (const char* v : {"scale", "bias", "out_scale", "out_shift"}) expect_channel_vector(n, v, out, channel_axis);
    if (e.has_sum() != (in.size() == 3))
        throw ValidationError("a sum post-op needs exactly one residual input (input 2)");
    if (e.has_sum()) {
        expect_type(in[2], {e.sum_op()->sum_type}, "residual");
        if (in[2].shape != out) throw ValidationError("residual shape " + to_string(in[2].shape) + " differs from output " + to_string(out));
    }
}

}  // namespace

Outputs quantize(const Node& n, const Inputs& in) {
    expect_inputs(in, 1);
    expect_type(in[0], {ElemType::f32}, "input");
    const ElemType t = parse_elem_type(get_choice(n.attrs, "destination_type", "", {"u8", "s8"}));
    expect_channel_vector(n, "scale", in[0].shape, n.attrs.get_int("axis", 1));
    expect_channel_vector(n, "shift", in[0].shape, n.attrs.get_int("axis", 1));
    return {{t, in[0].shape}};
}

Outputs dequantize(const Node& n, const Inputs& in) {
    expect_inputs(in, 1);
    expect_type(in[0], {ElemType::u8, ElemType::s8, ElemType::s32}, "input");
    for (const char* v : {"zero_point", "scale", "bias"})
        expect_channel_vector(n, v, in[0].shape, n.attrs.get_int("axis", 1));
    return {{ElemType::f32, in[0].shape}};
}

Outputs requantize(const Node& n, const Inputs& in) {
    expect_inputs(in, 1);
    expect_type(in[0], {ElemType::u8, ElemType::s8}, "input");
    const ElemType t = parse_elem_type(get_choice(n.attrs, "destination_type", "", {"u8", "s8"}));
    for (const char* v : {"zero_point", "scale", "bias", "out_scale", "out_shift"})
        expect_channel_vector(n, v, in[0].shape, n.attrs.get_int("axis", 1));
    return {{t, in[0].shape}};
}

Outputs add_i8(const Node& n, const Inputs& in) {
    expect_inputs(in, 2);
    expect_type(in[0], {ElemType::u8, ElemType::s8}, "first input");
    expect_type(in[1], {ElemType::u8, ElemType::s8}, "second input");
    if (in[0].shape != in[1].shape)
        throw ValidationError("inputs have shapes " + to_string(in[0].shape) + " and " + to_string(in[1].shape) +
                              " (AddI8 does not broadcast)");
    const ElemType t = parse_elem_type(get_choice(n.attrs, "destination_type", "", {"u8", "s8", "f32"}));
    const int64_t axis = n.attrs.get_int("axis", 1);
    for (const char* v : {"a_zero_point", "a_scale", "a_bias", "b_zero_point", "b_scale", "b_bias", "out_scale", "out_shift"})
        expect_channel_vector(n, v, in[0].shape, axis);
    if (t == ElemType::f32 && (!n.attrs.get_floats("out_scale", {}).empty() || !n.attrs.get_floats("out_shift", {}).empty()))
        throw ValidationError("an f32 destination takes no out_scale / out_shift");
    return {{t, in[0].shape}};
}

Outputs convolution_i8(const Node& n, const Inputs& in) {
    if (in.size() != 2 && in.size() != 3) throw ValidationError("expects 2 or 3 inputs, got " + std::to_string(in.size()));
    expect_type(in[0], {ElemType::u8, ElemType::s8}, "data");
    expect_type(in[1], {ElemType::s8}, "weights");
    Outputs out = convolution(n, {in[0], in[1]});
    out[0].type = epilogue_from_attrs(n.attrs).dst_type;
    check_epilogue(n, in, out[0].shape, 1);
    return out;
}

Outputs matmul_i8(const Node& n, const Inputs& in) {
    if (in.size() != 2 && in.size() != 3) throw ValidationError("expects 2 or 3 inputs, got " + std::to_string(in.size()));
    expect_type(in[0], {ElemType::u8, ElemType::s8}, "A");
    expect_type(in[1], {ElemType::s8}, "B");
    if (n.attrs.get_bool("transpose_a", false)) throw UnsupportedError("MatMulI8 does not take transpose_a");
    if (in[0].shape.size() < 2 || in[1].shape.size() < 2) throw UnsupportedError("MatMulI8 needs operands of rank >= 2");
    if (in[1].shape.size() != 2 && in[1].shape.size() != in[0].shape.size())
        throw UnsupportedError("MatMulI8: B must be 2D or have A's batch dims");
    Outputs out = matmul(n, {in[0], in[1]});
    if (in[1].shape.size() != 2)
        for (size_t i = 0; i + 2 < in[0].shape.size(); ++i)
            if (in[0].shape[i] != in[1].shape[i]) throw UnsupportedError("MatMulI8: batch dims of A and B differ");
    out[0].type = epilogue_from_attrs(n.attrs).dst_type;
    check_epilogue(n, in, out[0].shape, int64_t(out[0].shape.size()) - 1);
    return out;
}

}  // namespace infer
}  // namespace octet::ir
