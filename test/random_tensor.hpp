#pragma once
// The deterministic f32 test input the engine and zoo tests share: values in
// [-2, 2) from a 32-bit LCG, so a seed names the same tensor on every machine
// and standard library (std:: distributions are not portable).
#include <cstdint>

#include "ir/tensor.hpp"

namespace octet::test {

inline ir::Tensor lcg_tensor(const ir::Shape& s, uint32_t seed) {
    ir::Tensor t(ir::ElemType::f32, s);
    uint32_t x = seed;
    float* p = t.data<float>();
    for (int64_t i = 0; i < t.numel(); ++i) {
        x = x * 1664525u + 1013904223u;
        p[i] = float(int32_t(x >> 8) % 2000) / 1000.f;
    }
    return t;
}

}  // namespace octet::test
