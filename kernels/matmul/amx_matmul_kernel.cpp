#include "kernels/matmul/amx_matmul_kernel.hpp"

#include <algorithm>
#include <cstring>

#include "ir/error.hpp"
#include "jit/cpu.hpp"
#include "kernels/common/aligned_buffer.hpp"
#include "kernels/common/ref_acc.hpp"
#include "kernels/matmul/amx_matmul_generator.hpp"
#include "kernels/matmul/pack.hpp"

namespace octet::kernels {
namespace {

using jit::Isa;
namespace mp = matmul_pack;
namespace ma = matmul_amx;

class AmxMatmulKernel final : public MatmulKernel {
public:
    explicit AmxMatmulKernel(const MatmulProblem& p) : d_(p.desc), a_t_(p.a_type), e_(p.epilogue) {
        const int64_t batch = d_.batch();
        kp_ = (d_.k + ma::kChunk - 1) / ma::kChunk * ma::kChunk;
        // B with K zero-padded to K', then the 32-column u8s8 packing (two B tiles per block).
        std::vector<int8_t> padded(size_t(batch * kp_ * d_.n), 0);
        for (int64_t bi = 0; bi < batch; ++bi)
            std::memcpy(padded.data() + bi * kp_ * d_.n, p.b.data() + bi * d_.k * d_.n, size_t(d_.k * d_.n));
        packed_ = mp::pack_u8s8(padded.data(), batch, kp_, d_.n, ma::kBlockCols);
        shift_ = p.a_zero_point;  // s8 A needs no +128: tdpbssd multiplies s8 × s8
        if (shift_ != 0) comp_ = mp::compensation(p.b.data(), batch, d_.k, d_.n, ma::kBlockCols, shift_);
        n_pad_ = packed_.n_blocks * ma::kBlockCols;
        m_blocks_ = (d_.m + ma::kBlockRows - 1) / ma::kBlockRows;
        // A tile reads 64-byte chunks of each row: with K % 64 != 0 a row's last chunk runs
        // up to 63 bytes past it (past the tensor near its end), so every block is staged.
        pad_k_ = d_.k % ma::kChunk != 0;

        const std::string types = std::string(ir::to_string(a_t_)) + "s8" + ir::to_string(e_.dst_type);
        name_ = "matmul_amx_" + types + "_32x32_" + to_string(d_);
        blocks_ = std::make_unique<ma::BlockSet>(d_.m, d_.n, d_.k, kp_, a_t_ == ir::ElemType::s8, shift_ != 0, e_,
                                                 "matmul_amx_" + types, "n");
        params_ = ma::post_op_params(e_);
        const ir::PostOp* sum = e_.sum_op();
        res_size_ = sum ? ir::elem_size(sum->sum_type) : 0;
        dst_size_ = ir::elem_size(e_.dst_type);
    }

    std::string exec_type() const override { return "jit_amx_I8"; }
    std::string name() const override { return name_; }
    int64_t work_units() const override { return d_.batch() * packed_.n_blocks * m_blocks_; }

