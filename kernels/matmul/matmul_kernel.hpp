#pragma once
// An int8 matmul prepared for one problem; see kernels/kernel.hpp. Layouts are
// those of the reference (kernels/matmul/ref.hpp): A [batch][M][K] u8/s8 with a
// zero point, B [batch][K][N] s8 given plain and packed at creation (constant
// weights), dst and residual [batch][M][N]. A run-time B (attention: Q·Kᵀ, P·V)
// comes with each run instead, [batch][K][N] or transposed [batch][N][K].
#include <memory>
#include <vector>

#include "ir/epilogue.hpp"
#include "ir/types.hpp"
#include "kernels/kernel.hpp"
#include "kernels/matmul/desc.hpp"

namespace octet::kernels {

struct MatmulProblem {
    MatmulDesc desc;
    ir::ElemType a_type = ir::ElemType::u8;
    int32_t a_zero_point = 0;
    std::vector<int8_t> b;               // plain [batch][K][N], desc.b_elems() values; empty when b_runtime
    bool b_runtime = false;              // B is MatmulArgs::b, given per run
    bool b_transposed = false;           // a run-time B is stored [batch][N][K]
    ir::Epilogue epilogue;
    // A's rows read from a grid instead of [M][K] (a strided 1x1 conv's output
    // pixels): row r = (img, y, x), x < a_grid_w, y < a_grid_h, starts at
    // A + img·a_img_stride + y·a_y_stride + x·a_x_stride (bytes). a_grid_w = 0:
    // plain rows. Only kernels that copy A rows anyway take it (the JIT's
    // non-VNNI exact s16 path); the others decline.
    int64_t a_grid_w = 0, a_grid_h = 0, a_x_stride = 0, a_y_stride = 0, a_img_stride = 0;
};

struct MatmulArgs {
    const void* a = nullptr;
    const void* residual = nullptr;
    void* dst = nullptr;
    const int8_t* b = nullptr;           // the run-time B (MatmulProblem::b_runtime)
    // Non-zero: the caller's id for one parallel loop, the same on every call of
    // it (with these args) and never reused. A thread then keeps what it prepared
    // from A (the exact path's split, s8 moved to u8) across its calls of the loop:
    // a 2-thread loop calls a kernel ~8 times per thread (the pool's halving claims).
    uint64_t job = 0;
};

class MatmulKernel : public Kernel {
public:
    virtual void run(const MatmulArgs& args, int64_t begin, int64_t end) const = 0;
    void run(const MatmulArgs& args) const { run(args, 0, work_units()); }
};

// The reference as a kernel ("ref_I8"): one work unit per batch element.
std::unique_ptr<MatmulKernel> make_matmul_ref_kernel(const MatmulProblem& p);

}  // namespace octet::kernels
