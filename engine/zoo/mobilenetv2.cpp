// MobileNetV2, width 1.0 (torchvision's layout): ReLU6 is Clamp(0, 6), the
// depthwise convolutions are Convolution with group = channels, and the
// residual Adds have no activation. Names follow the Keras model:
// conv1, expanded_conv_depthwise, block_1_expand, block_2_add, ..., conv_last, predictions.
#include <cmath>

#include "engine/zoo/models.hpp"

namespace octet::zoo {

namespace {

constexpr int64_t kImage = 224;

struct StageSetting {
    int64_t expansion, channels, repeats, stride;
};

ir::PortRef relu6(ModelBuilder& b, const std::string& name, ir::PortRef x) { return b.clamp(name, x, 0.f, 6.f); }

ir::PortRef inverted_residual(ModelBuilder& b, int block, ir::PortRef x, int64_t expansion, int64_t out,
                              int64_t stride) {
    const std::string name = block == 0 ? "expanded_conv" : "block_" + std::to_string(block);
    const int64_t in = b.channels(x);
    const int64_t hidden = in * expansion;
    ir::PortRef y = x;
    if (expansion != 1) y = relu6(b, name + "_expand_relu", b.conv_bn({name + "_expand", hidden, 1, 1, 0}, y));
    y = relu6(b, name + "_depthwise_relu", b.conv_bn({name + "_depthwise", hidden, 3, stride, 1, hidden}, y));
    const bool residual = stride == 1 && in == out;
    ConvSpec project{name + "_project", out, 1, 1, 0};
    // As in ResNet-50 (resnet50.cpp): a residual branch's last BatchNorm has
    // small gammas, so the block stays close to the identity.
    if (residual) project.gamma_mean = 0.3f;
    y = b.conv_bn(project, y);
    if (residual) y = b.op("Add", name + "_add", {x, y});
    return y;
}

}  // namespace

BuiltModel build_mobilenetv2() {
    ModelBuilder b(2);
    ir::PortRef x = b.input("data", {1, 3, kImage, kImage});
    x = relu6(b, "conv1_relu", b.conv_bn({"conv1", 32, 3, 2, 1}, x));

    const StageSetting settings[] = {{1, 16, 1, 1},  {6, 24, 2, 2},  {6, 32, 3, 2},  {6, 64, 4, 2},
                                     {6, 96, 3, 1},  {6, 160, 3, 2}, {6, 320, 1, 1}};
    int block = 0;
    for (const StageSetting& s : settings)
        for (int64_t i = 0; i < s.repeats; ++i)
            x = inverted_residual(b, block++, x, s.expansion, s.channels, i == 0 ? s.stride : 1);

    x = relu6(b, "conv_last_relu", b.conv_bn({"conv_last", 1280, 1, 1, 0}, x));
    x = b.classifier("global_average_pooling", "predictions", x);
    b.result("output", x);
    return b.finish();
}

}  // namespace octet::zoo