    void run(const MatmulArgs& args, int64_t begin, int64_t end) const override {
        if (!jit::isa_supported(Isa::amx)) throw UnsupportedError(name_ + ": this CPU cannot run amx code");
        check_work_range(name_, begin, end, work_units());
        if (begin == end) return;
        if (!args.a || !args.dst) throw ArgumentError(name_ + ": null A or dst");
        if (res_size_ && !args.residual) throw ArgumentError(name_ + ": the sum post-op needs a residual tensor");
        const auto* a = static_cast<const uint8_t*>(args.a);
        const auto* res = static_cast<const uint8_t*>(args.residual);
        auto* dst = static_cast<uint8_t*>(args.dst);
        const auto* comp = reinterpret_cast<const int32_t*>(comp_.data());
        AlignedBuffer scratch(ma::kScratchBytes);
        AlignedBuffer stage;  // zero-padded copy of a block whose reads would leave its rows
        const int64_t per_batch = packed_.n_blocks * m_blocks_;

        ma::BlockArgs t{};
        t.params = params_;
        t.scratch = reinterpret_cast<int32_t*>(scratch.data());
        for (int64_t u = begin; u < end;) {
            const int64_t bi = u / per_batch, rem = u % per_batch;
            const int64_t nbk = rem / m_blocks_, mbk = rem % m_blocks_;
            const int64_t m0 = mbk * ma::kBlockRows, n0 = nbk * ma::kBlockCols;
            const bool tail_rows = m0 + ma::kBlockRows > d_.m;
            const int ri = tail_rows ? 1 : 0, ci = n0 + ma::kBlockCols > d_.n ? 1 : 0;
            // Consecutive unstaged full blocks of one column block run as one call; a staged
            // block (tail rows, or K not a multiple of 64) alone.
            const bool staged = pad_k_ || tail_rows;
            const int64_t full_blocks = d_.m / ma::kBlockRows;
            const int64_t count = staged ? 1 : std::min(end - u, full_blocks - mbk);
            const int64_t row = bi * d_.m + m0;
            if (staged) {
                if (stage.size() == 0) stage = AlignedBuffer(size_t(ma::kBlockRows * kp_));
                const int64_t rows = std::min<int64_t>(ma::kBlockRows, d_.m - m0);
                for (int64_t r = 0; r < rows; ++r)
                    std::memcpy(stage.data() + r * kp_, a + (row + r) * d_.k, size_t(d_.k));
                t.a = stage.data();
                t.lda = kp_;
            } else {
                t.a = a + row * d_.k;
                t.lda = d_.k;
            }
            t.b = reinterpret_cast<const int8_t*>(packed_.data.data()) + bi * packed_.batch_bytes +
                  nbk * packed_.block_bytes;
            t.comp = comp ? comp + bi * n_pad_ + n0 : nullptr;
            t.residual = res ? res + size_t(row * d_.n + n0) * res_size_ : nullptr;
            t.dst = dst + size_t(row * d_.n + n0) * dst_size_;
            t.n0 = n0;
            t.m_blocks = count;
            blocks_->fn(ri, ci)(&t);
            u += count;
        }
    }

private:
    MatmulDesc d_;
    ir::ElemType a_t_;
    ir::Epilogue e_;
    int64_t kp_ = 0, shift_ = 0, n_pad_ = 0, m_blocks_ = 0;
    bool pad_k_ = false;
    mp::PackedB packed_;
    AlignedBuffer comp_;
    std::unique_ptr<ma::BlockSet> blocks_;
    jit::PostOpParams params_;
    size_t res_size_ = 0, dst_size_ = 0;
    std::string name_;
};

}  // namespace

std::unique_ptr<MatmulKernel> make_matmul_amx_kernel(const MatmulProblem& p, Isa isa, std::string& why) {
    const MatmulDesc& d = p.desc;
    if (isa != Isa::amx) {
        why = std::string("the ISA cap is ") + jit::isa_name(isa) + ", not amx";
        return nullptr;
    }
    if (p.b_runtime) {
        why = "a run-time B (the AMX kernel packs B at creation)";
        return nullptr;
    }
    if (p.a_grid_w > 0) {
        why = "a gathered A (MatmulProblem::a_grid_w)";
        return nullptr;
    }
    if (d.m < kAmxMinRows) {
        why = "M = " + std::to_string(d.m) + " < " + std::to_string(kAmxMinRows) + ": the VNNI GEMV streams B as fast";
        return nullptr;
    }
    why = ma::decline_types(p.a_type, p.epilogue.dst_type);
    if (!why.empty()) return nullptr;
    if (int64_t(p.b.size()) != d.b_elems()) {
        why = "B has " + std::to_string(p.b.size()) + " values, the descriptor " + std::to_string(d.b_elems());
        return nullptr;
    }
    if (!ref::row_fits_s32(p.a_type, p.a_zero_point, d.k)) {
        why = "K = " + std::to_string(d.k) + " with zero point " + std::to_string(p.a_zero_point) +
              " may leave s32 (the reference checks each accumulator)";
        return nullptr;
    }
    if (d.n > (int64_t(1) << 24) || d.k > (int64_t(1) << 28)) {
        why = "K or N beyond the generated addressing";
        return nullptr;
    }
    try {
        return std::make_unique<AmxMatmulKernel>(p);
    } catch (const UnsupportedError& e) {
        why = e.what();
    } catch (const ArgumentError& e) {
        why = e.what();
    }
    return nullptr;
}

}  // namespace octet::kernels
