#include "engine/zoo/quantize.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>

#include "ir/error.hpp"

namespace octet::zoo {

namespace {

ir::Tensor filled(const ir::Shape& shape, const std::vector<float>& values) {
    ir::Tensor t(ir::ElemType::f32, shape);
    std::copy(values.begin(), values.end(), t.data<float>());
    return t;
}

// Appends a FakeQuantize of `x` with its four range constants to `g`.
ir::PortRef add_fake_quantize(ir::Graph& g, const std::string& name, ir::PortRef x, const ir::Tensor& low,
                              const ir::Tensor& high, int64_t levels) {
    ir::PortRef il = g.constant(name + "/input_low", low);
    ir::PortRef ih = g.constant(name + "/input_high", high);
    ir::PortRef ol = g.constant(name + "/output_low", low.clone());
    ir::PortRef oh = g.constant(name + "/output_high", high.clone());
    ir::Attributes attrs;
    attrs.set("levels", ir::AttrValue(levels));
    return g.add("FakeQuantize", name, {x, il, ih, ol, oh}, attrs);
}

// Per-output-channel symmetric ranges of a weight constant read by `consumer`.
std::pair<ir::Tensor, ir::Tensor> weight_ranges(const ir::Node& consumer, const ir::Tensor& w) {
    const ir::Shape& s = w.shape();
    const float* p = w.data<float>();
    std::vector<float> absmax;
    ir::Shape range_shape;
    if (consumer.op == "Convolution") {
        const int64_t oc = s.at(0), per = w.numel() / oc;
        absmax.assign(size_t(oc), 0.f);
        for (int64_t c = 0; c < oc; ++c)
            for (int64_t i = 0; i < per; ++i) absmax[size_t(c)] = std::max(absmax[size_t(c)], std::fabs(p[c * per + i]));
        range_shape = {oc, 1, 1, 1};
    } else {  // MatMul, B operand
        if (s.size() != 2)
            throw UnsupportedError(ir::node_prefix(consumer) + "zoo quantization handles rank-2 MatMul weights, got " +
                                   ir::to_string(s));
        const bool transposed = consumer.attrs.get_bool("transpose_b", false);
        const int64_t rows = s[0], cols = s[1];
        const int64_t n = transposed ? rows : cols;
        absmax.assign(size_t(n), 0.f);
        for (int64_t r = 0; r < rows; ++r)
            for (int64_t c = 0; c < cols; ++c) {
                float& m = absmax[size_t(transposed ? r : c)];
                m = std::max(m, std::fabs(p[r * cols + c]));
            }
        range_shape = transposed ? ir::Shape{n, 1} : ir::Shape{1, n};
    }
    std::vector<float> neg(absmax.size());
    for (size_t i = 0; i < absmax.size(); ++i) neg[i] = -absmax[i];
    return {filled(range_shape, neg), filled(range_shape, absmax)};
}

// Per-tensor activation ranges from the calibration statistics.
std::pair<ir::Tensor, ir::Tensor> activation_ranges(const TensorStats& st, size_t rank) {
    const ir::Shape shape(rank, 1);
    const float tiny = 1e-6f;  // a tensor that was all zeros still gets a valid range
    if (st.min >= 0.f) return {filled(shape, {0.f}), filled(shape, {std::max(st.max, tiny)})};
    const float a = std::max(std::max(-st.min, st.max), tiny);
    return {filled(shape, {-a}), filled(shape, {a * 127.f / 128.f})};
}

}  // namespace

ir::Graph insert_fake_quantize(const BuiltModel& model, const QuantizePolicy& policy) {
    const ir::Graph& src = model.graph;
    ir::Graph out;
    std::vector<int> remap(src.size(), -1);
    std::map<std::pair<int, int>, ir::PortRef> activation_fq;  // source port -> its FakeQuantize

    auto mapped = [&](ir::PortRef p) {
        const int n = remap.at(size_t(p.node));
        if (n < 0) throw ArgumentError("zoo quantization: node '" + src.node(p.node).name + "' is read before it is built");
        return ir::PortRef{n, p.port};
    };
    auto quantize_activation = [&](const ir::Node& consumer, size_t k) {
        const ir::PortRef p = consumer.inputs[k];
        auto it = activation_fq.find({p.node, p.port});
        if (it != activation_fq.end()) return it->second;
        const auto ranges =
            activation_ranges(model.stats.at(size_t(p.node)), src.desc(p).shape.size());
        ir::PortRef fq = add_fake_quantize(out, consumer.name + "/fq_input_" + std::to_string(k), mapped(p),
                                           ranges.first, ranges.second, 256);
        activation_fq.emplace(std::make_pair(p.node, p.port), fq);
        return fq;
    };

    // The builder lists every node after its inputs, so one pass in that order
    // keeps the graph readable and puts each FakeQuantize right before its
    // first consumer.
    for (int i = 0; i < int(src.size()); ++i) {
        ir::Node n = src.node(i);
        auto is_constant = [&](const ir::PortRef& p) { return src.node(p.node).op == "Constant"; };
        const bool weighted = n.op == "Convolution" || n.op == "MatMul";
        const bool residual = policy.residual_adds && n.op == "Add" && n.inputs.size() == 2 &&
                              !is_constant(n.inputs[0]) && !is_constant(n.inputs[1]);
        const bool pooled = policy.avg_pool_inputs && n.op == "AvgPool";
        std::vector<ir::PortRef> inputs;
        for (size_t k = 0; k < n.inputs.size(); ++k) {
            const ir::PortRef p = n.inputs[k];
            if (weighted && is_constant(p)) {
                const auto ranges = weight_ranges(n, src.node(p.node).value);
                inputs.push_back(add_fake_quantize(out, n.name + "/fq_weights_" + std::to_string(k), mapped(p),
                                                   ranges.first, ranges.second, 255));
            } else if (weighted || residual || pooled) {
                inputs.push_back(quantize_activation(n, k));
            } else {
                inputs.push_back(mapped(p));
            }
        }
        n.inputs = std::move(inputs);
        n.outputs.clear();
        remap[size_t(i)] = out.add_node(std::move(n));
    }
    out.infer();
    return out;
}

}  // namespace octet::zoo
