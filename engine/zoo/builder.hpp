#pragma once
// ModelBuilder: builds a zoo graph and, node by node while it grows, runs it in
// f32 on a seeded calibration input (kernels::ref::eval_node). The running
// values are what make the weights "trained-like": every convolution's
// BatchNorm is folded from the per-channel statistics its output really has,
// and they give the activation ranges the FakeQuantize pass
// (engine/zoo/quantize.hpp) places.
//
// The calibration input has the model's own shape: statistics taken on a
// smaller image do not carry over, because zero padding weighs far more on
// the small deep feature maps (a 64x64 image leaves ResNet-50 2x2 maps, and
// the BatchNorms folded from them made the 224x224 activations blow up a
// thousandfold).
#include <cstdint>
#include <string>
#include <vector>

#include "engine/zoo/random.hpp"
#include "ir/graph.hpp"

namespace octet::zoo {

// Range of a node's output (port 0) over the calibration run.
struct TensorStats {
    float min = 0.f;
    float max = 0.f;
};

// A finished f32 model: the inferred graph and, per node index, the
// calibration statistics of its output (zeros for Constant and Result).
struct BuiltModel {
    ir::Graph graph;
    std::vector<TensorStats> stats;
};

struct ConvSpec {
    std::string name;
    int64_t out_channels = 0;
    int64_t kernel = 1;
    int64_t stride = 1;
    int64_t pad = 0;
    int64_t group = 1;
    // The BatchNorm folded into the convolution: gamma ~ N(gamma_mean, gamma_std),
    // beta ~ N(0, beta_std).
    float gamma_mean = 1.f;
    float gamma_std = 0.1f;
    float beta_std = 0.1f;
};

class ModelBuilder {
public:
    explicit ModelBuilder(uint32_t seed) : rng_(seed) {}

    Rng& rng() { return rng_; }

    // The network input: an f32 Parameter of `shape`; the calibration run feeds
    // it N(0,1) samples.
    ir::PortRef input(const std::string& name, const ir::Shape& shape);
    ir::PortRef constant(const std::string& name, ir::Tensor value);
    // Adds a node and evaluates it on the calibration values of its inputs.
    ir::PortRef op(const std::string& op, const std::string& name, std::vector<ir::PortRef> inputs,
                   ir::Attributes attrs = {});
    void result(const std::string& name, ir::PortRef input);

    // The calibration value of a node's output.
    const ir::Tensor& value(ir::PortRef p) const;
    int64_t channels(ir::PortRef p) const { return value(p).shape().at(1); }

    // Convolution (Kaiming-normal weights, no bias) with a BatchNorm folded in:
    // the weights are scaled per output channel and the bias Add carries
    // beta - mean * gamma / std. Returns the bias Add's output.
    ir::PortRef conv_bn(const ConvSpec& spec, ir::PortRef x);
    // x [.., K] -> MatMul with a constant [N, K] weight (transpose_b) + Add of
    // a bias; both drawn N(0, std^2). `bias_shape` is [N] or e.g. [1, N].
    ir::PortRef linear(const std::string& name, ir::PortRef x, int64_t out_features, float weight_std,
                       float bias_std, const ir::Shape& bias_shape);
    ir::PortRef relu(const std::string& name, ir::PortRef x);
    ir::PortRef clamp(const std::string& name, ir::PortRef x, float lo, float hi);
    // Global average pool of an NCHW tensor: AvgPool with a kernel of its spatial size.
    ir::PortRef global_avg_pool(const std::string& name, ir::PortRef x);
    // The ImageNet head both CNNs share: global average pool `pool`, flatten to
    // [1, C], fully connected `fc` to 1000 classes (Kaiming std), Softmax "prob".
    ir::PortRef classifier(const std::string& pool, const std::string& fc, ir::PortRef x);

    // Infers the graph (checking every node) and hands it over with the statistics.
    BuiltModel finish();

private:
    // Appends a node whose calibration value is already known.
    ir::PortRef append(ir::Node node, ir::Tensor calib_value);

    Rng rng_;
    ir::Graph graph_;
    std::vector<ir::Tensor> values_;  // per node: calibration value of port 0
};

}  // namespace octet::zoo
