// The op table: names mapped to their validation / shape inference function
// (one family per file under ir/ops/).
#include "ir/ops.hpp"

#include <algorithm>
#include <utility>

#include "ir/error.hpp"
#include "ir/ops/infer_fns.hpp"
#include "ir/ops/f32_fused_ops.hpp"
#include "ir/ops/int8_ops.hpp"
#include "ir/ops/quantize_linear.hpp"

namespace octet::ir {

namespace {

using InferFn = opcheck::Outputs (*)(const Node&, const opcheck::Inputs&);

const std::vector<std::pair<std::string, InferFn>>& op_table() {
    static const std::vector<std::pair<std::string, InferFn>> table = {
        {"Parameter", infer::parameter},     {"Constant", infer::constant},
        {"Result", infer::result},           {"Convolution", infer::convolution},
        {"MatMul", infer::matmul},           {"MaxPool", infer::max_pool},
        {"AvgPool", infer::avg_pool},        {"Relu", infer::relu},
        {"Clamp", infer::clamp},             {"Gelu", infer::gelu},
        {"Add", infer::binary},              {"Subtract", infer::binary},
        {"Multiply", infer::binary},         {"Concat", infer::concat},
        {"Reshape", infer::reshape},         {"Transpose", infer::transpose},
        {"Squeeze", infer::squeeze},         {"Unsqueeze", infer::unsqueeze},
        {"Interpolate", infer::interpolate}, {"MVN", infer::mvn},
        {"Softmax", infer::softmax},         {"FakeQuantize", infer::fake_quantize},
        {"Convert", infer::convert},
        {"QuantizeLinear", infer::quantize_linear},  // ONNX exact (ir/ops/quantize_linear.hpp)
        // Internal int8 ops of the LPT (ir/ops/int8_ops.cpp).
        {"Quantize", infer::quantize},       {"Dequantize", infer::dequantize},
        {"AddI8", infer::add_i8},             {"Requantize", infer::requantize},
        {"ConvolutionI8", infer::convolution_i8}, {"MatMulI8", infer::matmul_i8},
        // f32 Convolution / MatMul with folded followers (ir/ops/f32_fused_ops.cpp).
        {"ConvolutionF32", infer::convolution_f32}, {"MatMulF32", infer::matmul_f32},
        {"GeluQuantize", infer::gelu_quantize},
    };
    return table;
}

}  // namespace

const std::vector<std::string>& known_ops() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> r;
        for (const auto& e : op_table()) r.push_back(e.first);
        return r;
    }();
    return names;
}

bool is_known_op(const std::string& op) {
    const auto& ops = known_ops();
    return std::find(ops.begin(), ops.end(), op) != ops.end();
}

Shape broadcast_shapes(const Shape& a, const Shape& b) {
    Shape r(std::max(a.size(), b.size()));
    const size_t oa = r.size() - a.size(), ob = r.size() - b.size();
    for (size_t i = 0; i < r.size(); ++i) {
        const int64_t da = i < oa ? 1 : a[i - oa];
        const int64_t db = i < ob ? 1 : b[i - ob];
        if (da != db && da != 1 && db != 1)
            throw ValidationError("shapes " + to_string(a) + " and " + to_string(b) + " do not broadcast (dim " +
                                  std::to_string(i) + ": " + std::to_string(da) + " vs " + std::to_string(db) + ")");
        r[i] = da == 1 ? db : da;
    }
    return r;
}

std::vector<TensorDesc> infer_outputs(const Node& node, const std::vector<TensorDesc>& inputs) {
    for (size_t i = 0; i < inputs.size(); ++i) {
        try {
            opcheck::check_shape(inputs[i].shape);  // every later dim computation relies on this bound
        } catch (const ValidationError& e) {
            throw ValidationError("input " + std::to_string(i) + ": " + e.what());
        }
    }
    for (const auto& e : op_table()) {
        if (e.first != node.op) continue;
        std::vector<TensorDesc> outputs = e.second(node, inputs);
        for (size_t i = 0; i < outputs.size(); ++i) {
            try {
                opcheck::check_shape(outputs[i].shape);
            } catch (const ValidationError& err) {
                throw ValidationError("output " + std::to_string(i) + ": " + err.what());
            }
        }
        return outputs;
    }
    throw UnsupportedError("unknown op '" + node.op + "'");
}

}  // namespace octet::ir
