// Convolution (grouped and depthwise included), MaxPool, AvgPool.
#include "ir/error.hpp"
#include "ir/ops/conv_geometry.hpp"
#include "ir/ops/infer_fns.hpp"

namespace octet::ir::infer {

using namespace opcheck;

// f32 x f32 -> f32 in a model file; u8/s8 data x s8 weights -> s32
// accumulators, the form the LPT produces before the epilogue is fused.
Outputs convolution(const Node& n, const Inputs& in) {
    expect_inputs(in, 2);
    const TensorDesc& data = in[0];
    const TensorDesc& weights = in[1];
    expect_rank(data, 4, "data");
    expect_rank(weights, 4, "weights ([OC, C/group, KH, KW])");
    ElemType out_type = ElemType::f32;
    if (data.type == ElemType::f32) {
        expect_type(weights, {ElemType::f32}, "weights (with f32 data)");
    } else {
        expect_type(data, {ElemType::f32, ElemType::u8, ElemType::s8}, "data");
        expect_type(weights, {ElemType::s8}, "weights (with int8 data)");
        out_type = ElemType::s32;
    }
    const int64_t group = n.attrs.get_int("group", 1);
    if (group < 1) throw ValidationError("attribute 'group' = " + std::to_string(group) + " must be positive");
    const int64_t channels = data.shape[1], oc = weights.shape[0];
    if (oc < 1) throw ValidationError("weights have no output channels: shape " + to_string(weights.shape));
    if (channels % group != 0)
        throw ValidationError("input channels " + std::to_string(channels) + " are not divisible by group " +
                              std::to_string(group));
    if (oc % group != 0)
        throw ValidationError("output channels " + std::to_string(oc) + " are not divisible by group " +
                              std::to_string(group));
    if (weights.shape[1] != channels / group)
        throw ValidationError("weights " + to_string(weights.shape) + " expect " + std::to_string(weights.shape[1]) +
                              " input channels per group, but data " + to_string(data.shape) + " with group " +
                              std::to_string(group) + " has " + std::to_string(channels / group));
    const Window2D w = conv_window(n, data.shape, weights.shape);
    return {{out_type, {data.shape[0], oc, w.oh, w.ow}}};
}

namespace {
Outputs pool(const Node& n, const Inputs& in) {
    expect_inputs(in, 1);
    expect_rank(in[0], 4, "data");
    expect_type(in[0], {ElemType::f32, ElemType::u8, ElemType::s8}, "data");
    const Window2D w = pool_window(n, in[0].shape);
    return {{in[0].type, {in[0].shape[0], in[0].shape[1], w.oh, w.ow}}};
}
}  // namespace

Outputs max_pool(const Node& n, const Inputs& in) { return pool(n, in); }

Outputs avg_pool(const Node& n, const Inputs& in) {
    n.attrs.get_bool("exclude_pad", false);  // type-checks the attribute
    return pool(n, in);
}

}  // namespace octet::ir::infer
