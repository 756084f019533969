#pragma once
// The run-time per-channel vectors a kernel's post-op chain reads (see
// jit/postops.hpp). Each has the size the Epilogue given at generation has for
// it: 0 (unused, may be null), 1 (broadcast) or the channel count.

namespace octet::jit {

struct PostOpParams {
    const float* scale = nullptr;
    const float* bias = nullptr;
    const float* out_scale = nullptr;
    const float* out_shift = nullptr;
};

}  // namespace octet::jit
