#pragma once
// The one description of a dequantization: convert -> subtract -> multiply
// (+ add), as OpenVINO's LPT sees it. In octet's transformed graph it is one
// Dequantize node: f32 = (float(q) - zero_point) * scale (+ bias), per tensor
// or per channel along `axis`. And the other direction: the integer grid of a
// FakeQuantize (levels, ranges) as a quantization to u8/s8.
#include <optional>
#include <string>
#include <vector>

#include "ir/graph.hpp"
#include "lpt/rewriter.hpp"

namespace octet::lpt {

struct Dequantization {
    int node = -1;              // the Dequantize node
    ir::PortRef data;           // its integer input
    ir::ElemType type = ir::ElemType::u8;
    std::vector<float> zero_point, scale, bias;  // size 0, 1 or channels
    int64_t axis = 1;

    bool per_tensor() const { return zero_point.size() <= 1 && scale.size() <= 1 && bias.size() <= 1; }
    // The zero point as an integer when it is one (per tensor), else nullopt.
    std::optional<int32_t> integer_zero_point() const;
    bool has_bias() const { return !bias.empty(); }
};

// The Dequantize producing p, if any.
std::optional<Dequantization> dequantization_of(Rewriter& rw, ir::PortRef p);
void write_dequantization(ir::Node& n, const Dequantization& d);
// d's zero_point / scale / bias as `prefix`zero_point, ... (AddI8's a_ / b_ inputs).
void write_dequantization_vectors(ir::Node& n, const Dequantization& d, const std::string& prefix);
// The requantization of the internal ops that absorb a Quantize (Requantize,
// AddI8): out_scale, out_shift and destination_type from `quantize`. Quantize
// always adds its shift (0 when absent): so do they, for the same bits.
void write_requantization(ir::Node& n, const ir::Node& quantize);

// The int8 grid of a FakeQuantize with per-tensor (or per-channel) ranges:
// integer index q in [0, levels-1] stored as q + qlow in u8 (ol >= 0) or s8.
struct Quantization {
    ir::ElemType type = ir::ElemType::u8;
    float scale = 1.f;       // output step (oh - ol) / (levels - 1)
    float zero_point = 0.f;  // integer: qlow - ol / scale
    float q_scale = 1.f;     // quantize: x * q_scale + q_shift
    float q_shift = 0.f;
    int32_t qlow = 0;
};

// Nullopt (the FakeQuantize stays f32) unless levels is 255/256 for weights
// (256 for activations: a 255-level activation grid cannot saturate to its own
// range in the fused epilogue), il < ih, ol < oh and the zero point is an
// integer in the type's range.
std::optional<Quantization> int8_grid(float il, float ih, float ol, float oh, int64_t levels, bool weights);

// FakeQuantize's integer index (kernels::ref::fake_quantize's first half).
int32_t fake_quantize_index(float x, float il, float ih, int levels);
// out[i] = int8_t(fake_quantize_index(x[i], il, ih, levels) + offset) for n
// values: the same f32 operations four at a time (weight compression runs it
// over every weight of a model; the scalar call dominated compile time).
void fake_quantize_indices(const float* x, int64_t n, float il, float ih, int levels, int32_t offset, int8_t* out);

}  // namespace octet::lpt
