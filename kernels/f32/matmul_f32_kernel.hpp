#pragma once
// Generated f32 MatMul: C[b] = A[b] · B[b] (+bias[col], ReLU / clamp / +residual), row-major,
// A [M, K] per batch element, B [K, N] or [N, K] (transpose_b), on the gemm_f32
// microkernel (kernels/f32/gemm_f32_generator.hpp).
//
// B is packed into column blocks [n block][K][vecs·simd_w] (zero-padded): a
// constant B once at construction, an activation B (attention's Q·Kᵀ and P·V)
// per run by pack(), which the engine runs as a parallel phase before run().
// Blocks: 6 rows × 16 columns on AVX2, 14 × 32 on AVX-512 (the accumulators
// fill the register file); M = 1 (FC at batch 1) uses 1 × 32 / 1 × 64 with B as
// a streamed memory operand. Work units are (batch, column block, row block)
// with rows innermost, so one packed B block stays in L1/L2 while the rows of
// A pass over it; each unit writes its own C block, so any split of the units
// gives the same bits.
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "jit/isa.hpp"
#include "kernels/common/aligned_buffer.hpp"
#include "kernels/f32/gemm_f32_generator.hpp"
#include "kernels/kernel.hpp"

namespace octet::kernels::f32 {

struct MatmulF32Desc {
    int64_t m = 1, n = 1, k = 1;
    bool transpose_b = false;
    // One entry per output batch element (an empty list means one element at
    // offset 0): element offsets of its A and the index of its B among B's
    // own batch elements (numpy broadcasting resolved by the caller).
    std::vector<int64_t> a_offsets;
    std::vector<int64_t> b_index;
    int64_t b_count = 1;          // batch elements of B (activation B)
    std::vector<float> bias;      // [n] or empty
    std::vector<GemmPostOp> post;  // after the bias, in order (ReLU, clamp, at most one sum)
};

struct MatmulF32Args {
    const float* a = nullptr;
    const float* b = nullptr;       // activation B (ignored for a constant B)
    float* b_packed = nullptr;      // activation B: scratch of packed_b_floats()
    const float* residual = nullptr;  // the sum post-op's input: C's shape
    float* c = nullptr;
};

class MatmulF32Kernel : public Kernel {
public:
    // b_const: the constant B ([K, N], or [N, K] with transpose_b), or null for
    // an activation B. isa: avx2 or avx512_core.
    MatmulF32Kernel(MatmulF32Desc d, const float* b_const, jit::Isa isa);

    std::string exec_type() const override;
    std::string name() const override;
    int64_t work_units() const override;
    void run(const MatmulF32Args& args, int64_t begin, int64_t end) const;

    // Activation B only: floats of scratch for packed B, and the packing phase.
    size_t packed_b_floats() const { return b_const_ ? 0 : size_t(d_.b_count * block_floats_ * n_blocks_); }
    int64_t pack_units() const { return b_const_ ? 0 : d_.b_count * n_blocks_; }
    void pack(const MatmulF32Args& args, int64_t begin, int64_t end) const;

    jit::Isa isa() const { return isa_; }
    const MatmulF32Desc& desc() const { return d_; }

private:
    void pack_block(const float* b, int64_t nb, float* dst) const;
    int64_t batch() const { return d_.a_offsets.empty() ? 1 : int64_t(d_.a_offsets.size()); }

    MatmulF32Desc d_;
    jit::Isa isa_;
    bool b_const_ = false;
    int rows_ = 1, vecs_ = 1, simd_w_ = 8;
    int64_t width_ = 8;           // columns per block
    int64_t n_blocks_ = 1, m_blocks_ = 1, block_floats_ = 0;
    AlignedBuffer packed_, bias_;
    // [row tail][column tail]: the generated blocks (null where no such tail).
    std::array<std::array<std::unique_ptr<jit::Generator>, 2>, 2> gen_;
    std::array<std::array<GemmF32Fn*, 2>, 2> fn_{};
};

}  // namespace octet::kernels::f32
