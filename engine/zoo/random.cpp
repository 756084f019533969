#include "engine/zoo/random.hpp"

#include <cmath>

#include "ir/error.hpp"

namespace octet::zoo {

void Rng::box_muller(float u1, float u2, float& z0, float& z1) {
    const float r = std::sqrt(-2.0f * std::log(u1));
    const float theta = 6.28318530717958647692f * u2;
    z0 = r * std::cos(theta);
    z1 = r * std::sin(theta);
}

float Rng::normal() {
    if (has_spare_) {
        has_spare_ = false;
        return spare_;
    }
    const float u1 = uniform();
    const float u2 = uniform();
    float z0;
    box_muller(u1, u2, z0, spare_);
    has_spare_ = true;
    return z0;
}

void Rng::fill_normal(ir::Tensor& t, float mean, float stddev) {
    // The same sequence as calling normal() numel times; the pairs are drawn
    // in a tight loop because weights are tens of millions of samples.
    float* p = t.data<float>();
    const int64_t n = t.numel();
    int64_t i = 0;
    if (has_spare_ && n > 0) p[i++] = normal(mean, stddev);
    for (; i + 1 < n; i += 2) {
        const float u1 = to_unit(uint32_t(gen_()));
        const float u2 = to_unit(uint32_t(gen_()));
        float z0, z1;
        box_muller(u1, u2, z0, z1);
        p[i] = mean + stddev * z0;
        p[i + 1] = mean + stddev * z1;
    }
    if (i < n) p[i] = normal(mean, stddev);
}

ir::Tensor normal_tensor(Rng& rng, const ir::Shape& shape, float mean, float stddev) {
    ir::Tensor t(ir::ElemType::f32, shape);
    rng.fill_normal(t, mean, stddev);
    return t;
}

}  // namespace octet::zoo
