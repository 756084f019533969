#pragma once
// Generated f32 pooling over NCHW planes. Global pooling (AvgPool / MaxPool whose
// window is the whole H×W, no padding: ResNet's and MobileNet's last pool):
// each of `planes` contiguous planes of `len` elements reduces to one value.
// Max is bit-exact with kernels/ref (max is order-free; padding never wins);
// average sums in W lanes × 2 accumulators and divides by the count as the
// reference does: within 1e-6 relative of the reference's sequential f32 sum
// for the plane sizes of the zoo (≤ 3136).
#include <cstdint>
#include <memory>
#include <string>

#include "kernels/f32/math_kernel.hpp"

namespace octet::kernels::f32 {

enum class PoolF32Alg { max, avg };

struct GlobalPoolArgs {
    const float* src;  // planes × len
    float* dst;        // planes
    int64_t len;       // H·W, >= 1
    int64_t planes;
    float count;       // float(len), the average's divisor
};

using GlobalPoolKernel = F32Kernel<GlobalPoolArgs>;
std::unique_ptr<GlobalPoolKernel> create_global_pool_kernel(PoolF32Alg alg, jit::Isa isa, std::string* why = nullptr);

// Windowed pooling, one output row per call, vectorized along the output
// width, over an input plane the caller has padded (pad value lowest() for
// max, 0 for avg) so that every tap of the row's windows is in the buffer:
// the caller points src at the row's first tap (padded coordinates
// oh·sh, 0) and leaves kRowSlack floats after each row's last tap. Taps are
// visited row by row as the reference does, and the average divides by the
// caller's per-output count: bit-exact with kernels/ref for both (adding a
// padding 0 changes no sum). Strides 1 and 2 along the width (2: the even
// lanes of two loads, vpermt2ps / vshufps+vpermpd).
struct WindowPoolDesc {
    PoolF32Alg alg = PoolF32Alg::max;
    int kh = 1, kw = 1, sw = 1;
    int64_t row_stride = 0;  // floats between padded input rows
};

struct WindowPoolArgs {
    const float* src;      // padded input, row oh·sh, column 0
    float* dst;            // output row
    const float* count;    // avg: ow divisors (float(count) of each window)
    int64_t ow;
};

// Floats the kernel may read past the last tap of a row (vector overrun).
constexpr int64_t kRowSlack = 64;

using WindowPoolKernel = F32Kernel<WindowPoolArgs>;
std::unique_ptr<WindowPoolKernel> create_window_pool_kernel(const WindowPoolDesc& d, jit::Isa isa,
                                                            std::string* why = nullptr);

}  // namespace octet::kernels::f32
