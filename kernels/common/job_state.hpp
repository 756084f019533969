#pragma once
// What a kernel prepares per thread once per parallel loop and reuses across the
// ranges the thread claims in it (pxfix's transposed rows, wide's widened rows,
// the matmul's split A): the loop is named by its job id (ConvArgs::job,
// MatmulArgs::job; ids are never reused, 0 means a single call that keeps nothing).
#include <cstdint>

namespace octet::kernels {

class JobKey {
public:
    // True when (kernel, job, source) starts a new loop for the state this key
    // guards: the caller then drops what it kept.
    bool renew(const void* kernel, uint64_t job, const void* src) {
        if (job != 0 && kernel == kernel_ && job == job_ && src == src_) return false;
        kernel_ = kernel;
        job_ = job;
        src_ = src;
        return true;
    }

private:
    const void* kernel_ = nullptr;
    uint64_t job_ = 0;
    const void* src_ = nullptr;
};

}  // namespace octet::kernels
