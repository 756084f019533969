#pragma once
// What every prepared kernel (reference or generated) offers the engine.
//
// A kernel is created once at compile time for one fixed problem (shapes, data
// types, weights packed, epilogue), then run many times. Work is split into
// `work_units()` independent blocks so that the engine's parallel_for can hand
// ranges of them to threads: run(args, begin, end) computes blocks [begin, end)
// and nothing else, so any split of [0, work_units()) gives the same bits.
#include <cstdint>
#include <string>

namespace octet::kernels {

// Throws ArgumentError naming the kernel unless 0 <= begin <= end <= units: the
// precondition of every run(args, begin, end).
void check_work_range(const std::string& name, int64_t begin, int64_t end, int64_t units);

class Kernel {
public:
    virtual ~Kernel() = default;
    // Shown in the performance counters: "jit_avx2_1x1_I8", "ref_I8", ...
    virtual std::string exec_type() const = 0;
    // Full name (family, isa, variant, shape) for dumps and verbose logs.
    virtual std::string name() const = 0;
    virtual int64_t work_units() const = 0;
};

}  // namespace octet::kernels
