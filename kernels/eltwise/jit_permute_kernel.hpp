#pragma once
// Transpose (permute) of a dense u8/s8 tensor as generated code: the int8
// attention's [0,2,1,3] head split / merge, and any other order.
//
// The order is first normalized: output dims of size 1 are dropped and output
// dims that are adjacent, in order, in the input are merged (BERT's
// [1,128,12,64] by [0,2,1,3] becomes [128,12,64] by [1,0,2]). The generated
// function then writes `rows` consecutive output rows of the innermost output
// dim; the call driver walks the outer dims.
//   rows    (exec type jit_<isa>_I8): the innermost dim stays innermost, each
//           row is a contiguous copy (full vectors, then the tail: an opmask on
//           AVX-512, 16/8/4/2/1-byte moves below);
//   gather  (jit_<isa>_gather_I8): the innermost dim moves, each output byte is
//           read with the input stride (scalar moves, unrolled by 8).
//   interleave (jit_<isa>_interleave_I8): the innermost dim moves, has 2-4
//           elements and the next one is contiguous in the input (NCHW -> NHWC
//           of a 3-channel image): 16 rows at a time from one xmm per plane.
// Work units: outer index × blocks of rows (about 16 KiB of output each), so
// any split gives the same bytes.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ir/types.hpp"
#include "jit/isa.hpp"
#include "kernels/kernel.hpp"

namespace octet::kernels {

struct PermuteProblem {
    std::vector<int64_t> shape;   // input dims
    std::vector<int64_t> order;   // output dim d is input dim order[d] (Transpose's "order")
    ir::ElemType type = ir::ElemType::u8;
    std::string name;
};

// The normalized form: output dims (outermost first) with their input strides
// in elements; never empty (a single element is one dim of size 1).
struct PermuteGeometry {
    std::vector<int64_t> dims, src_strides;
};
PermuteGeometry normalize_permute(const std::vector<int64_t>& shape, const std::vector<int64_t>& order);

struct PermuteArgs {
    const void* src = nullptr;
    void* dst = nullptr;
};

class PermuteKernel : public Kernel {
public:
    virtual void run(const PermuteArgs& args, int64_t begin, int64_t end) const = 0;
    void run(const PermuteArgs& args) const { run(args, 0, work_units()); }
    virtual jit::Isa isa() const = 0;
};

// nullptr with the reason in `why` when the problem is not for this kernel (not
// u8/s8, not a permutation, strides beyond the generated addressing). `isa` is
// the cap (amx -> avx512_core_vnni); run() throws UnsupportedError when this CPU
// cannot execute the generated code.
std::unique_ptr<PermuteKernel> make_permute_jit_kernel(const PermuteProblem& p, jit::Isa isa, std::string& why);

}  // namespace octet::kernels
