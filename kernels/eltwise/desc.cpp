#include "kernels/eltwise/desc.hpp"

#include <sstream>

#include "ir/error.hpp"
#include "ir/ops/int8_ops.hpp"

namespace octet::kernels {

namespace {

void check_shape(const ir::Shape& s, const std::string& where) {
    for (int64_t d : s)
        if (d < 0) throw ArgumentError(where + ": negative dimension in " + ir::to_string(s));
}

void check_vec(const std::vector<float>& v, int64_t count, const char* what, const std::string& where) {
    if (v.size() > 1 && int64_t(v.size()) != count)
        throw ArgumentError(where + ": " + what + " has " + std::to_string(v.size()) + " values, expected 0, 1 or " +
                            std::to_string(count) + " (channels)");
}

void check_type(ir::ElemType t, std::initializer_list<ir::ElemType> ok, const char* what, const std::string& where) {
    for (ir::ElemType o : ok)
        if (t == o) return;
    throw ArgumentError(where + ": unsupported " + what + " type " + ir::to_string(t));
}

void validate(const EltwiseChain& c) {
    const std::string where = c.op;
    check_shape(c.shape, where);
    if (c.inputs.empty() || c.inputs.size() > 2) throw ArgumentError(where + ": 1 or 2 inputs");
    if (c.pre_op != ChainPreOp::none && (c.inputs.size() != 1 || c.inputs[0].type != ir::ElemType::f32))
        throw ArgumentError(where + ": a pre-op takes a single f32 input");
    const int64_t count = c.count();
    for (const ChainInput& in : c.inputs) {
        check_vec(in.zero_point, count, "zero_point", where);
        check_vec(in.scale, count, "scale", where);
        check_vec(in.bias, count, "bias", where);
    }
    check_vec(c.out_scale, count, "out_scale", where);
    check_vec(c.out_shift, count, "out_shift", where);
}

std::string vec_str(const char* name, const std::vector<float>& v) {
    return v.empty() ? std::string() : std::string(" ") + name + "[" + std::to_string(v.size()) + "]";
}

}  // namespace

int64_t EltwiseChain::inner() const {
    if (axis < 0 || size_t(axis) >= shape.size()) return 1;
    int64_t in = 1;
    for (size_t d = size_t(axis) + 1; d < shape.size(); ++d) in *= shape[d];
    return in;
}

int64_t EltwiseChain::count() const {
    if (axis < 0 || size_t(axis) >= shape.size()) return 1;
    return shape[size_t(axis)];
}

bool EltwiseChain::per_channel() const {
    auto pc = [](const std::vector<float>& v) { return v.size() > 1; };
    for (const ChainInput& in : inputs)
        if (pc(in.zero_point) || pc(in.scale) || pc(in.bias)) return true;
    return pc(out_scale) || pc(out_shift);
}

namespace {

EltwiseChain make_chain(const char* op, const ir::Shape& shape, int64_t axis, std::vector<ChainInput> inputs,
                        std::vector<float> out_scale, std::vector<float> out_shift, ir::ElemType dst_type,
                        bool relu = false) {
    EltwiseChain c;
    c.op = op;
    c.shape = shape;
    c.axis = axis;
    c.inputs = std::move(inputs);
    c.relu = relu;
    c.out_scale = std::move(out_scale);
    c.out_shift = std::move(out_shift);
    c.dst_type = dst_type;
    validate(c);
    return c;
}

// An input as a Dequantize computes it: float(q) - 0 and float(q) * 1 are
// exact, the bias add is not (-0 + 0 = +0), so it is always kept (+0 when
// absent) and the chain gives the Dequantize's bits, also for f32 output.
ChainInput dequantized(ir::ElemType type, const std::vector<float>& zp, const std::vector<float>& scale,
                       const std::vector<float>& bias) {
    return ChainInput{type, zp, scale, bias.empty() ? std::vector<float>{0.f} : bias};
}

}  // namespace

EltwiseChain chain_of(const QuantizeProblem& p) {
    check_type(p.dst_type, {ir::ElemType::u8, ir::ElemType::s8, ir::ElemType::s32}, "destination", "quantize");
    return make_chain("quantize", p.shape, p.axis, {ChainInput{ir::ElemType::f32, {}, {}, {}}}, p.scale, p.shift,
                      p.dst_type);
}

EltwiseChain gelu_quantize_chain_of(const QuantizeProblem& p, bool tanh) {
    EltwiseChain c = chain_of(p);
    c.op = tanh ? "gelu_tanh_quantize" : "gelu_erf_quantize";
    c.pre_op = tanh ? ChainPreOp::gelu_tanh : ChainPreOp::gelu_erf;
    validate(c);
    return c;
}

EltwiseChain chain_of(const DequantizeProblem& p) {
    check_type(p.src_type, {ir::ElemType::u8, ir::ElemType::s8, ir::ElemType::s32}, "source", "dequantize");
    return make_chain("dequantize", p.shape, p.axis, {dequantized(p.src_type, p.zero_point, p.scale, p.bias)}, {}, {},
                      ir::ElemType::f32);
}

EltwiseChain chain_of(const RequantizeProblem& p) {
    check_type(p.src.type, {ir::ElemType::u8, ir::ElemType::s8}, "source", "requantize");
    check_type(p.dst_type, {ir::ElemType::u8, ir::ElemType::s8}, "destination", "requantize");
    return make_chain("requantize", p.shape, p.axis, {ChainInput{p.src.type, p.src.zero_point, p.src.scale, p.src.bias}},
                      p.out_scale, p.out_shift, p.dst_type);
}

EltwiseChain chain_of(const AddProblem& p) {
    check_type(p.a.type, {ir::ElemType::u8, ir::ElemType::s8}, "first input", "add");
    check_type(p.b.type, {ir::ElemType::u8, ir::ElemType::s8}, "second input", "add");
    check_type(p.dst_type, {ir::ElemType::u8, ir::ElemType::s8, ir::ElemType::f32}, "destination", "add");
    // Each input as the Dequantize it replaces: equal bits also for f32 output.
    return make_chain("add", p.shape, p.axis,
                      {dequantized(p.a.type, p.a.zero_point, p.a.scale, p.a.bias),
                       dequantized(p.b.type, p.b.zero_point, p.b.scale, p.b.bias)},
                      p.out_scale, p.out_shift, p.dst_type, p.relu);
}

QuantizeProblem quantize_problem_of(const ir::Node& n, const ir::Shape& shape, ir::ElemType dst_type) {
    QuantizeProblem p;
    p.shape = shape;
    p.axis = n.attrs.get_int("axis", 1);
    p.dst_type = dst_type;
    p.scale = ir::to_floats(n.attrs.get_floats("scale"));
    p.shift = ir::to_floats(n.attrs.get_floats("shift", {}));
    return p;
}

DequantizeProblem dequantize_problem_of(const ir::Node& n, const ir::Shape& shape, ir::ElemType src_type) {
    DequantizeProblem p;
    p.shape = shape;
    p.axis = n.attrs.get_int("axis", 1);
    p.src_type = src_type;
    p.zero_point = ir::to_floats(n.attrs.get_floats("zero_point", {}));
    p.scale = ir::to_floats(n.attrs.get_floats("scale"));
    p.bias = ir::to_floats(n.attrs.get_floats("bias", {}));
    return p;
}

namespace {

std::vector<float> floats_attr(const ir::Node& n, const std::string& name) {
    return ir::to_floats(n.attrs.get_floats(name, {}));
}

// An int8 input's dequantization from `prefix`zero_point, `prefix`scale, `prefix`bias.
QuantizedInput quantized_input_of(const ir::Node& n, const std::string& prefix, ir::ElemType type) {
    return QuantizedInput{type, floats_attr(n, prefix + "zero_point"), floats_attr(n, prefix + "scale"),
                          floats_attr(n, prefix + "bias")};
}

}  // namespace

RequantizeProblem requantize_problem_of(const ir::Node& n, const ir::Shape& shape, ir::ElemType src_type) {
    RequantizeProblem p;
    p.shape = shape;
    p.axis = n.attrs.get_int("axis", 1);
    p.src = quantized_input_of(n, "", src_type);
    p.out_scale = floats_attr(n, "out_scale");
    p.out_shift = floats_attr(n, "out_shift");
    p.dst_type = ir::parse_elem_type(n.attrs.get_string("destination_type"));
    return p;
}

AddProblem add_problem_of(const ir::Node& n, const ir::Shape& shape, ir::ElemType a_type, ir::ElemType b_type) {
    AddProblem p;
    p.shape = shape;
    p.axis = n.attrs.get_int("axis", 1);
    p.a = quantized_input_of(n, "a_", a_type);
    p.b = quantized_input_of(n, "b_", b_type);
    p.relu = n.attrs.get_bool("relu", false);
    p.out_scale = floats_attr(n, "out_scale");
    p.out_shift = floats_attr(n, "out_shift");
    p.dst_type = ir::parse_elem_type(n.attrs.get_string("destination_type"));
    return p;
}

std::string to_string(const QuantizeProblem& p) {
    std::ostringstream s;
    s << "quantize " << ir::to_string(p.shape) << " f32->" << ir::to_string(p.dst_type) << " axis " << p.axis
      << vec_str("scale", p.scale) << vec_str("shift", p.shift);
    return s.str();
}
std::string to_string(const DequantizeProblem& p) {
    std::ostringstream s;
    s << "dequantize " << ir::to_string(p.shape) << " " << ir::to_string(p.src_type) << "->f32 axis " << p.axis
      << vec_str("zero_point", p.zero_point) << vec_str("scale", p.scale) << vec_str("bias", p.bias);
    return s.str();
}
std::string to_string(const RequantizeProblem& p) {
    std::ostringstream s;
    s << "requantize " << ir::to_string(p.shape) << " " << ir::to_string(p.src.type) << "->"
      << ir::to_string(p.dst_type) << " axis " << p.axis << vec_str("zero_point", p.src.zero_point)
      << vec_str("scale", p.src.scale) << vec_str("bias", p.src.bias) << vec_str("out_scale", p.out_scale)
      << vec_str("out_shift", p.out_shift);
    return s.str();
}
std::string to_string(const AddProblem& p) {
    std::ostringstream s;
    s << "add " << ir::to_string(p.shape) << " " << ir::to_string(p.a.type) << "+" << ir::to_string(p.b.type) << "->"
      << ir::to_string(p.dst_type) << (p.relu ? " relu" : "") << " axis " << p.axis
      << vec_str("a.zero_point", p.a.zero_point) << vec_str("a.scale", p.a.scale) << vec_str("a.bias", p.a.bias)
      << vec_str("b.zero_point", p.b.zero_point) << vec_str("b.scale", p.b.scale) << vec_str("b.bias", p.b.bias)
      << vec_str("out_scale", p.out_scale)
      << vec_str("out_shift", p.out_shift);
    return s.str();
}

}  // namespace octet::kernels
