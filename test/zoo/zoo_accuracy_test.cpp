// The accuracy test of issue 2: each int8 zoo model, run on the f32 reference
// path (its FakeQuantize nodes evaluated as such), agrees with its f32 model
// to within what quantization explains.
//
// For the classifiers we compare the logits (the Softmax's input, tapped with
// an extra Result): the softmax of 1000 classes is dominated by its few largest
// entries, so its cosine hides errors that the logits show. Top-5 overlap is
// the same on logits and probabilities (Softmax is monotonic). The softmax
// cosine is printed as well.
//
// Bounds, with the numbers measured when they were set (seeds 1001-1003):
//   resnet50     logits cosine >= 0.995 (measured 0.9981-0.9985), top-5 >= 4/5 (4-5)
//   mobilenetv2  logits cosine >= 0.97  (measured 0.981-0.983),   top-5 >= 3/5 (3-4)
//   bert-layer   output cosine >= 0.999 (measured 0.99970)
// MobileNetV2 is the more sensitive network, as it is with trained weights
// (per-tensor activations through depthwise layers and no identity path in
// 7 of its 17 blocks): a close 5th/6th class may swap.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

#include "engine/zoo/random.hpp"
#include "engine/zoo/zoo.hpp"
#include "kernels/ref/ref.hpp"

using namespace octet;

namespace {

double dot(const ir::Tensor& a, const ir::Tensor& b) {
    const float* x = a.data<float>();
    const float* y = b.data<float>();
    double s = 0;
    for (int64_t i = 0; i < a.numel(); ++i) s += double(x[i]) * y[i];
    return s;
}

double cosine(const ir::Tensor& a, const ir::Tensor& b) {
    REQUIRE(a.shape() == b.shape());
    const float* x = a.data<float>();
    const float* y = b.data<float>();
    double xy = 0, xx = 0, yy = 0;
    for (int64_t i = 0; i < a.numel(); ++i) {
        xy += double(x[i]) * y[i];
        xx += double(x[i]) * x[i];
        yy += double(y[i]) * y[i];
    }
    return xy / std::sqrt(xx * yy);
}

std::vector<int64_t> top_k(const ir::Tensor& t, size_t k) {
    std::vector<int64_t> idx(static_cast<size_t>(t.numel()));
    std::iota(idx.begin(), idx.end(), 0);
    const float* p = t.data<float>();
    std::partial_sort(idx.begin(), idx.begin() + long(k), idx.end(), [p](int64_t a, int64_t b) { return p[a] > p[b]; });
    idx.resize(k);
    return idx;
}

int overlap(std::vector<int64_t> a, std::vector<int64_t> b) {
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    std::vector<int64_t> common;
    std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(common));
    return int(common.size());
}

// Adds a second Result, "logits", reading the Softmax's input.
ir::Graph with_logits(ir::Graph g) {
    const int softmax = g.find("prob");
    REQUIRE(softmax >= 0);
    g.result("logits", g.node(softmax).inputs.at(0));
    g.infer();
    return g;
}

ir::Tensor seeded_input(const ir::Graph& g, uint32_t seed) {
    zoo::Rng rng(seed);
    return zoo::normal_tensor(rng, g.node(g.parameters().at(0)).outputs.at(0).shape, 0.f, 1.f);
}

struct Bounds {
    double min_cosine;
    int min_top5;  // 0: not a classifier
};

void check_accuracy(const std::string& base, const Bounds& bounds) {
    const auto start = std::chrono::steady_clock::now();
    ir::Graph f32 = zoo::make_model(base);
    ir::Graph int8 = zoo::make_model(base + "-int8");
    const bool classifier = bounds.min_top5 > 0;
    if (classifier) {
        f32 = with_logits(std::move(f32));
        int8 = with_logits(std::move(int8));
    }
    for (uint32_t seed : {1001u, 1002u, 1003u}) {
        const ir::Tensor input = seeded_input(f32, seed);
        const std::vector<ir::Tensor> ref = kernels::ref::run_graph(f32, {input});
        const std::vector<ir::Tensor> q = kernels::ref::run_graph(int8, {input});
        // Compared tensor: the logits for a classifier, the output otherwise.
        const size_t compared = classifier ? 1 : 0;
        const double cos = cosine(ref.at(compared), q.at(compared));
        if (classifier) {
            const int top5 = overlap(top_k(ref[1], 5), top_k(q[1], 5));
            const int top1 = top_k(ref[1], 1) == top_k(q[1], 1);
            WARN(base << " vs " << base << "-int8, input seed " << seed << ": logits cosine " << cos
                      << ", softmax cosine " << cosine(ref[0], q[0]) << ", top-5 overlap " << top5
                      << "/5, top-1 " << (top1 ? "same" : "differs"));
            CHECK(top5 >= bounds.min_top5);
            // Trained-like value ranges: the f32 logits neither vanish nor blow up
            // through the depth (they did when BatchNorm statistics were taken
            // at another resolution than the model's).
            const double rms = std::sqrt(dot(ref[1], ref[1]) / double(ref[1].numel()));
            CHECK(rms > 0.1);
            CHECK(rms < 10.0);
        } else {
            WARN(base << " vs " << base << "-int8, input seed " << seed << ": output cosine " << cos);
        }
        CHECK(cos >= bounds.min_cosine);
    }
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    WARN(base << " accuracy check: " << s << " s");
}

}  // namespace

TEST_CASE("zoo accuracy: resnet50-int8 agrees with resnet50", "[zoo][accuracy]") {
    check_accuracy("resnet50", {0.995, 4});
}

TEST_CASE("zoo accuracy: mobilenetv2-int8 agrees with mobilenetv2", "[zoo][accuracy]") {
    check_accuracy("mobilenetv2", {0.97, 3});
}

TEST_CASE("zoo accuracy: bert-layer-int8 agrees with bert-layer", "[zoo][accuracy]") {
    check_accuracy("bert-layer", {0.999, 0});
}
