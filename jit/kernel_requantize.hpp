#pragma once
// A generated requantize kernel: an ir::Epilogue applied to s32 accumulators
// laid out [rows][channels] (channel = the epilogue's oc), with an optional
// residual [rows][channels] for the sum post-op, writing dst [rows][channels]
// in the epilogue's dst type (u8, s8, s32 or f32). Bit-exact with
// ir::epilogue_f32 + ir::saturate_round.
#include <cstdint>
#include <memory>
#include <string>

#include "ir/epilogue.hpp"
#include "jit/isa.hpp"
#include "jit/postop_params.hpp"

namespace octet::jit {

class Generator;

class RequantizeKernel {
public:
    // Generates the code for `isa` (any Isa, supported or not: AVX-512 kernels
    // can be built and dumped on an AVX2 machine). Throws ArgumentError on an
    // epilogue that does not fit `channels`, UnsupportedError on what the JIT
    // does not do (two sums, an s32 residual).
    RequantizeKernel(Isa isa, const ir::Epilogue& epilogue, int channels);
    ~RequantizeKernel();
    RequantizeKernel(RequantizeKernel&&) noexcept;
    RequantizeKernel& operator=(RequantizeKernel&&) noexcept;

    // residual: [rows][channels] of the sum's type, required with a sum post-op.
    // Throws UnsupportedError when this CPU cannot run the kernel's ISA.
    void operator()(const int32_t* acc, const void* residual, void* dst, int64_t rows) const;
    // The same with the per-channel vectors supplied by the caller instead of
    // the epilogue's own copies (sizes as in the epilogue given at construction).
    void operator()(const int32_t* acc, const void* residual, void* dst, int64_t rows,
                    const PostOpParams& params) const;

    // "requant_<isa>_s32<dst>[_<post-ops>]_c<channels>", e.g. requant_avx2_s32u8_c67.
    std::string name() const;
    Isa isa() const;
    const Generator& generator() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace octet::jit
