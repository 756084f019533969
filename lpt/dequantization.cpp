#include "lpt/dequantization.hpp"

#include <algorithm>
#include <cmath>

#include <emmintrin.h>

#include "ir/ops/int8_ops.hpp"

namespace octet::lpt {

std::optional<int32_t> Dequantization::integer_zero_point() const {
    if (zero_point.size() > 1) return std::nullopt;
    const float z = zero_point.empty() ? 0.f : zero_point[0];
    if (z != std::nearbyint(z)) return std::nullopt;
    return int32_t(z);
}

std::optional<Dequantization> dequantization_of(Rewriter& rw, ir::PortRef p) {
    const ir::Node& n = rw.node(p.node);
    if (n.op != "Dequantize") return std::nullopt;
    Dequantization d;
    d.node = p.node;
    d.data = n.inputs.at(0);
    d.type = rw.graph().desc(d.data).type;
    d.zero_point = ir::to_floats(n.attrs.get_floats("zero_point", {}));
    d.scale = ir::to_floats(n.attrs.get_floats("scale", {}));
    d.bias = ir::to_floats(n.attrs.get_floats("bias", {}));
    d.axis = n.attrs.get_int("axis", 1);
    return d;
}

void write_dequantization(ir::Node& n, const Dequantization& d) {
    write_dequantization_vectors(n, d, "");
    n.attrs.set("axis", ir::AttrValue(d.axis));
}

void write_dequantization_vectors(ir::Node& n, const Dequantization& d, const std::string& prefix) {
    n.attrs.set(prefix + "zero_point", ir::to_doubles(d.zero_point));
    n.attrs.set(prefix + "scale", ir::to_doubles(d.scale));
    n.attrs.set(prefix + "bias", ir::to_doubles(d.bias));
}

void write_requantization(ir::Node& n, const ir::Node& quantize) {
    const std::vector<double> shift = quantize.attrs.get_floats("shift", {});
    n.attrs.set("out_scale", quantize.attrs.get_floats("scale"));
    n.attrs.set("out_shift", shift.empty() ? std::vector<double>{0.0} : shift);
    n.attrs.set("destination_type", quantize.attrs.get_string("destination_type"));
}

std::optional<Quantization> int8_grid(float il, float ih, float ol, float oh, int64_t levels, bool weights) {
    if (!(levels == 256 || (weights && levels == 255))) return std::nullopt;
    if (!(il < ih) || !(ol < oh) || !std::isfinite(il) || !std::isfinite(ih)) return std::nullopt;
    Quantization q;
    q.type = weights || ol < 0.f ? ir::ElemType::s8 : ir::ElemType::u8;
    q.qlow = q.type == ir::ElemType::u8 ? 0 : (levels == 256 ? -128 : -127);
    q.scale = (oh - ol) / float(levels - 1);
    const double zp = double(q.qlow) - double(ol) / double(q.scale);
    const double rz = std::nearbyint(zp);
    // Ranges computed in f32 land within a rounding error of the integer grid.
    if (std::fabs(zp - rz) > 1e-3 * std::max(1.0, std::fabs(rz))) return std::nullopt;
    const double lo = q.type == ir::ElemType::u8 ? 0 : -128, hi = q.type == ir::ElemType::u8 ? 255 : 127;
    if (rz < lo || rz > hi) return std::nullopt;
    q.zero_point = float(rz);
    const double a = double(levels - 1) / (double(ih) - double(il));
    q.q_scale = float(a);
    q.q_shift = float(double(q.qlow) - double(il) * a);
    return q;
}

int32_t fake_quantize_index(float x, float il, float ih, int levels) {
    if (x <= std::min(il, ih)) return 0;
    if (x > std::max(il, ih)) return levels - 1;
    volatile float q = (x - il) / (ih - il) * float(levels - 1);
    return int32_t(std::nearbyint(float(q)));
}

// cvtps2dq rounds with the MXCSR mode, as nearbyint does with the current
// mode; subtraction, division and multiplication are the scalar ones, lane-wise.
// The low byte of each s32 is sign-extended before the saturating packs, so the
// bytes are int8_t(value) exactly as in the scalar form.
void fake_quantize_indices(const float* x, int64_t n, float il, float ih, int levels, int32_t offset, int8_t* out) {
    const __m128 v_il = _mm_set1_ps(il), v_range = _mm_set1_ps(ih - il), v_steps = _mm_set1_ps(float(levels - 1));
    const __m128 v_lo = _mm_set1_ps(std::min(il, ih)), v_hi = _mm_set1_ps(std::max(il, ih));
    const __m128i v_top = _mm_set1_epi32(levels - 1), v_offset = _mm_set1_epi32(offset);
    auto four = [&](const float* p) {
        const __m128 v = _mm_loadu_ps(p);
        __m128i q = _mm_cvtps_epi32(_mm_mul_ps(_mm_div_ps(_mm_sub_ps(v, v_il), v_range), v_steps));
        const __m128i below = _mm_castps_si128(_mm_cmple_ps(v, v_lo)), above = _mm_castps_si128(_mm_cmpgt_ps(v, v_hi));
        q = _mm_andnot_si128(below, q);                                             // x <= min -> 0
        q = _mm_or_si128(_mm_andnot_si128(above, q), _mm_and_si128(above, v_top));  // x > max -> levels-1
        return _mm_srai_epi32(_mm_slli_epi32(_mm_add_epi32(q, v_offset), 24), 24);
    };
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        const __m128i lo = _mm_packs_epi32(four(x + i), four(x + i + 4));
        const __m128i hi = _mm_packs_epi32(four(x + i + 8), four(x + i + 12));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i), _mm_packs_epi16(lo, hi));
    }
    for (; i < n; ++i) out[i] = int8_t(fake_quantize_index(x[i], il, ih, levels) + offset);
}

}  // namespace octet::lpt
