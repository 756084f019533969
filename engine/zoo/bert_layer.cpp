// One BERT-base encoder layer (sequence 128, hidden 768, 12 heads of 64),
// post-LayerNorm as in the original model, no attention mask. LayerNorm is
// MVN(axes [2], eps 1e-12, inside_sqrt) x gamma + beta. Names follow the
// Hugging Face module paths: attention/self/query, ..., output/layer_norm.
#include "engine/zoo/models.hpp"

namespace octet::zoo {

namespace {

constexpr int64_t kSeq = 128, kHidden = 768, kHeads = 12, kHeadSize = 64, kFfn = 3072;
// Dense weights ~ N(0, 0.04^2): the spread of trained BERT-base projections
// (twice the 0.02 of its initializer), which makes attention neither uniform
// nor one-hot.
constexpr float kWeightStd = 0.04f, kBiasStd = 0.02f;

ir::Attributes matmul_attrs(bool transpose_b) {
    ir::Attributes a;
    a.set("transpose_a", ir::AttrValue(false));
    a.set("transpose_b", ir::AttrValue(transpose_b));
    return a;
}

ir::PortRef reshape(ModelBuilder& b, const std::string& name, ir::PortRef x, std::vector<int64_t> shape) {
    ir::Attributes a;
    a.set("shape", std::move(shape));
    a.set("special_zero", ir::AttrValue(true));
    return b.op("Reshape", name, {x}, a);
}

ir::PortRef transpose(ModelBuilder& b, const std::string& name, ir::PortRef x, std::vector<int64_t> order) {
    ir::Attributes a;
    a.set("order", std::move(order));
    return b.op("Transpose", name, {x}, a);
}

// [1, S, 768] -> [1, 12, S, 64]
ir::PortRef split_heads(ModelBuilder& b, const std::string& name, ir::PortRef x) {
    return transpose(b, name + "/transpose", reshape(b, name + "/reshape", x, {0, 0, kHeads, kHeadSize}), {0, 2, 1, 3});
}

ir::PortRef layer_norm(ModelBuilder& b, const std::string& name, ir::PortRef x) {
    ir::Attributes mvn;
    mvn.set("axes", std::vector<int64_t>{2});
    mvn.set("normalize_variance", ir::AttrValue(true));
    mvn.set("eps", ir::AttrValue(1e-12));
    mvn.set("eps_mode", "inside_sqrt");
    ir::PortRef y = b.op("MVN", name + "/mvn", {x}, mvn);
    ir::PortRef gamma = b.constant(name + "/gamma", normal_tensor(b.rng(), {kHidden}, 1.f, 0.1f));
    y = b.op("Multiply", name + "/scale", {y, gamma});
    ir::PortRef beta = b.constant(name + "/beta", normal_tensor(b.rng(), {kHidden}, 0.f, 0.05f));
    return b.op("Add", name, {y, beta});
}

}  // namespace

BuiltModel build_bert_layer() {
    ModelBuilder b(768);
    ir::PortRef x = b.input("hidden_states", {1, kSeq, kHidden});

    ir::PortRef q = b.linear("attention/self/query", x, kHidden, kWeightStd, kBiasStd, {kHidden});
    ir::PortRef k = b.linear("attention/self/key", x, kHidden, kWeightStd, kBiasStd, {kHidden});
    ir::PortRef v = b.linear("attention/self/value", x, kHidden, kWeightStd, kBiasStd, {kHidden});
    q = split_heads(b, "attention/self/query", q);
    k = split_heads(b, "attention/self/key", k);
    v = split_heads(b, "attention/self/value", v);

    ir::PortRef scores = b.op("MatMul", "attention/self/scores", {q, k}, matmul_attrs(true));
    ir::Tensor scale(ir::ElemType::f32, {1});
    scale.data<float>()[0] = 0.125f;  // 1/sqrt(head size)
    scores = b.op("Multiply", "attention/self/scale", {scores, b.constant("attention/self/scale_value", scale)});
    ir::Attributes softmax;
    softmax.set("axis", ir::AttrValue(int64_t(3)));
    ir::PortRef probs = b.op("Softmax", "attention/self/probs", {scores}, softmax);
    ir::PortRef context = b.op("MatMul", "attention/self/context", {probs, v}, matmul_attrs(false));
    context = transpose(b, "attention/self/context/transpose", context, {0, 2, 1, 3});
    context = reshape(b, "attention/self/context/reshape", context, {0, 0, kHidden});

    ir::PortRef attn = b.linear("attention/output/dense", context, kHidden, kWeightStd, kBiasStd, {kHidden});
    attn = b.op("Add", "attention/output/residual", {attn, x});
    attn = layer_norm(b, "attention/output/layer_norm", attn);

    ir::PortRef h = b.linear("intermediate/dense", attn, kFfn, kWeightStd, kBiasStd, {kFfn});
    ir::Attributes gelu;
    gelu.set("approximation_mode", "erf");
    h = b.op("Gelu", "intermediate/gelu", {h}, gelu);
    h = b.linear("output/dense", h, kHidden, kWeightStd, kBiasStd, {kHidden});
    h = b.op("Add", "output/residual", {h, attn});
    h = layer_norm(b, "output/layer_norm", h);
    b.result("output", h);
    return b.finish();
}

}  // namespace octet::zoo
