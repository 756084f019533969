#pragma once
// Relu / Clamp in the integer domain (the LPT's integer Clamp after a moved
// dequantization, and Relu / Clamp on u8/s8 tensors) as generated code:
// dst = min(max(src, lo), hi) per byte, vpmaxub/vpminub (u8) or vpmaxsb/vpminsb
// (s8) over full vectors and a scalar tail, bit-exact with kernels/ref's integer
// clamp. Exec type jit_<isa>_I8. Work units: blocks of kElementsPerUnit elements.
#include <cstdint>
#include <memory>
#include <string>

#include "ir/types.hpp"
#include "jit/isa.hpp"
#include "kernels/kernel.hpp"

namespace octet::kernels {

struct Int8ClampProblem {
    int64_t elements = 0;
    ir::ElemType type = ir::ElemType::u8;
    int32_t lo = 0, hi = 255;  // inclusive bounds, inside the type's range, lo <= hi
    std::string name;
};

// The integer bounds kernels/ref's Clamp applies to an int8 tensor: the integers
// inside [min, max], saturated to the type (Relu: min 0, max +inf).
void int8_clamp_bounds(ir::ElemType type, double min, double max, int32_t& lo, int32_t& hi);

struct Int8ClampArgs {
    const void* src = nullptr;
    void* dst = nullptr;
};

class Int8ClampKernel : public Kernel {
public:
    static constexpr int64_t kElementsPerUnit = 16384;
    virtual void run(const Int8ClampArgs& args, int64_t begin, int64_t end) const = 0;
    void run(const Int8ClampArgs& args) const { run(args, 0, work_units()); }
    virtual jit::Isa isa() const = 0;
};

// nullptr with the reason in `why` when the problem is not for this kernel.
// `isa` is the cap (amx -> avx512_core_vnni); run() throws UnsupportedError when
// this CPU cannot execute the generated code.
std::unique_ptr<Int8ClampKernel> make_int8_clamp_jit_kernel(const Int8ClampProblem& p, jit::Isa isa, std::string& why);

}  // namespace octet::kernels
