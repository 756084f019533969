// ResNet-50 v1.5 (torchvision's): the stride of a downsampling bottleneck sits
// on its 3x3 convolution; 53 convolutions including the 4 projection shortcuts.
// Names follow the original Caffe model: conv1, res2a_branch2a, ..., fc1000, prob.
#include <cmath>

#include "engine/zoo/models.hpp"

namespace octet::zoo {

namespace {

constexpr int64_t kImage = 224;

ir::PortRef bottleneck(ModelBuilder& b, const std::string& name, ir::PortRef x, int64_t mid, int64_t stride,
                       bool project) {
    const int64_t out = mid * 4;
    ir::PortRef shortcut = x;
    if (project) shortcut = b.conv_bn({name + "_branch1", out, 1, stride, 0}, x);
    ir::PortRef y = b.relu(name + "_branch2a_relu", b.conv_bn({name + "_branch2a", mid, 1, 1, 0}, x));
    y = b.relu(name + "_branch2b_relu", b.conv_bn({name + "_branch2b", mid, 3, stride, 1}, y));
    // The last BatchNorm of a residual branch has small gammas in trained
    // ResNets (its zero-initialized gamma grows little): blocks stay close to
    // the identity, which keeps the network from amplifying small errors the
    // way a random BatchNorm network does.
    ConvSpec last{name + "_branch2c", out, 1, 1, 0};
    last.gamma_mean = 0.3f;
    y = b.conv_bn(last, y);
    return b.relu(name + "_relu", b.op("Add", name, {y, shortcut}));
}

}  // namespace

BuiltModel build_resnet50() {
    ModelBuilder b(50);
    ir::PortRef x = b.input("data", {1, 3, kImage, kImage});
    x = b.relu("conv1_relu", b.conv_bn({"conv1", 64, 7, 2, 3}, x));
    ir::Attributes pool;
    pool.set("kernel", std::vector<int64_t>{3, 3});
    pool.set("strides", std::vector<int64_t>{2, 2});
    pool.set("pads_begin", std::vector<int64_t>{1, 1});
    pool.set("pads_end", std::vector<int64_t>{1, 1});
    pool.set("rounding_type", "floor");
    pool.set("auto_pad", "explicit");
    x = b.op("MaxPool", "pool1", {x}, pool);

    const int64_t blocks[] = {3, 4, 6, 3};
    for (int stage = 0; stage < 4; ++stage) {
        const int64_t mid = int64_t(64) << stage;
        for (int64_t i = 0; i < blocks[stage]; ++i) {
            const std::string name = "res" + std::to_string(stage + 2) + char('a' + i);
            const int64_t stride = (i == 0 && stage > 0) ? 2 : 1;
            x = bottleneck(b, name, x, mid, stride, i == 0);
        }
    }

    x = b.classifier("pool5", "fc1000", x);
    b.result("output", x);
    return b.finish();
}

}  // namespace octet::zoo
