#pragma once
// Concat of dense u8/s8 tensors along one axis as generated code (the int8
// Concat the LPT leaves when every input carries the same dequantization).
//
// With outer = the product of the dims before the axis, input i is `outer`
// rows of inner_i bytes (its dims from the axis on), written with the output's
// row stride Σ inner_j at column offset Σ_{j<i} inner_j: one generated strided
// row copy per input (kernels/eltwise/jit_row_copy_generator.hpp). Exec type
// jit_<isa>_I8. Work units: per input, blocks of rows (about 16 KiB each).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ir/types.hpp"
#include "jit/isa.hpp"
#include "kernels/kernel.hpp"

namespace octet::kernels {

struct ConcatProblem {
    std::vector<std::vector<int64_t>> shapes;  // the inputs: same rank, equal dims except on the axis
    int64_t axis = 0;                          // negative counts from the end
    ir::ElemType type = ir::ElemType::u8;
    std::string name;
};

struct ConcatArgs {
    const void* const* srcs = nullptr;  // one pointer per input, in order
    void* dst = nullptr;
};

class ConcatKernel : public Kernel {
public:
    virtual void run(const ConcatArgs& args, int64_t begin, int64_t end) const = 0;
    void run(const ConcatArgs& args) const { run(args, 0, work_units()); }
    virtual jit::Isa isa() const = 0;
};

// nullptr with the reason in `why` when the problem is not for this kernel (not
// u8/s8, no input, shapes that do not concatenate, an empty input). `isa` is the
// cap (amx -> avx512_core_vnni); run() throws UnsupportedError when this CPU
// cannot execute the generated code.
std::unique_ptr<ConcatKernel> make_concat_jit_kernel(const ConcatProblem& p, jit::Isa isa, std::string& why);

}  // namespace octet::kernels
