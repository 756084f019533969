#include "kernels/f32/matmul_f32_kernel.hpp"

#include <algorithm>
#include <cstring>

#include "ir/error.hpp"

namespace octet::kernels::f32 {

namespace {


}  // namespace

MatmulF32Kernel::MatmulF32Kernel(MatmulF32Desc d, const float* b_const, jit::Isa isa)
    : d_(std::move(d)), isa_(isa), b_const_(b_const != nullptr) {
    if (isa != jit::Isa::avx2 && isa != jit::Isa::avx512_core)
        throw ArgumentError("matmul_f32: generated for avx2 and avx512_core only");
    if (d_.m < 1 || d_.n < 1 || d_.k < 1) throw ArgumentError("matmul_f32: empty problem");
    if (d_.a_offsets.size() != d_.b_index.size()) throw ArgumentError("matmul_f32: batch tables differ in size");
    for (int64_t i : d_.b_index)
        if (i < 0 || i >= d_.b_count) throw ArgumentError("matmul_f32: B batch index out of range");
    if (!d_.bias.empty() && int64_t(d_.bias.size()) != d_.n) throw ArgumentError("matmul_f32: bias is not [n]");
    simd_w_ = gemm_f32_simd_w(isa);
    // M = 1: GEMV blocks, wide; otherwise the register-filling GEMM block.
    vecs_ = d_.m == 1 ? 4 : 2;
    vecs_ = int(std::min<int64_t>(vecs_, (d_.n + simd_w_ - 1) / simd_w_));
    const int64_t max_rows = gemm_f32_max_rows(isa, vecs_), row_blocks = (d_.m + max_rows - 1) / max_rows;
    rows_ = int((d_.m + row_blocks - 1) / row_blocks);  // rows spread evenly over the fewest blocks
    width_ = int64_t(vecs_) * simd_w_;
    n_blocks_ = (d_.n + width_ - 1) / width_;
    m_blocks_ = (d_.m + rows_ - 1) / rows_;
    block_floats_ = d_.k * width_;

    if (b_const_) {
        packed_ = AlignedBuffer(size_t(n_blocks_ * block_floats_) * sizeof(float));
        for (int64_t nb = 0; nb < n_blocks_; ++nb)
            pack_block(b_const, nb, reinterpret_cast<float*>(packed_.data()) + nb * block_floats_);
    }
    if (!d_.bias.empty()) {
        bias_ = AlignedBuffer(size_t(n_blocks_ * width_) * sizeof(float));
        std::memcpy(bias_.data(), d_.bias.data(), d_.bias.size() * sizeof(float));
    }

    const int64_t rows_tail = d_.m % rows_, cols_tail = d_.n - (n_blocks_ - 1) * width_;
    for (int rt = 0; rt < 2; ++rt)
        for (int ct = 0; ct < 2; ++ct) {
            const int rows = rt ? int(rows_tail) : rows_;
            if (rows == 0 || (ct && cols_tail == width_)) continue;
            const int64_t cols = ct ? cols_tail : width_;
            GemmF32Config c;
            c.isa = isa;
            c.rows = rows;
            c.vecs = int((cols + simd_w_ - 1) / simd_w_);
            c.last_lanes = int(cols - int64_t(c.vecs - 1) * simd_w_);
            c.k = d_.k;
            c.a_row_stride = d_.k * 4;
            c.a_k_stride = 4;
            c.b_k_stride = width_ * 4;
            c.c_row_stride = d_.n * 4;
            c.bias = d_.bias.empty() ? GemmBias::none : GemmBias::per_col;
            c.post = d_.post;
            c.name = "matmul_f32_" + std::string(jit::exec_isa_tag(isa)) + "_" + std::to_string(rows) + "x" +
                     std::to_string(cols) + "_k" + std::to_string(d_.k) + "_n" + std::to_string(d_.n);
            gen_[size_t(rt)][size_t(ct)] = make_gemm_f32_generator(c);
            fn_[size_t(rt)][size_t(ct)] = gen_[size_t(rt)][size_t(ct)]->function<GemmF32Fn>();
        }
    // Full-width blocks stand in where there is no column tail.
    for (int rt = 0; rt < 2; ++rt)
        if (!fn_[size_t(rt)][1]) fn_[size_t(rt)][1] = fn_[size_t(rt)][0];
}

std::string MatmulF32Kernel::exec_type() const { return std::string("jit_") + jit::exec_isa_tag(isa_) + "_FP32"; }

std::string MatmulF32Kernel::name() const {
    return "matmul_f32_" + std::string(jit::exec_isa_tag(isa_)) + "_b" + std::to_string(batch()) + "m" + std::to_string(d_.m) +
           "n" + std::to_string(d_.n) + "k" + std::to_string(d_.k) + (b_const_ ? "_packedB" : "_runtimeB");
}

int64_t MatmulF32Kernel::work_units() const { return batch() * n_blocks_ * m_blocks_; }

// Columns [nb·width, +width) of B into [K][width], zeros past N.
void MatmulF32Kernel::pack_block(const float* b, int64_t nb, float* dst) const {
    const int64_t n0 = nb * width_, cols = std::min(width_, d_.n - n0);
    for (int64_t k = 0; k < d_.k; ++k) {
        float* row = dst + k * width_;
        if (!d_.transpose_b) {
            std::memcpy(row, b + k * d_.n + n0, size_t(cols) * sizeof(float));
        } else {
            for (int64_t j = 0; j < cols; ++j) row[j] = b[(n0 + j) * d_.k + k];
        }
        std::fill(row + cols, row + width_, 0.f);
    }
}

void MatmulF32Kernel::pack(const MatmulF32Args& args, int64_t begin, int64_t end) const {
    for (int64_t u = begin; u < end; ++u) {
        const int64_t bi = u / n_blocks_, nb = u % n_blocks_;
        pack_block(args.b + bi * d_.k * d_.n, nb, args.b_packed + (bi * n_blocks_ + nb) * block_floats_);
    }
}

void MatmulF32Kernel::run(const MatmulF32Args& args, int64_t begin, int64_t end) const {
    const float* packed = b_const_ ? reinterpret_cast<const float*>(packed_.data()) : args.b_packed;
    const float* bias = d_.bias.empty() ? nullptr : reinterpret_cast<const float*>(bias_.data());
    for (int64_t u = begin; u < end; ++u) {
        const int64_t mb = u % m_blocks_, nb = u / m_blocks_ % n_blocks_, bt = u / (m_blocks_ * n_blocks_);
        const int64_t a_off = d_.a_offsets.empty() ? 0 : d_.a_offsets[size_t(bt)];
        const int64_t b_idx = b_const_ || d_.b_index.empty() ? 0 : d_.b_index[size_t(bt)];
        const int64_t m0 = mb * rows_, n0 = nb * width_;
        const int64_t c_off = (bt * d_.m + m0) * d_.n + n0;
        GemmF32Args g;
        g.a = args.a + a_off + m0 * d_.k;
        g.b = packed + (b_idx * n_blocks_ + nb) * block_floats_;
        g.bias = bias ? bias + n0 : nullptr;
        g.residual = args.residual ? args.residual + c_off : nullptr;
        g.c = args.c + c_off;
        fn_[m0 + rows_ > d_.m ? 1 : 0][nb == n_blocks_ - 1 ? 1 : 0](&g);
    }
}

}  // namespace octet::kernels::f32
