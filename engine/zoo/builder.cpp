#include "engine/zoo/builder.hpp"

#include <algorithm>
#include <cmath>

#include "ir/error.hpp"
#include "ir/ops.hpp"
#include "kernels/ref/ref.hpp"

namespace octet::zoo {

namespace {

ir::TensorDesc desc_of(const ir::Tensor& t) { return {t.type(), t.shape()}; }

// Evaluates `node` (whose outputs are not set yet) on calibration tensors.
ir::Tensor evaluate(ir::Node node, const std::vector<ir::Tensor>& inputs) {
    std::vector<ir::TensorDesc> descs;
    descs.reserve(inputs.size());
    for (const ir::Tensor& t : inputs) descs.push_back(desc_of(t));
    try {
        node.outputs = ir::infer_outputs(node, descs);
    } catch (const Error& e) {
        throw ValidationError(ir::node_prefix(node) + "calibration run: " + e.what());
    }
    std::vector<ir::Tensor> out = kernels::ref::eval_node(node, inputs);
    return out.at(0);
}

TensorStats range_of(const ir::Tensor& t) {
    TensorStats s;
    if (t.type() != ir::ElemType::f32 || t.numel() == 0) return s;
    const float* p = t.data<float>();
    s.min = s.max = p[0];
    for (int64_t i = 1; i < t.numel(); ++i) {
        s.min = std::min(s.min, p[i]);
        s.max = std::max(s.max, p[i]);
    }
    return s;
}

}  // namespace

ir::PortRef ModelBuilder::append(ir::Node node, ir::Tensor calib_value) {
    const int index = graph_.add_node(std::move(node));
    values_.push_back(std::move(calib_value));
    return {index, 0};
}

ir::PortRef ModelBuilder::input(const std::string& name, const ir::Shape& shape) {
    ir::Node n;
    n.name = name;
    n.op = "Parameter";
    n.attrs.set("element_type", std::string(ir::to_string(ir::ElemType::f32)));
    n.attrs.set("shape", shape);
    return append(std::move(n), normal_tensor(rng_, shape, 0.f, 1.f));
}

ir::PortRef ModelBuilder::constant(const std::string& name, ir::Tensor value) {
    ir::Node n;
    n.name = name;
    n.op = "Constant";
    n.value = value;
    return append(std::move(n), std::move(value));
}

ir::PortRef ModelBuilder::op(const std::string& op, const std::string& name, std::vector<ir::PortRef> inputs,
                             ir::Attributes attrs) {
    ir::Node n;
    n.name = name;
    n.op = op;
    n.inputs = std::move(inputs);
    n.attrs = std::move(attrs);
    std::vector<ir::Tensor> in;
    in.reserve(n.inputs.size());
    for (const ir::PortRef& p : n.inputs) in.push_back(value(p));
    ir::Tensor out = evaluate(n, in);
    return append(std::move(n), std::move(out));
}

void ModelBuilder::result(const std::string& name, ir::PortRef input) {
    ir::Node n;
    n.name = name;
    n.op = "Result";
    n.inputs = {input};
    append(std::move(n), ir::Tensor());
}

const ir::Tensor& ModelBuilder::value(ir::PortRef p) const {
    if (p.node < 0 || size_t(p.node) >= values_.size() || p.port != 0 || values_[size_t(p.node)].empty())
        throw ArgumentError("zoo builder: no calibration value for node #" + std::to_string(p.node) + " port " +
                            std::to_string(p.port));
    return values_[size_t(p.node)];
}

ir::PortRef ModelBuilder::conv_bn(const ConvSpec& s, ir::PortRef x) {
    const int64_t in_channels = channels(x);
    if (s.group < 1 || in_channels % s.group != 0 || s.out_channels % s.group != 0)
        throw ArgumentError("zoo conv '" + s.name + "': group " + std::to_string(s.group) +
                            " does not divide the channels");
    const int64_t fan_in = in_channels / s.group * s.kernel * s.kernel;
    ir::Tensor w = normal_tensor(rng_, {s.out_channels, in_channels / s.group, s.kernel, s.kernel}, 0.f,
                                 std::sqrt(2.f / float(fan_in)));  // Kaiming normal (ReLU gain)

    ir::Attributes attrs;
    attrs.set("strides", std::vector<int64_t>{s.stride, s.stride});
    attrs.set("dilations", std::vector<int64_t>{1, 1});
    attrs.set("pads_begin", std::vector<int64_t>{s.pad, s.pad});
    attrs.set("pads_end", std::vector<int64_t>{s.pad, s.pad});
    attrs.set("auto_pad", "explicit");
    attrs.set("group", ir::AttrValue(s.group));

    ir::Node conv;
    conv.name = s.name;
    conv.op = "Convolution";
    conv.attrs = attrs;
    // The unfolded convolution on the calibration input gives the batch
    // statistics a BatchNorm would have learned.
    ir::Tensor y = evaluate(conv, {value(x), w});

    const int64_t oc_count = s.out_channels;
    const int64_t per_channel = y.numel() / (y.shape()[0] * oc_count);
    const int64_t batch = y.shape()[0];
    const size_t oc_size = static_cast<size_t>(oc_count);
    std::vector<float> scale(oc_size), shift(oc_size);
    std::vector<double> mean(oc_size), var(oc_size);
    const float* py = y.data<float>();
    for (int64_t c = 0; c < oc_count; ++c) {
        double sum = 0, sq = 0;
        for (int64_t b = 0; b < batch; ++b) {
            const float* p = py + (b * oc_count + c) * per_channel;
            for (int64_t i = 0; i < per_channel; ++i) {
                sum += p[i];
                sq += double(p[i]) * p[i];
            }
        }
        const double count = double(batch * per_channel);
        mean[size_t(c)] = sum / count;
        var[size_t(c)] = std::max(0.0, sq / count - mean[size_t(c)] * mean[size_t(c)]);
    }
    std::vector<float> gamma(oc_size), beta(oc_size);
    for (float& g : gamma) g = rng_.normal(s.gamma_mean, s.gamma_std);
    for (float& b : beta) b = rng_.normal(0.f, s.beta_std);
    for (int64_t c = 0; c < oc_count; ++c) {
        const double inv_std = 1.0 / std::sqrt(var[size_t(c)] + 1e-5);  // BatchNorm's eps
        scale[size_t(c)] = float(gamma[size_t(c)] * inv_std);
        shift[size_t(c)] = float(beta[size_t(c)] - mean[size_t(c)] * gamma[size_t(c)] * inv_std);
    }

    // Fold: w' = w * scale[oc]; the convolution is linear, so its calibration
    // output is y * scale[oc] (no second run needed).
    const int64_t w_per_oc = w.numel() / oc_count;
    float* pw = w.data<float>();
    for (int64_t c = 0; c < oc_count; ++c)
        for (int64_t i = 0; i < w_per_oc; ++i) pw[c * w_per_oc + i] *= scale[size_t(c)];
    float* pyw = y.data<float>();
    for (int64_t b = 0; b < batch; ++b)
        for (int64_t c = 0; c < oc_count; ++c) {
            float* p = pyw + (b * oc_count + c) * per_channel;
            for (int64_t i = 0; i < per_channel; ++i) p[i] *= scale[size_t(c)];
        }

    ir::PortRef weights = constant(s.name + "/weights", w);
    conv.inputs = {x, weights};
    ir::PortRef out = append(std::move(conv), std::move(y));
    ir::Tensor bias(ir::ElemType::f32, {1, oc_count, 1, 1});
    std::copy(shift.begin(), shift.end(), bias.data<float>());
    ir::PortRef b = constant(s.name + "/bias_value", bias);
    return op("Add", s.name + "/bias", {out, b});
}

ir::PortRef ModelBuilder::linear(const std::string& name, ir::PortRef x, int64_t out_features, float weight_std,
                                 float bias_std, const ir::Shape& bias_shape) {
    const ir::Shape& xs = value(x).shape();
    const int64_t in_features = xs.back();
    ir::PortRef w = constant(name + "/weights", normal_tensor(rng_, {out_features, in_features}, 0.f, weight_std));
    ir::Attributes attrs;
    attrs.set("transpose_a", ir::AttrValue(false));
    attrs.set("transpose_b", ir::AttrValue(true));
    ir::PortRef mm = op("MatMul", name, {x, w}, attrs);
    ir::PortRef b = constant(name + "/bias_value", normal_tensor(rng_, bias_shape, 0.f, bias_std));
    return op("Add", name + "/bias", {mm, b});
}

ir::PortRef ModelBuilder::relu(const std::string& name, ir::PortRef x) { return op("Relu", name, {x}); }

ir::PortRef ModelBuilder::clamp(const std::string& name, ir::PortRef x, float lo, float hi) {
    ir::Attributes attrs;
    attrs.set("min", ir::AttrValue(double(lo)));
    attrs.set("max", ir::AttrValue(double(hi)));
    return op("Clamp", name, {x}, attrs);
}

ir::PortRef ModelBuilder::global_avg_pool(const std::string& name, ir::PortRef x) {
    const ir::Shape& s = value(x).shape();
    ir::Attributes a;
    a.set("kernel", std::vector<int64_t>{s.at(2), s.at(3)});
    a.set("strides", std::vector<int64_t>{1, 1});
    a.set("pads_begin", std::vector<int64_t>{0, 0});
    a.set("pads_end", std::vector<int64_t>{0, 0});
    a.set("rounding_type", "floor");
    a.set("auto_pad", "explicit");
    a.set("exclude_pad", ir::AttrValue(true));
    return op("AvgPool", name, {x}, a);
}

BuiltModel ModelBuilder::finish() {
    BuiltModel m;
    m.graph = std::move(graph_);
    m.graph.infer();
    m.stats.reserve(values_.size());
    for (size_t i = 0; i < values_.size(); ++i)
        m.stats.push_back(m.graph.node(int(i)).op == "Constant" ? TensorStats{} : range_of(values_[i]));
    values_.clear();
    graph_ = ir::Graph();
    return m;
}

ir::PortRef ModelBuilder::classifier(const std::string& pool, const std::string& fc, ir::PortRef x) {
    const int64_t c = channels(x);
    x = global_avg_pool(pool, x);
    ir::Attributes flat;
    flat.set("shape", std::vector<int64_t>{1, c});
    x = op("Reshape", "flatten", {x}, flat);
    x = linear(fc, x, 1000, std::sqrt(2.f / float(c)), 0.01f, {1, 1000});
    ir::Attributes softmax;
    softmax.set("axis", ir::AttrValue(int64_t(1)));
    return op("Softmax", "prob", {x}, softmax);
}

}  // namespace octet::zoo
