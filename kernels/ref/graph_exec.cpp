// eval_node's dispatch by op name, and run_graph: a topological walk that keeps
// each intermediate tensor alive only until its last reader has run.
#include <map>

#include "kernels/ref/common.hpp"
#include "kernels/ref/int8_ops.hpp"
#include "kernels/ref/quantize_linear.hpp"
#include "kernels/ref/ref.hpp"

namespace octet::kernels::ref {

namespace {

using Kernel = Tensors (*)(const ir::Node&, const Tensors&);

const std::map<std::string, Kernel>& kernel_table() {
    static const std::map<std::string, Kernel> table = {
        {"Convolution", convolution},   {"MatMul", matmul},
        {"MaxPool", max_pool},          {"AvgPool", avg_pool},
        {"Relu", unary_eltwise},        {"Clamp", unary_eltwise},
        {"Gelu", unary_eltwise},        {"Add", binary_eltwise},
        {"Subtract", binary_eltwise},   {"Multiply", binary_eltwise},
        {"Convert", convert},           {"Concat", concat},
        {"Reshape", reshape_like},      {"Squeeze", reshape_like},
        {"Unsqueeze", reshape_like},    {"Transpose", transpose},
        {"Interpolate", interpolate},   {"MVN", mvn},
        {"Softmax", softmax},           {"FakeQuantize", fake_quantize_op},
        {"QuantizeLinear", quantize_linear_op},  // ONNX exact quantization
        // The LPT's internal int8 ops (kernels/ref/int8_ops.cpp).
        {"Quantize", quantize_op},      {"Dequantize", dequantize_op},
        {"AddI8", add_i8_op},           {"Requantize", requantize_op},
        {"ConvolutionI8", convolution_i8_op}, {"MatMulI8", matmul_i8_op},
        // f32 Convolution / MatMul with folded followers (kernels/ref/f32_fused_ops.cpp).
        {"ConvolutionF32", convolution_f32_op}, {"MatMulF32", matmul_f32_op},
        {"GeluQuantize", gelu_quantize_op},
    };
    return table;
}

// Every kernel builds its outputs from node.outputs; this catches a kernel (or
// a caller passing mismatched inputs) that returns something else.
void check_outputs(const ir::Node& n, const Tensors& out) {
    if (out.size() != n.outputs.size())
        throw Error(ir::node_prefix(n) + "reference produced " + std::to_string(out.size()) + " output(s), expected " +
                    std::to_string(n.outputs.size()));
    for (size_t i = 0; i < out.size(); ++i)
        if (out[i].type() != n.outputs[i].type || out[i].shape() != n.outputs[i].shape)
            throw Error(ir::node_prefix(n) + "reference output " + std::to_string(i) + " is " +
                        ir::to_string(out[i].type()) + ir::to_string(out[i].shape()) + ", inferred " +
                        ir::to_string(n.outputs[i].type) + ir::to_string(n.outputs[i].shape));
}

}  // namespace

std::vector<ir::Tensor> eval_node(const ir::Node& n, const std::vector<ir::Tensor>& in) {
    if (n.op == "Constant") {
        if (n.value.empty()) fail(n, "has no value");
        return {n.value};
    }
    if (n.op == "Parameter") {
        // The caller supplies the Parameter's value as its single input.
        expect_inputs(n, in, 1);
        const ir::TensorDesc& d = out_desc(n);
        if (in[0].type() != d.type || in[0].shape() != d.shape)
            fail(n, "given a " + std::string(ir::to_string(in[0].type())) + ir::to_string(in[0].shape()) +
                        " tensor, expects " + ir::to_string(d.type) + ir::to_string(d.shape));
        return {in[0]};
    }
    if (n.op == "Result") {
        expect_inputs(n, in, 1);
        return {in[0]};
    }
    auto it = kernel_table().find(n.op);
    if (it == kernel_table().end()) unsupported(n, "the reference executor has no kernel for this op");
    Tensors out = it->second(n, in);
    check_outputs(n, out);
    return out;
}

std::vector<ir::Tensor> run_graph(const ir::Graph& g, const std::vector<ir::Tensor>& inputs) {
    const std::vector<int> params = g.parameters();
    const std::vector<int> results = g.results();
    if (inputs.size() != params.size())
        throw ArgumentError("run_graph: the graph has " + std::to_string(params.size()) + " Parameter(s), got " +
                            std::to_string(inputs.size()) + " input tensor(s)");
    std::map<int, size_t> param_index;
    for (size_t i = 0; i < params.size(); ++i) param_index[params[i]] = i;

    // Readers left per node; a node's outputs are dropped when it reaches 0.
    std::vector<int> readers_left(g.size(), 0);
    for (const ir::Node& n : g.nodes())
        for (const ir::PortRef& p : n.inputs)
            if (p.node >= 0 && size_t(p.node) < g.size()) ++readers_left[size_t(p.node)];

    std::vector<Tensors> values(g.size());
    std::map<int, ir::Tensor> result_values;
    for (int id : g.topo_order()) {
        const ir::Node& n = g.node(id);
        Tensors in;
        if (n.op == "Parameter") {
            in.push_back(inputs[param_index.at(id)]);
        } else {
            for (const ir::PortRef& p : n.inputs) {
                const Tensors& src = values[size_t(p.node)];
                if (p.port < 0 || size_t(p.port) >= src.size())
                    fail(n, "reads port " + std::to_string(p.port) + " of '" + g.node(p.node).name +
                                "', which has no such output (was infer() run?)");
                in.push_back(src[size_t(p.port)]);
            }
        }
        Tensors out = eval_node(n, in);
        in.clear();
        for (const ir::PortRef& p : n.inputs)
            if (--readers_left[size_t(p.node)] == 0) values[size_t(p.node)].clear();
        if (n.op == "Result")
            result_values[id] = out.at(0);
        else
            values[size_t(id)] = std::move(out);
    }
    std::vector<ir::Tensor> outs;
    outs.reserve(results.size());
    for (int r : results) outs.push_back(result_values.at(r));
    return outs;
}

}  // namespace octet::kernels::ref
