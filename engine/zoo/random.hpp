#pragma once
// The zoo's random numbers: std::mt19937 (whose output the standard fixes) and
// our own Box-Muller normals, because std::normal_distribution's output is
// implementation-defined and the zoo must give the same bytes everywhere.
#include <cstdint>
#include <random>

#include "ir/tensor.hpp"

namespace octet::zoo {

class Rng {
public:
    explicit Rng(uint32_t seed) : gen_(seed) {}

    // Uniform in the open interval (0, 1), from the top 24 bits of one draw.
    float uniform() { return to_unit(uint32_t(gen_())); }
    // Standard normal, Box-Muller; each pair of uniforms gives two samples.
    float normal();
    float normal(float mean, float stddev) { return mean + stddev * normal(); }
    // Fills an f32 tensor with N(mean, stddev^2) samples in memory order.
    void fill_normal(ir::Tensor& t, float mean, float stddev);

private:
    // (k + 0.5) / 2^24 with k the top 24 bits: never 0 or 1, so log() is finite.
    static float to_unit(uint32_t bits) { return (float(bits >> 8) + 0.5f) * (1.0f / 16777216.0f); }
    // One Box-Muller pair from two uniforms.
    static void box_muller(float u1, float u2, float& z0, float& z1);

    std::mt19937 gen_;
    bool has_spare_ = false;
    float spare_ = 0.f;
};

// An f32 tensor of the given shape filled with N(mean, stddev^2).
ir::Tensor normal_tensor(Rng& rng, const ir::Shape& shape, float mean, float stddev);

}  // namespace octet::zoo
