#pragma once
// The generated int8 pooling (max, avg_np, avg_p) over NHWC u8/s8, one output
// row per call. Max: (v)pmaxub/pmaxsb over whole byte vectors of channels,
// starting from the type's lowest value, so padded taps (never loaded) never
// win. Avg: taps summed exactly (AVX2/AVX-512 windows of <= 257 taps: as 16-bit
// words of even/odd channels, no widening shuffle; otherwise widened to s32
// lanes), each channel's s32 sum then cvtdq2ps, one
// divps by float(count) (the reference's single IEEE division), clamp to the
// type's range, cvtps2dq (half to even) and an exact pack. The caller passes
// the valid kernel rows and the rows' share of the count; the generator knows
// each output column's valid taps (border columns one by one, the interior in
// a run-time loop).
#include <cstdint>
#include <memory>

#include "ir/types.hpp"
#include "jit/generator.hpp"
#include "jit/isa.hpp"
#include "kernels/pool/desc.hpp"

namespace octet::kernels::pool_jit {

struct CallArgs {
    const uint8_t* src;  // image row of the first valid kernel row (column 0)
    void* dst;           // output row
    int64_t kh_count;    // valid kernel rows
    int64_t row_count;   // rows factor of the avg count (avg_np: kh_count; avg_p: padded rows)
};

std::unique_ptr<jit::Generator> make_generator(jit::Isa isa, const PoolDesc& d, ir::ElemType type);

}  // namespace octet::kernels::pool_jit
